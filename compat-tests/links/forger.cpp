// forger -- a process of an open domain that sends hand-made frames.
//
//   links_forger redirect TARGET VICTIM SECONDS
//       one "Data" frame to TARGET claiming to come from VICTIM, with our
//       own listener as its reply address, then (as ourselves) "Notify"
//       (text VICTIM, int 5): TARGET sends 5 messages to VICTIM.  Counts,
//       for SECONDS, what arrives at our listener: "STOLEN <n>".
//   links_forger names TARGET COUNT
//       COUNT "Noise" frames to TARGET, each from another made-up name;
//       prints "SENT <n>".
//   links_forger version TARGET SECONDS
//       one "Data" frame to TARGET written as protocol 3 (a later release),
//       with our own listener as its reply address; prints "REFUSED <text>"
//       for each cm:refused that comes back within SECONDS.
//   links_forger pings TARGET COUNT
//       COUNT cm:ping frames to TARGET, each from another made-up name whose
//       reply address nobody answers; prints "SENT <n>".
// It links the core (not the C API): it speaks the wire directly, as a
// hostile program could.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "codec/frame.h"
#include "naming/domain.h"
#include "naming/name_client.h"
#include "transport/address.h"

using namespace cm;

int main(int argc, char** argv) {
  if (argc < 4) return 2;
  std::string mode = argv[1], target = argv[2];
  DomainConfig domain;
  if (!LoadDomain("", &domain).ok()) return 3;
  NameClient names(domain, "forger");
  NameRecord record;
  if (!names.Lookup(target, &record, 3000).ok()) {
    std::printf("cannot find %s\n", target.c_str());
    return 4;
  }
  Address to;
  if (!Address::Parse(record.address, &to)) return 5;
  zmq::context_t context;
  zmq::socket_t out(context, zmq::socket_type::router);
  out.set(zmq::sockopt::routing_id, "forger-" + std::to_string(getpid()));
  out.set(zmq::sockopt::router_mandatory, 1);
  out.set(zmq::sockopt::immediate, 1);
  out.connect(to.endpoint);
  auto send = [&](const Envelope& env, const Message& m) {
    zmq::message_t frame(EncodedSize(env, m));
    Encode(env, m, static_cast<char*>(frame.data()));
    for (int i = 0; i < 300; ++i) {  // until the handshake is done
      try {
        zmq::message_t id(to.incarnation.data(), to.incarnation.size());
        if (out.send(id, zmq::send_flags::sndmore)) {
          out.send(frame, zmq::send_flags::none);
          return true;
        }
      } catch (const zmq::error_t&) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  };
  if (mode == "redirect" && argc == 5) {
    zmq::socket_t in(context, zmq::socket_type::dealer);
    std::string incarnation = "f0f0f0f0" + std::to_string(getpid());
    in.set(zmq::sockopt::routing_id, incarnation);
    in.bind("tcp://127.0.0.1:*");
    std::string endpoint = in.get(zmq::sockopt::last_endpoint);
    std::string reply_to = endpoint + "#" + incarnation;
    Message data;
    data.SetType("Data");
    data.PutInt(1);
    Envelope env;
    env.sender = argv[3];
    env.reply_to = reply_to;
    env.seq = 1000000;
    if (!send(env, data)) return 6;
    std::printf("FORGED as %s\n", argv[3]);
    Message notify;
    notify.SetType("Notify");
    notify.PutText(argv[3]);
    notify.PutInt(5);
    std::string self = "forger-" + std::to_string(getpid());
    env.sender = self;
    env.seq = 1;
    if (!send(env, notify)) return 7;
    std::fflush(stdout);
    in.set(zmq::sockopt::rcvtimeo, 100);
    auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(std::atof(argv[4]));
    long stolen = 0;
    while (std::chrono::steady_clock::now() < end) {
      zmq::message_t m;
      if (in.recv(m)) {
        Envelope e;
        Message got;
        if (DecodeCopy(static_cast<const char*>(m.data()), m.size(), &e, &got).ok() &&
            got.type_string() != "cm:ack")
          ++stolen;
      }
    }
    std::printf("STOLEN %ld\n", stolen);
    return 0;
  }
  if (mode == "version") {
    zmq::socket_t in(context, zmq::socket_type::dealer);
    std::string incarnation = "f1f1f1f1" + std::to_string(getpid());
    in.set(zmq::sockopt::routing_id, incarnation);
    in.bind("tcp://127.0.0.1:*");
    std::string reply_to = in.get(zmq::sockopt::last_endpoint) + "#" + incarnation;
    Message data;
    data.SetType("Data");
    data.PutInt(3);
    std::string self = "future-" + std::to_string(getpid());
    Envelope env;
    env.sender = self;
    env.reply_to = reply_to;
    env.seq = 1;
    env.version = 3;
    if (!send(env, data)) return 6;
    in.set(zmq::sockopt::rcvtimeo, 100);
    auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(std::atof(argv[3]));
    while (std::chrono::steady_clock::now() < end) {
      zmq::message_t m;
      if (!in.recv(m)) continue;
      Envelope e;
      Message got;
      if (DecodeCopy(static_cast<const char*>(m.data()), m.size(), &e, &got).ok() &&
          got.type_string() == kRefusedType)
        std::printf("REFUSED %s\n", DescribeRefusal(e.sender, got).c_str());
    }
    return 0;
  }
  if (mode == "names") {
    int count = std::atoi(argv[3]), sent = 0;
    Message noise;
    noise.SetType("Noise");
    for (int i = 0; i < count; ++i) {
      std::string sender = "made-up-name-" + std::to_string(i);
      Envelope env;
      env.sender = sender;
      sent += send(env, noise);
    }
    std::printf("SENT %d\n", sent);
    return 0;
  }
  if (mode == "pings") {
    int count = std::atoi(argv[3]), sent = 0;
    for (int i = 0; i < count; ++i) {
      Message ping;
      ping.SetType("cm:ping");
      std::string sender = "ghost" + std::to_string(i);
      // A port nobody listens on, on an address that drops what is sent to
      // it: the answer can never be delivered.
      std::string reply_to = "tcp://192.0.2.1:9#0123456789abcdef" + std::to_string(i);
      Envelope env;
      env.sender = sender;
      env.reply_to = reply_to;
      sent += send(env, ping);
    }
    std::printf("SENT %d\n", sent);
    return 0;
  }
  return 2;
}
