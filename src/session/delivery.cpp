// Session: the send path (docs/architecture.md, "Sending").
//
// Send: peer (cached) -> encode once (on the stack, or into a zmq message)
// -> dialer; waits, up to the send timeout, for room in the peer's send
// window (send_window.h) and for a connection being made.

#include "session/session.h"

#include <algorithm>
#include <chrono>

#include "codec/frame.h"
#include "session/timing.h"
#include "util/log.h"

namespace cm {
namespace {

constexpr int kRoomPollMs = 10;  // a send waiting for acks looks at its links this often

}  // namespace

bool Session::Send(const Message& message, std::string_view to) {
  if (!Start().ok()) {
    ++stats_.send_failures;
    return false;
  }
  if (to.empty()) {
    CM_WARN("send '%s': empty destination name", message.type());
    ++stats_.send_failures;
    return false;
  }
  Peer* known = PeerNamed(to);
  if (known == nullptr) {
    ++stats_.send_failures;
    return false;
  }
  Peer& peer = *known;
  if (peer.foreign) return SendForeign(peer, message);
  // Reading the clock costs ~40 ns on a VM: only a send that waits needs it.
  Clock::time_point deadline{};  // unset: Deliver sets it if it has to wait
  if (peer.address.endpoint.empty()) {
    deadline = Clock::now() + std::chrono::milliseconds(send_timeout_ms_);
    Status s = Resolve(peer);
    if (s.IsNotFound() && foreign_ && ForeignKnows(peer)) return SendForeign(peer, message);
    if (!s.ok()) {
      CM_WARN("send '%s' to '%s': %s", message.type(), peer.name.c_str(),
              s.IsNotFound() ? "no process of that name is registered" : s.message().c_str());
      ++stats_.send_failures;
      return false;
    }
  }
  return Deliver(peer, message, deadline);
}

bool Session::Deliver(Peer& peer, const Message& message, Clock::time_point deadline, bool quiet) {
  Envelope env;
  env.sender = name_;
  env.reply_to = address_text_;
  // A frame that may be coalesced (transport/dialer.h) is encoded on the
  // stack, then copied into the batch (or a ZeroMQ message if it goes alone
  // after all); any other straight into a ZeroMQ message of its size.
  char small[Dialer::kMaxCoalescedFrame];
  zmq::message_t alone;
  size_t size = 0;
  bool on_stack = false;
  auto encode = [&] {
    env.seq = peer.seq_out + 1;
    size = EncodedSize(env, message);
    on_stack = dialer_->MayCoalesce(peer.address, size);
    if (on_stack) {
      Encode(env, message, small);
    } else {
      alone.rebuild(size);
      Encode(env, message, static_cast<char*>(alone.data()));
    }
  };
  encode();
  // A peer that has not read what we sent it holds us back (send_window.h).
  if (!peer.window.HasRoom(size, send_window_bytes_)) {
    if (deadline == Clock::time_point{}) deadline = Clock::now() + std::chrono::milliseconds(send_timeout_ms_);
    if (!WaitForRoom(peer, size, deadline)) {
      if (quiet) return false;
      CM_WARN("send '%s' to '%s': for %d ms it left %.1f MiB sent to it unread, and this message (%.1f MiB) "
              "would take that past CM_SEND_WINDOW (%.0f MiB): it reads too slowly, or not at all; message not sent",
              message.type(), peer.name.c_str(), send_timeout_ms_, peer.window.unread() / 1048576.0, size / 1048576.0,
              send_window_bytes_ / 1048576.0);
      ++stats_.send_failures;
      return false;
    }
  }
  // A connection still being made is waited for; a lost one sends us back
  // to the name server, which knows whether the peer is dead or moved.
  Clock::time_point next_resolve{};  // set, with an unset deadline, at the first failed attempt
  Dialer::SendResult result;
  for (;;) {
    if (!peer.link_up) dialer_->Connect(peer.address.endpoint);  // idempotent
    result = on_stack ? dialer_->Send(peer.address, small, size) : dialer_->Send(peer.address, alone);
    if (result == Dialer::SendResult::kSent) {
      CM_TRACE("sent '%s' to '%s' at %s: %zu bytes, seq %llu", message.type(), peer.name.c_str(),
               peer.address.endpoint.c_str(), size, static_cast<unsigned long long>(env.seq));
      peer.seq_out = env.seq;
      peer.window.Sent(env.seq, size);
      ++peer.sent;
      ++peer.unreported;
      connects_unreported_ = true;
      ++stats_.sent;
      Announce(peer);
      return true;
    }
    auto now = Clock::now();
    if (next_resolve == Clock::time_point{}) {
      next_resolve = now + std::chrono::milliseconds(peer.was_lost ? 0 : 200);
      if (deadline == Clock::time_point{}) deadline = now + std::chrono::milliseconds(send_timeout_ms_);
    }
    if (now >= deadline) break;
    if (result == Dialer::SendResult::kNotConnected && now >= next_resolve) {
      NameRecord record;
      Status s = names_->Lookup(peer.name, &record, MsUntil(deadline));
      if (s.IsNotFound()) {
        if (!quiet)
          CM_WARN("send '%s' to '%s': it is no longer registered (it exited or died)", message.type(),
                  peer.name.c_str());
        if (!peers_.EndpointShared(peer.address.endpoint, peer)) dialer_->Disconnect(peer.address.endpoint);
        if (!quiet) ++stats_.send_failures;
        return false;
      }
      Address fresh;
      if (s.ok() && !peer.address.Is(record.address) && Address::Parse(record.address, &fresh)) {
        CM_INFO("'%s' moved from %s to %s", peer.name.c_str(), peer.address.ToString().c_str(),
                record.address.c_str());
        SetAddress(peer, fresh);
        encode();
      }
      next_resolve = Clock::now() + std::chrono::milliseconds(500);
    }
    // A full queue drains, and a link reported up becomes routable, within
    // a millisecond or so: retry soon.  A link still being made reports its
    // handshake on the monitor, which wakes the wait at once.
    bool soon = result == Dialer::SendResult::kFull || peer.link_up;
    WaitForLinks(std::min(MsUntil(deadline), soon ? 1 : 20));
  }
  if (quiet) return false;
  if (result == Dialer::SendResult::kFull)
    CM_WARN("send '%s' to '%s': its queue stayed full for %d ms: message not sent", message.type(),
            peer.name.c_str(), send_timeout_ms_);
  else
    CM_WARN("send '%s' to '%s': not reachable at %s within %d ms", message.type(), peer.name.c_str(),
            peer.address.ToString().c_str(), send_timeout_ms_);
  ++stats_.send_failures;
  return false;
}

// Waits, up to `deadline`, until `peer` has acknowledged reading enough of
// what we sent it for `size` more bytes to go.  What else arrives meanwhile
// is kept, in order, for the next dispatch: handlers run only in Wait.
bool Session::WaitForRoom(Peer& peer, size_t size, Clock::time_point deadline) {
  (void)dialer_->Flush();  // what we coalesced for it must reach it to be read
  // Acknowledgements already read ahead (to count the queue) count now.
  for (auto it = read_ahead_.begin(); it != read_ahead_.end();) it = TakeAck(*it) ? read_ahead_.erase(it) : it + 1;
  while (!peer.window.HasRoom(size, send_window_bytes_)) {
    int ms = MsUntil(deadline);
    if (ms == 0) return false;
    Incoming in;
    if (listener_->Receive(&in, std::min(ms, kRoomPollMs)) && !TakeAck(in)) read_ahead_.push_back(std::move(in));
    WaitForLinks(0);  // a link that went down forgets its window (NoteUnacked)
  }
  return true;
}

// True if `in` is an acknowledgement (which travels alone), now counted.
bool Session::TakeAck(const Incoming& in) {
  if (in.malformed) return false;
  Envelope env;
  Message ack;
  size_t used = 0;
  Status s = decoder_.DecodeFirst(static_cast<const char*>(in.frame.data()), in.frame.size(), &used, &env, &ack);
  if (!s.ok() || used != in.frame.size() || env.seq != 0 || ack.type_string() != "cm:ack") return false;
  Acknowledged(env, ack);
  return true;
}

}  // namespace cm
