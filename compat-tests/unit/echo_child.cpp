// A process for the session tests.
//   session_echo_child NAME          answers "Ping" with "Pong" carrying its pid
//   session_echo_child NAME SECONDS  a stuck receiver: waits SECONDS without
//                                    reading, then counts "Data" messages and
//                                    answers "Count" with how many it got
// Both also count "Data", and take a second over "Slow".
#include <unistd.h>

#include <cstdlib>

#include "session/session.h"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) return 2;
  cm::Session& s = cm::Session::Instance();
  if (!s.Open(argv[1]).ok()) return 3;
  s.handlers().Install("Ping", [&s](cm::Message&, const char* sender) {
    cm::Message pong;
    pong.SetType("Pong");
    pong.PutInt(getpid());
    s.Send(pong, sender);
    return false;
  });
  long count = 0;
  s.handlers().Install("Data", [&count](cm::Message&, const char*) {
    ++count;
    return false;
  });
  s.handlers().Install("Count", [&s, &count](cm::Message&, const char* sender) {
    cm::Message reply;
    reply.SetType("Counted");
    reply.PutLong(count);
    s.Send(reply, sender);
    return false;
  });
  s.handlers().Install("Slow", [](cm::Message&, const char*) {
    sleep(1);
    return false;
  });
  if (argc == 3) sleep(static_cast<unsigned>(std::atoi(argv[2])));
  s.Wait(-1);
  return 0;
}
