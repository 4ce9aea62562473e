// Session: links to peers (docs/architecture.md, "Learning that a peer is
// gone").  The monitors' events make a peer a suspect; a suspect is checked
// by reaching its incarnation, and found alive or gone; a peer's first
// message or send and its loss queue the connection callbacks, which run
// in the wait.

#include "session/session.h"

#include <chrono>
#include <random>
#include <vector>

#include "codec/frame.h"
#include "transport/zmq_frame.h"
#include "util/log.h"

namespace cm {
namespace {

// A peer whose connection closed and that we cannot reach again within this
// time is gone (a refused connection says so at once).  The contract says a
// control system learns of a death within about 2 s.
constexpr int kSuspectCheckMs = 1500;

}  // namespace

void Session::WaitForLinks(int timeout_ms) {
  dialer_->CheckStalled();  // a busy link whose peer's host is gone (transport/dialer.h)
  zmq_pollitem_t item{dialer_->monitor_socket().handle(), 0, ZMQ_POLLIN, 0};
  if (zmq_poll(&item, 1, timeout_ms) > 0) ProcessLinkEvents();
}

// What the monitors say is a hint, never a verdict: a descriptor or an
// endpoint is reused by the next connection or process that comes along
// (docs/architecture.md, "Learning that a peer is gone").  A peer whose
// connection closed is suspected, then checked by reaching its incarnation.
void Session::ProcessLinkEvents() {
  std::vector<LinkEvent> events;
  dialer_->TakeEvents(&events);
  for (const LinkEvent& e : events) {
    for (auto& [name, p] : peers_) {
      Peer& peer = *p;
      if (peer.address.endpoint != e.endpoint) continue;
      if (e.up) {
        CM_DEBUG("connected to '%s' at %s", peer.name.c_str(), e.endpoint.c_str());
        peer.link_up = true;
        peer.was_lost = false;
      } else if (e.refused) {
        CM_DEBUG("connection to '%s' at %s refused: a suspect", peer.name.c_str(), e.endpoint.c_str());
        // Nobody listens where it was: gone, unless it is reached after all
        // (the endpoint may be another process's now).
        Suspect(peer);
        peer.refused = true;
      } else {
        CM_DEBUG("disconnected from '%s' at %s: a suspect", peer.name.c_str(), e.endpoint.c_str());
        peer.link_up = false;
        peer.link_reset = true;
        Suspect(peer);
      }
    }
  }
  std::vector<int> closed;
  listener_->TakeClosed(&closed);
  for (int fd : closed) {
    for (auto& [name, p] : peers_) {
      if (p->inbound_fd != fd) continue;
      p->inbound_fd = -1;
      CM_DEBUG("'%s' closed its connection to us: a suspect", p->name.c_str());
      Suspect(*p);
    }
  }
  if (!suspects_.empty()) CheckSuspects();
  if (!pending_replies_.empty()) RetryReplies();
  names_->DrainUnsolicited();
  if (names_->TakeReconnected() && registered_) {
    // Jitter: after a name server restart, 500 processes must not all
    // register in the same millisecond.
    static std::mt19937 rng(std::random_device{}());
    reregister_at_ = Clock::now() + std::chrono::milliseconds(rng() % 1000);
  }
}

void Session::Suspect(Peer& peer) {
  if (peer.suspect_since != Clock::time_point{} || peer.address.endpoint.empty()) return;
  peer.suspect_since = Clock::now();
  peer.refused = false;
  suspects_.push_back(&peer);
}

// A suspect is alive if its incarnation takes a frame: an acknowledgement,
// which is idempotent (ROUTER_MANDATORY refuses it unless the handshake
// with exactly that incarnation is done, whoever now has the endpoint).  It
// is gone if a connection to its endpoint is refused, or after
// kSuspectCheckMs without a connection to it (a host that vanished).
void Session::CheckSuspects() {
  auto now = Clock::now();
  size_t kept = 0;
  for (Peer* peer : suspects_) {
    if (peer->suspect_since == Clock::time_point{}) continue;  // lost or killed meanwhile
    Dialer::SendResult r = ProbeAck(*peer);
    // Taken by a connection our monitor reported lost and not up again: one
    // libzmq is still tearing down (its pipe takes writes until then).
    if (r == Dialer::SendResult::kSent && !peer->link_up) r = Dialer::SendResult::kNotConnected;
    if (r == Dialer::SendResult::kSent) {
      CM_DEBUG("'%s' at %s is alive (suspect checked)", peer->name.c_str(), peer->address.ToString().c_str());
      peer->suspect_since = Clock::time_point{};
      peer->link_up = true;
      // Our connection to it was reset and made again: what went on the old
      // one and is not acknowledged may have died with it.  A numbered no-op
      // on the new one shows the receiver where the gap is, if there is one
      // (Hold); it tells us in its acknowledgements.
      if (peer->link_reset && peer->seq_out > peer->acked) {
        Message sync;
        sync.SetType("cm:sync");
        if (!Deliver(*peer, sync, now, /*quiet=*/true))
          CM_WARN("could not send cm:sync to '%s' after its link was reset: messages %llu..%llu may be lost unreported",
                  peer->name.c_str(), static_cast<unsigned long long>(peer->acked + 1),
                  static_cast<unsigned long long>(peer->seq_out));
      }
      peer->link_reset = false;
      continue;
    }
    // Full: a peer that does not read, or a connection libzmq is still
    // tearing down (its pipe refuses writes until it is gone).  Undecided
    // until one or the other shows: no deadline meanwhile.
    if (r == Dialer::SendResult::kFull) {
      suspects_[kept++] = peer;
      continue;
    }
    if (peer->refused || now - peer->suspect_since >= std::chrono::milliseconds(kSuspectCheckMs)) {
      CM_DEBUG("'%s' at %s is gone (%s)", peer->name.c_str(), peer->address.ToString().c_str(),
               peer->refused ? "connection refused" : "not reachable");
      peer->suspect_since = Clock::time_point{};
      peer->link_up = false;
      if (!peers_.EndpointShared(peer->address.endpoint, *peer)) dialer_->Disconnect(peer->address.endpoint);
      LinkLost(*peer);
      continue;
    }
    dialer_->Connect(peer->address.endpoint);  // idempotent
    suspects_[kept++] = peer;
  }
  suspects_.resize(kept);
}


void Session::LinkLost(Peer& peer) {
  peer.suspect_since = Clock::time_point{};
  peer.was_lost = true;
  NoteUnacked(peer);
  peer.seq_acked = peer.seq_in;  // no acknowledgement reaches it now; its next message owes one
  if (!peer.announced) return;
  peer.announced = false;
  callbacks_.emplace_back(false, &peer);
}

void Session::RunQueuedCallbacks() {
  while (!callbacks_.empty()) {
    auto [connected, peer] = callbacks_.front();
    callbacks_.pop_front();
    PeerHandler& handler = connected ? on_connect_ : on_disconnect_;
    CM_DEBUG("'%s' %s: %s", peer->name.c_str(), connected ? "connected" : "disconnected",
             handler ? "calling the program's callback" : "no callback installed");
    if (handler) {
      PeerHandler call = handler;  // the callback may install another one
      peer->escaped = true;        // a CmConnect points to it now
      call(*peer);
    }
  }
}

}  // namespace cm
