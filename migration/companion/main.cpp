// cm-legacy-companion: the legacy half of a relinked process in migration
// mode.  Started by LegacyBridge::Start (migration/legacy_bridge.h), never by
// hand:
//   cm-legacy-companion --endpoint ipc://@... --parent PID --library /path/libcm.so [--slice MIN-MAX] [--hot MS]
// with the legacy domain's environment (CMDOMAIN, CMDOMAIN_DATABASE, ...)
// and CM_BRIDGE_TOKEN.
#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "companion/companion.h"
#include "transport/context.h"
#include "util/log.h"

namespace {

void OnTerm(int) { cm::Companion::RequestStop(); }

bool ParseArgs(int argc, char** argv, cm::CompanionOptions* o) {
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string key = argv[i], value = argv[i + 1];
    if (key == "--endpoint")
      o->endpoint = value;
    else if (key == "--parent")
      o->parent = static_cast<pid_t>(std::atol(value.c_str()));
    else if (key == "--library")
      o->library = value;
    else if (key == "--slice") {
      if (std::sscanf(value.c_str(), "%d-%d", &o->slice_min_ms, &o->slice_max_ms) != 2 || o->slice_min_ms < 1 ||
          o->slice_max_ms < o->slice_min_ms)
        return false;
    } else if (key == "--hot") {
      o->hot_ms = std::atoi(value.c_str());
    } else {
      return false;
    }
  }
  return argc % 2 == 1 && !o->endpoint.empty() && o->parent > 0 && !o->library.empty();
}

}  // namespace

int main(int argc, char** argv) {
  cm::SetLogName("cm-legacy-companion");
  cm::CompanionOptions options;
  if (!ParseArgs(argc, argv, &options)) {
    std::fprintf(stderr,
                 "usage: cm-legacy-companion --endpoint ipc://@NAME --parent PID --library /path/libcm.so "
                 "[--slice MIN-MAX] [--hot MS]\n(started by a relinked Cm program in migration mode, not by hand)\n");
    return 2;
  }
  signal(SIGTERM, OnTerm);
  signal(SIGPIPE, SIG_IGN);
  int rc = 0;
  {
    cm::Companion companion;
    cm::Status s = companion.Start(options);
    if (s.ok()) {
      companion.Run();
    } else {
      CM_ERROR("%s", s.message().c_str());
      rc = 1;
    }
  }
  cm::TerminateZmqContext();  // lets the last lines to R go out (the socket's linger)
  return rc;
}
