// cm_test_peer NAME: a registered process for the cm tool's tests.
//   Ask                    -> replies Answer carrying one item of every kind
//   Relay (text TO, int N) -> sends N messages Relayed (int i) to TO
// Runs until SIGINT or SIGTERM, or until cm:kill (handled by the library).
//
// cm_test_peer --many N PREFIX: registers N names PREFIX0..PREFIX<N-1> from
// connections of 16 names each, and an edge PREFIXi -> PREFIXi+1 of i+1 messages for each,
// then waits for a signal: a big domain for timing cm names and cm connects.
//
// cm_test_peer --hostile-nameserver PORT: a fake name server on 127.0.0.1:PORT
// whose answers carry ESC sequences, control characters and a C1 control in
// every name, host, address, version and reason (a real one refuses them at
// registration; cm must not print them raw whatever answers it).
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <unistd.h>
#include <zmq.h>

#include <ctime>
#include <vector>

#include "codec/frame.h"
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
  // A name server takes at most 16 names per connection
  // (nameserver/name_server.h): one connection per 16 names, each sending the
  // edges of its own names.
  constexpr int kNamesPerConnection = 16;
  std::vector<std::unique_ptr<cm::NameClient>> clients;
  auto client_of = [&](int i) -> cm::NameClient& { return *clients[i / kNamesPerConnection]; };
  for (int i = 0; i < n && s.ok(); ++i) {
    if (i % kNamesPerConnection == 0) {
      clients.push_back(std::make_unique<cm::NameClient>(domain, cm::NewIncarnation()));
      clients.back()->set_sender("cm_test_peer");
    }
    cm::NameRecord record;
    record.name = prefix + std::to_string(i);
    record.address = "tcp://127.0.0.1:9#" + cm::NewIncarnation();
    record.host = "host" + std::to_string(i % 7);
    record.pid = 100000 + i;
    s = client_of(i).Register(record, 2000);
  }
  // Edges after every name is registered: the name server keeps only pairs
  // of registered names.
  for (int i = 0; i < n && s.ok(); ++i) {
    cm::Message note;
    note.SetType("NSConnect");
    note.PutText((prefix + std::to_string(i)).c_str());
    note.PutText((prefix + std::to_string((i + 1) % n)).c_str());
    note.PutLong(i + 1);
    client_of(i).Notify(note);
  }
  if (!s.ok()) {
    std::fprintf(stderr, "cm_test_peer: register: %s\n", s.message().c_str());
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  while (!g_stop) usleep(50000);
  clients.clear();
  return 0;
}

// The NSReply to `request`: status, reason, then what cm reads for it.
void HostileReply(const cm::Message& request, cm::Message* reply) {
  const std::string type = request.type_string();
  const char* evil = "\x1b[2J\x1b]0;pwned\x07\xc2\x9b" "31m";  // clear, retitle, C1 CSI
  reply->SetType("NSReply");
  if (type == "NSGetAddress") {
    reply->PutInt(0);
    reply->PutText((std::string("no such name\n") + evil).c_str());
    return;
  }
  reply->PutInt(1);
  reply->PutText("");
  if (type == "NSGetNames") {
    reply->PutInt(1);
    reply->PutText((std::string("Evil") + evil).c_str());
    reply->PutText((std::string("host") + evil).c_str());
    reply->PutInt(4242);
    reply->PutText((std::string("tcp://127.0.0.1:9#") + evil).c_str());
    reply->PutLong(static_cast<long>(std::time(nullptr)));
  } else if (type == "NSGetConnects") {
    reply->PutInt(1);
    reply->PutText((std::string("From") + evil).c_str());
    reply->PutText((std::string("To") + evil).c_str());
    reply->PutLong(7);
  } else if (type == "NSGetVersion") {
    reply->PutText((std::string("9.9") + evil).c_str());
    reply->PutInt(2);
  } else if (type == "NSGetStatistics") {
    reply->PutInt(1);
    for (int i = 0; i < 6; ++i) reply->PutLong(i);
  }
}

int HostileNameServer(int port) {
  void* context = zmq_ctx_new();
  void* router = zmq_socket(context, ZMQ_ROUTER);
  std::string endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  if (zmq_bind(router, endpoint.c_str()) != 0) {
    std::fprintf(stderr, "cm_test_peer: cannot bind %s\n", endpoint.c_str());
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  int timeout_ms = 100;
  zmq_setsockopt(router, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
  while (!g_stop) {
    zmq_msg_t id, frame;
    zmq_msg_init(&id);
    zmq_msg_init(&frame);
    if (zmq_msg_recv(&id, router, 0) >= 0 && zmq_msg_recv(&frame, router, 0) >= 0) {
      cm::Envelope env, out;
      cm::Message request, reply;
      if (cm::DecodeCopy(static_cast<const char*>(zmq_msg_data(&frame)), zmq_msg_size(&frame), &env, &request).ok() &&
          env.seq != 0) {
        HostileReply(request, &reply);
        out.sender = "CmNameServer";
        out.seq = env.seq;
        std::vector<char> bytes(cm::EncodedSize(out, reply));
        cm::Encode(out, reply, bytes.data());
        zmq_send(router, zmq_msg_data(&id), zmq_msg_size(&id), ZMQ_SNDMORE);
        zmq_send(router, bytes.data(), bytes.size(), 0);
      }
    }
    zmq_msg_close(&id);
    zmq_msg_close(&frame);
  }
  zmq_close(router);
  zmq_ctx_term(context);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--many") return Many(std::atoi(argv[2]), argv[3]);
  if (argc == 3 && std::string(argv[1]) == "--hostile-nameserver") return HostileNameServer(std::atoi(argv[2]));
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
