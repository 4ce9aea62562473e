// cm_test_peer NAME: a registered process for the cm tool's tests.
//   Ask                    -> replies Answer carrying one item of every kind
//   Relay (text TO, int N) -> sends N messages Relayed (int i) to TO
// Runs until SIGINT or SIGTERM, or until cm:kill (handled by the library).
//
// cm_test_peer --many N PREFIX: registers N names PREFIX0..PREFIX<N-1> from
// one connection, and an edge PREFIXi -> PREFIXi+1 of i+1 messages for each,
// then waits for a signal: a big domain for timing cm names and cm connects.
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <unistd.h>

#include "naming/name_client.h"
#include "session/session.h"
#include "transport/address.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

bool Answer(cm::Message&, const char* sender) {
  cm::Message reply;
  reply.SetType("Answer");
  reply.PutChar('A');
  reply.PutShort(-12);
  reply.PutInt(123456);
  reply.PutLong(9000000000L);
  reply.PutFloat(1.5f);
  reply.PutDouble(-2.25);
  reply.PutText("hello world");
  reply.PutBytes("\x00\xff\x41", 3);
  const int32_t ints[] = {1, -2, 3};
  reply.PutArray(cm::ArrayKind::kInt, ints, 3, false);
  const double doubles[] = {0.5, -1.25};
  reply.PutArray(cm::ArrayKind::kDouble, doubles, 2, false);
  if (!cm::Session::Instance().Send(reply, sender)) std::fprintf(stderr, "cm_test_peer: reply to %s failed\n", sender);
  return false;
}

bool Relay(cm::Message& message, const char*) {
  const char* to = message.GetText();
  int n = message.GetInt();
  for (int i = 1; i <= n && to != nullptr; ++i) {
    cm::Message relayed;
    relayed.SetType("Relayed");
    relayed.PutInt(i);
    if (!cm::Session::Instance().Send(relayed, to)) std::fprintf(stderr, "cm_test_peer: relay to %s failed\n", to);
  }
  return false;
}

int Many(int n, const std::string& prefix) {
  cm::DomainConfig domain;
  cm::Status s = cm::LoadDomain("", &domain);
  if (!s.ok()) {
    std::fprintf(stderr, "cm_test_peer: %s\n", s.message().c_str());
    return 1;
  }
  auto names = std::make_unique<cm::NameClient>(domain, cm::NewIncarnation());
  names->set_sender("cm_test_peer");
  for (int i = 0; i < n && s.ok(); ++i) {
    cm::NameRecord record;
    record.name = prefix + std::to_string(i);
    record.address = "tcp://127.0.0.1:9#" + cm::NewIncarnation();
    record.host = "host" + std::to_string(i % 7);
    record.pid = 100000 + i;
    s = names->Register(record, 2000);
  }
  // Edges after every name is registered: the name server keeps only pairs
  // of registered names.
  for (int i = 0; i < n && s.ok(); ++i) {
    cm::Message note;
    note.SetType("NSConnect");
    note.PutText((prefix + std::to_string(i)).c_str());
    note.PutText((prefix + std::to_string((i + 1) % n)).c_str());
    note.PutLong(i + 1);
    names->Notify(note);
  }
  if (!s.ok()) {
    std::fprintf(stderr, "cm_test_peer: register: %s\n", s.message().c_str());
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) usleep(50000);
  names.reset();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--many") return Many(std::atoi(argv[2]), argv[3]);
  if (argc != 2) {
    std::fprintf(stderr, "usage: cm_test_peer NAME\n");
    return 2;
  }
  cm::Session& session = cm::Session::Instance();
  cm::Status s = session.Open(argv[1]);
  if (!s.ok()) {
    std::fprintf(stderr, "cm_test_peer: cannot register as %s: %s\n", argv[1], s.message().c_str());
    return 1;
  }
  session.handlers().Install("Ask", Answer);
  session.handlers().Install("Relay", Relay);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) session.Wait(0.2);
  session.Close();
  return 0;
}
