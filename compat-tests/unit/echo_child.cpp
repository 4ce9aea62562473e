// A process for the session tests.
//   session_echo_child NAME          answers "Ping" with "Pong" carrying its pid
//   session_echo_child NAME SECONDS  a stuck receiver: waits SECONDS without
//                                    reading, then counts "Data" messages and
//                                    answers "Count" with how many it got
// Both also count "Data", and take a second over "Slow"; "Stall" never
// returns; "Relay" (text TO, int N) sends N "Data" to TO and answers
// "Relayed" (long: how many sends returned 1); "Leave" sends three "Pong"
// to its sender, then closes and exits.
#include <unistd.h>

#include <cstdlib>
#include <string>

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
  s.handlers().Install("Stall", [](cm::Message&, const char*) {
    for (;;) pause();
    return false;
  });
  s.handlers().Install("Relay", [&s](cm::Message& m, const char* sender) {
    const char* to = m.GetText();
    int n = m.GetInt();
    cm::Message data;
    data.SetType("Data");
    long accepted = 0;
    for (int i = 0; i < n && to != nullptr; ++i) accepted += s.Send(data, to) ? 1 : 0;
    cm::Message reply;
    reply.SetType("Relayed");
    reply.PutLong(accepted);
    s.Send(reply, sender);
    return false;
  });
  s.handlers().Install("Leave", [&s](cm::Message&, const char* sender) {
    std::string to = sender;  // gone with the session
    cm::Message pong;
    pong.SetType("Pong");
    pong.PutInt(getpid());
    for (int i = 0; i < 3; ++i) s.Send(pong, to);
    s.Close();  // delivers what was sent
    std::exit(0);
    return false;
  });
  if (argc == 3) sleep(static_cast<unsigned>(std::atoi(argv[2])));
  s.Wait(-1);
  return 0;
}
