// A process for the session tests: serves the name given as argument and
// answers "Ping" with "Pong" carrying its pid.
#include <unistd.h>

#include "session/session.h"

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  cm::Session& s = cm::Session::Instance();
  if (!s.Open(argv[1]).ok()) return 3;
  s.handlers().Install("Ping", [&s](cm::Message&, const char* sender) {
    cm::Message pong;
    pong.SetType("Pong");
    pong.PutInt(getpid());
    s.Send(pong, sender);
    return false;
  });
  s.Wait(-1);
  return 0;
}
