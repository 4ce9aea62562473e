// legacy_nameserver_task -- a TEST FIXTURE that plays the legacy name
// server's Cm task, as the contract documents it (/work/shared/cm-api.md,
// "Domains and the name server": the legacy name server "is itself a Cm
// task; legacy message types it answers include NSGetNames, NSGetConnects").
// Our CmNameServer answers no Cm message by name, so in the tests this
// program stands beside it in the legacy domain:
//
//   legacy_nameserver_task [TASK]      (default TASK: NameServer)
//
// It is a legacy program (linked against the stand-in libcm.so, which reads
// CM_NAMESERVER / CMDOMAIN like any legacy program of that domain) that
// opens TASK and answers
//   NSGetNames     with "NSNames":    one text per registered name
//   NSGetConnects  with "NSConnects": two texts (from, to) per pair
// sent back to the asker.  It learns both from the legacy domain's
// CmNameServer with the core's NameClient (cmcore: namespace cm, hidden; it
// holds no Cm* C symbol, so the stand-in's Cm* stay the only ones here).
// The real legacy name server's answer layout is not known: this one is the
// layout LegacyBridge::Names/Connects assume (docs/migration.md, "Listing
// both worlds").  Prints "READY TASK PID" once open; runs until killed.
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <vector>

#include <CmMessage.h>

#include "naming/domain.h"
#include "naming/name_client.h"
#include "transport/address.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
cm::DomainConfig g_domain;

CmMessageStatus Answer(CmMessage, char* sender, char*, bool connects) {
  cm::NameClient names(g_domain, "legacy-ns-task-" + cm::NewIncarnation());
  std::vector<std::string> texts;
  cm::Status s;
  if (connects) {
    std::vector<cm::ConnectRecord> records;
    s = names.Connects(&records, 1500);
    for (const cm::ConnectRecord& r : records) texts.insert(texts.end(), {r.from, r.to});
  } else {
    std::vector<cm::NameRecord> records;
    s = names.List(&records, 1500);
    for (const cm::NameRecord& r : records) texts.push_back(r.name);
  }
  if (!s.ok()) std::fprintf(stderr, "legacy_nameserver_task: %s\n", s.message().c_str());
  CmMessage reply = CmMessageNew();
  CmMessageSetType(reply, const_cast<char*>(connects ? "NSConnects" : "NSNames"));
  for (const std::string& t : texts) CmMessagePutText(reply, const_cast<char*>(t.c_str()));
  int sent = CmMessageSend(reply, sender);
  CmMessageDelete(reply);
  std::printf("ANSWERED %s %s %zu %d\n", connects ? "NSGetConnects" : "NSGetNames", sender, texts.size(), sent);
  std::fflush(stdout);
  return CmMessageOk;
}

CmMessageStatus OnNames(CmMessage m, char* sender, char* server) { return Answer(m, sender, server, false); }
CmMessageStatus OnConnects(CmMessage m, char* sender, char* server) { return Answer(m, sender, server, true); }

}  // namespace

int main(int argc, char** argv) {
  std::string task = argc > 1 ? argv[1] : "NameServer";
  cm::Status s = cm::LoadDomain("", &g_domain);
  if (!s.ok()) {
    std::fprintf(stderr, "legacy_nameserver_task: %s\n", s.message().c_str());
    return 2;
  }
  std::signal(SIGTERM, [](int) { g_stop = 1; });
  std::signal(SIGINT, [](int) { g_stop = 1; });
  if (CmMessageOpenServer(const_cast<char*>(task.c_str())) != 1) {
    std::fprintf(stderr, "legacy_nameserver_task: cannot open '%s'\n", task.c_str());
    return 1;
  }
  CmMessageInstallHandler(OnNames, const_cast<char*>("NSGetNames"));
  CmMessageInstallHandler(OnConnects, const_cast<char*>("NSGetConnects"));
  std::printf("READY %s %d\n", task.c_str(), static_cast<int>(getpid()));
  std::fflush(stdout);
  while (!g_stop) CmMessageWaitWithTimeout(0.2);
  CmMessageCloseServer();
  return 0;
}
