#include "pinger.h"

#include <zmq.h>

#include <algorithm>
#include <unordered_map>

#include "cli.h"
#include "codec/frame.h"
#include "output.h"
#include "util/open_files.h"

namespace cmtool {

// One target during one round.
struct Pinger::Pending {
  const cm::NameRecord* target;
  cm::Address address;
  bool up = false;  // its link said so: a send may still need a moment
  bool sent = false, done = false;
  Clock::time_point sent_at;
  PingResult result;
};

Pinger::Pinger(const cm::DomainConfig& domain) : own_name_(OwnName()) {
  cm::RaiseOpenFileLimit();  // a connection per target, and one back from each
  cm::ListenSpec spec;
  spec.advertised_host = cm::AdvertisedHost(domain.name_servers.front().host);
  spec.first_port = domain.first_port;
  spec.port_count = domain.port_count;
  spec.answers = false;  // peers answer through their own dialer, as to any process
  spec.security = domain.security;
  spec.alarm = false;  // receives with a time-out: this loop polls anyway
  spec.bind_host = "*";
  cm::Status s = cm::Listener::Open(spec, &listener_);
  if (!s.ok()) Fail(kExitFailed, "cannot listen for the answers: " + s.message());
  reply_to_ = listener_->address().ToString();
  // No coalescing: every ping goes out at once, and alone.
  dialer_ = std::make_unique<cm::Dialer>(listener_->address().incarnation, domain.security, false);
}

Pinger::~Pinger() = default;

bool Pinger::TrySend(Pending& p) {
  cm::Message ping;
  ping.SetType("cm:ping");
  cm::Envelope env;
  env.sender = own_name_;
  env.reply_to = reply_to_;
  env.seq = round_;  // one frame per target per round: in order
  zmq::message_t frame(cm::EncodedSize(env, ping));
  cm::Encode(env, ping, static_cast<char*>(frame.data()));
  p.sent_at = Clock::now();
  if (dialer_->Send(p.address, frame) != cm::Dialer::SendResult::kSent) return false;
  p.sent = true;
  return true;
}

// Connections made or refused: send on the first, give up on the second.
void Pinger::ReadLinkEvents(std::vector<Pending>& pending) {
  std::vector<cm::LinkEvent> events;
  dialer_->TakeEvents(&events);
  for (const cm::LinkEvent& e : events)
    for (Pending& p : pending) {
      if (p.done || p.address.endpoint != e.endpoint) continue;
      if (e.up) {
        p.up = true;
        if (!p.sent) TrySend(p);
      } else if (e.refused) {
        p.done = true;
        p.result.why = "nothing listens at " + e.endpoint + " (dead?)";
      } else if (p.sent) {  // it took the ping, then went away
        p.done = true;
        p.result.why = "its connection closed before it answered";
      } else {
        p.up = false;
      }
    }
}

// Every frame that arrived; a cm:pong from a target ends its round trip.
void Pinger::ReadAnswers(std::vector<Pending>& pending, Clock::time_point now) {
  cm::Incoming in;
  cm::FrameDecoder decoder;
  while (listener_->Receive(&in, 0)) {
    if (in.malformed) continue;
    const char* data = static_cast<const char*>(in.frame.data());
    size_t size = in.frame.size(), at = 0;
    while (at < size) {  // frames may come coalesced, back to back
      cm::Envelope env;
      cm::Message message;
      size_t consumed = 0;
      cm::Status s = decoder.DecodeFirst(data + at, size - at, &consumed, &env, &message);
      at += consumed == 0 ? size : consumed;
      if (!s.ok() || message.type_string() != "cm:pong") continue;
      for (Pending& p : pending) {
        // The target's name, and its incarnation: not another process that took the name.
        if (p.done || !p.sent || p.target->name != env.sender || !p.address.Is(env.reply_to)) continue;
        p.done = true;
        p.result.answered = true;
        p.result.round_trip_ms = std::chrono::duration<double, std::milli>(now - p.sent_at).count();
      }
    }
  }
}

std::vector<PingResult> Pinger::PingAll(const std::vector<cm::NameRecord>& targets, int timeout_ms) {
  ++round_;
  // A late cm:pong of the last round must not pass for an answer to this one.
  std::vector<Pending> none;
  ReadAnswers(none, Clock::now());
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  std::vector<Pending> pending(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    Pending& p = pending[i];
    p.target = &targets[i];
    p.result.target = targets[i];
    if (!cm::Address::Parse(targets[i].address, &p.address)) {
      p.done = true;
      p.result.why = "the name server has a bad address for it";
      continue;
    }
    if (!TrySend(p)) dialer_->Connect(p.address.endpoint);  // sent when the link is up
  }
  zmq_pollitem_t items[] = {{listener_->socket().handle(), 0, ZMQ_POLLIN, 0},
                            {dialer_->monitor_socket().handle(), 0, ZMQ_POLLIN, 0}};
  for (;;) {
    ReadLinkEvents(pending);
    ReadAnswers(pending, Clock::now());
    // A link reported up may take a moment to be routable: retry those soon.
    bool retry = false;
    for (Pending& p : pending)
      if (p.up && !p.done && !p.sent && !TrySend(p)) retry = true;
    if (std::all_of(pending.begin(), pending.end(), [](const Pending& p) { return p.done; })) break;
    auto now = Clock::now();
    if (now >= deadline) break;
    long left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1;
    zmq_poll(items, 2, std::min(left, retry ? 2L : 100L));
  }
  std::vector<PingResult> results;
  for (Pending& p : pending) {
    if (!p.done) p.result.why = std::string(p.sent ? "no answer" : "no connection") + " within " +
                                FormatSeconds(timeout_ms / 1000.0);
    results.push_back(std::move(p.result));
  }
  return results;
}

}  // namespace cmtool
