// bridge_holder NAME: a relinked process's stand-in for the kill -9 tests.
// Starts a LegacyBridge from the environment (CM_LEGACY_*), opens NAME in
// the legacy domain, prints "READY NAME <pid> <companion pid>" and relays
// events to stdout ("DELIVER sender type", "CONNECTED x", ...) until killed.
#include <unistd.h>

#include <cstdio>

#include "legacy_bridge.h"

int main(int argc, char** argv) {
  if (argc != 2) return std::fprintf(stderr, "usage: bridge_holder NAME\n"), 2;
  std::unique_ptr<cm::LegacyBridge> bridge;
  cm::Status s = cm::LegacyBridge::Start(cm::BridgeConfig::FromEnvironment(), &bridge);
  if (s.ok()) s = bridge->Open(argv[1]);
  if (!s.ok()) return std::printf("FAILED %s\n", s.message().c_str()), 1;
  std::printf("READY %s %d %d\n", argv[1], static_cast<int>(getpid()), static_cast<int>(bridge->companion_pid()));
  std::fflush(stdout);
  for (;;) {
    cm::BridgeEvent e;
    while (bridge->Next(&e)) {
      const char* kinds[] = {"DELIVER", "CONNECTED", "DISCONNECTED", "GONE"};
      std::printf("%s %s %s\n", kinds[static_cast<int>(e.kind)], e.name.c_str(), e.message ? e.message->type() : "");
      std::fflush(stdout);
      if (e.kind == cm::BridgeEventKind::kGone) return 1;
    }
    zmq_pollitem_t item = bridge->pollitem();
    zmq_poll(&item, 1, 100);
  }
}
