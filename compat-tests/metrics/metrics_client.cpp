// metrics_client: the test's hands in compat-tests/metrics/metrics_test.py,
// on the domain of CM_NAMESERVER.
//   metrics_client metrics          prints the name server's NSGetMetrics text
//   metrics_client relay FROM TO N  asks FROM (a session_echo_child) to send N
//                                   "Data" to TO; prints how many it sent
//   metrics_client send TO TYPE     sends TO one message of type TYPE
// Exit status: 0 done, 1 not done (said on stderr), 2 usage.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "naming/domain.h"
#include "naming/name_client.h"
#include "session/session.h"

namespace {

int PrintMetrics() {
  cm::DomainConfig domain;
  cm::Status s = cm::LoadDomain("", &domain);
  if (!s.ok()) {
    std::fprintf(stderr, "metrics_client: %s\n", s.message().c_str());
    return 1;
  }
  cm::NameClient client(domain, "metrics-client");
  cm::Message request, reply;
  request.SetType("NSGetMetrics");
  s = client.Call(request, &reply, 5000);
  const char* text = s.ok() ? reply.GetText() : nullptr;
  if (text == nullptr) {
    std::fprintf(stderr, "metrics_client: NSGetMetrics: %s\n", s.ok() ? "no text in the reply" : s.message().c_str());
    return 1;
  }
  std::fputs(text, stdout);
  return 0;
}

int Relay(const char* from, const char* to, int n) {
  cm::Session& session = cm::Session::Instance();
  long relayed = -1;
  session.handlers().Install("Relayed", [&relayed](cm::Message& m, const char*) {
    relayed = m.GetLong();
    return true;
  });
  cm::Message relay;
  relay.SetType("Relay");
  relay.PutText(to);
  relay.PutInt(n);
  if (!session.Send(relay, from) || !session.Wait(30.0)) {
    std::fprintf(stderr, "metrics_client: %s did not answer Relay\n", from);
    return 1;
  }
  std::printf("%ld\n", relayed);
  return 0;
}

int SendOne(const char* to, const char* type) {
  cm::Message message;
  message.SetType(type);
  if (!cm::Session::Instance().Send(message, to)) {
    std::fprintf(stderr, "metrics_client: could not send %s to %s\n", type, to);
    return 1;
  }
  cm::Session::Instance().Close();  // delivers it
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string command = argc > 1 ? argv[1] : "";
  if (command == "metrics" && argc == 2) return PrintMetrics();
  if (command == "relay" && argc == 5) return Relay(argv[2], argv[3], std::atoi(argv[4]));
  if (command == "send" && argc == 4) return SendOne(argv[2], argv[3]);
  std::fprintf(stderr, "usage: metrics_client metrics | metrics_client relay FROM TO N | metrics_client send TO TYPE\n");
  return 2;
}
