// A process for the session tests.
//   session_echo_child NAME          answers "Ping" with "Pong" carrying its pid
//   session_echo_child NAME SECONDS  a stuck receiver: waits SECONDS without
//                                    reading, then counts "Data" messages and
//                                    answers "Count" with how many it got
// Both also count "Data", and take a second over "Slow"; "Stall" never
// returns; "Relay" (text TO, int N) sends N "Data" to TO and answers
// "Relayed" (long: how many sends returned 1); "Leave" sends three "Pong"
// to its sender, then closes and exits.
// Back-to-back sends (coalesced, transport/dialer.h): "Burst" (int N, int
// B) sends N "Data" (bytes: B times 'd') to its sender and then never calls
// Cm again; "Nest" (int N, int B, text OUTER, text INNER) sends two "Lead"
// (a burst's first frames go alone), then "Outer" (bytes: B times 'O', text
// OUTER) and N "Inner" (bytes: B times 'a', 'b', ... in turn, text INNER),
// coalesced.  "Forward" and "Stream" make it a relay (below).
#include <unistd.h>

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

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
  s.handlers().Install("Burst", [&s](cm::Message& m, const char* sender) {
    int n = m.GetInt();
    std::string bytes(static_cast<size_t>(m.GetInt()), 'd');
    cm::Message data;
    data.SetType("Data");
    data.PutBytes(bytes.data(), bytes.size());
    for (int i = 0; i < n; ++i) s.Send(data, sender);
    for (;;) pause();  // no Cm call: only the dialer's own thread can send what is coalesced
    return false;
  });
  s.handlers().Install("Nest", [&s](cm::Message& m, const char* sender) {
    int n = m.GetInt();
    size_t size = static_cast<size_t>(m.GetInt());
    const char* outer = m.GetText();
    const char* inner = m.GetText();
    std::string outer_text = outer ? outer : "", inner_text = inner ? inner : "";
    std::string to = sender;
    // Made first, so that the sends go back to back.
    std::vector<std::unique_ptr<cm::Message>> messages;
    for (int i = -3; i < n; ++i) {
      auto message = std::make_unique<cm::Message>();
      if (i < -1) {
        message->SetType("Lead");
      } else if (i == -1) {
        message->SetType("Outer");
        message->PutBytes(std::string(size, 'O').data(), size);
        message->PutText(outer_text.c_str());
      } else {
        message->SetType("Inner");
        message->PutBytes(std::string(size, static_cast<char>('a' + i % 26)).data(), size);
        message->PutText(inner_text.c_str());
      }
      messages.push_back(std::move(message));
    }
    for (const auto& message : messages) s.Send(*message, to);
    return false;
  });
  // A relay: "Forward" (text TO) names where each "Stream" goes next, as a
  // "Data" of the same bytes, one send per message received; "Coalesced"
  // answers "CoalescedFrames" (long: frames our dialer put into batches).
  std::string forward_to;
  s.handlers().Install("Forward", [&forward_to](cm::Message& m, const char*) {
    const char* to = m.GetText();
    forward_to = to ? to : "";
    return false;
  });
  s.handlers().Install("Stream", [&s, &forward_to](cm::Message& m, const char*) {
    size_t size = 0;
    const char* bytes = m.GetBytes(&size);
    cm::Message data;
    data.SetType("Data");
    data.PutBytes(bytes ? bytes : "", size);
    s.Send(data, forward_to);
    return false;
  });
  s.handlers().Install("Coalesced", [&s](cm::Message&, const char* sender) {
    cm::Message reply;
    reply.SetType("CoalescedFrames");
    reply.PutLong(static_cast<long>(s.coalescing().coalesced_frames));
    s.Send(reply, sender);
    return false;
  });
  if (argc == 3) sleep(static_cast<unsigned>(std::atoi(argv[2])));
  s.Wait(-1);
  return 0;
}
