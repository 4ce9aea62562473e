// Session: acknowledgements (docs/api.md, "Delivery"; docs/protocol.md,
// cm:ack): what we dispatched is acknowledged to its senders, and what
// they acknowledge of ours opens our send windows (send_window.h) and
// narrows what is reported as maybe lost (unacked.h).

#include "session/session.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "codec/frame.h"
#include "session/timing.h"
#include "transport/zmq_frame.h"
#include "util/log.h"

namespace cm {
// Each peer whose messages we dispatched since we last said so gets one
// cm:ack with the last sequence number.  Never waits: an ack that cannot go
// now goes at the next round, and a later one supersedes it.
void Session::SendAcks() {
  read_since_ack_ = 0;
  size_t kept = 0;
  for (Peer* peer : acks_owed_) {
    if (SendAck(*peer))
      peer->ack_owed = false;
    else
      acks_owed_[kept++] = peer;
  }
  acks_owed_.resize(kept);
}

// True when nothing is owed to `peer` any more.  An ack has sequence number
// 0: it is not one of the pair's messages, and is itself never acknowledged.
bool Session::SendAck(Peer& peer) {
  if (peer.seq_in == peer.seq_acked || peer.address.endpoint.empty()) return true;
  switch (ProbeAck(peer)) {
    case Dialer::SendResult::kSent:
      return true;
    case Dialer::SendResult::kNotConnected:  // it only sent to us so far
      dialer_->Connect(peer.address.endpoint);
      return false;
    case Dialer::SendResult::kFull:  // it does not read: it will hear from us later
      return false;
  }
  return false;
}

// An acknowledgement of what we dispatched from `peer` (and of what we
// counted lost of it), sent now or never; also the probe of a suspect
// (links.cpp): only its incarnation takes it.
Dialer::SendResult Session::ProbeAck(Peer& peer) {
  Message ack;
  ack.SetType("cm:ack");
  ack.PutLong(static_cast<long>(peer.seq_in));
  if (peer.lost_told > 0) ack.PutLong(static_cast<long>(peer.lost_told));
  Envelope env;
  env.sender = name_;
  env.reply_to = address_text_;
  zmq::message_t frame = EncodeFrame(env, ack);
  Dialer::SendResult r = dialer_->Send(peer.address, frame);
  if (r == Dialer::SendResult::kSent) peer.seq_acked = peer.seq_in;
  return r;
}

// An ack counts for the incarnation that sent it (its reply_to), whether we
// still send to it or it is in the ledger, gone.
void Session::Acknowledged(const Envelope& env, Message& ack) {
  long seq = ack.GetLong();
  // How many of ours it found missing, in all (a second item, from
  // receivers that saw a gap: docs/protocol.md, cm:ack).
  long lost = ack.items().size() > 1 ? ack.GetLong() : 0;
  if (seq <= 0) return;
  Peer* known = peers_.Lookup(env.sender);
  if (known != nullptr && known->address.Is(env.reply_to)) {
    Peer& peer = *known;
    if (lost > 0 && static_cast<uint64_t>(lost) > peer.lost_heard) {
      uint64_t more = static_cast<uint64_t>(lost) - peer.lost_heard;
      peer.lost_heard = static_cast<uint64_t>(lost);
      stats_.unacked += more;
      CM_WARN("%llu message(s) to '%s' (%s) were lost on the way: it found their numbers missing (%llu in all)",
              static_cast<unsigned long long>(more), peer.name.c_str(), peer.address.ToString().c_str(),
              static_cast<unsigned long long>(lost));
    }
    peer.acked = std::max(peer.acked, std::min(static_cast<uint64_t>(seq), peer.seq_out));
    peer.window.Acknowledged(static_cast<uint64_t>(seq));
  }
  unacked_.Acknowledged(env.reply_to, static_cast<uint64_t>(seq));
}

// The link to `peer` went down (or it was replaced): what it did not
// acknowledge goes to the ledger, to be reported once late acks had a chance.
void Session::NoteUnacked(Peer& peer) {
  peer.window.Forget();
  if (peer.seq_out <= peer.acked) return;
  unacked_.Add(peer.name, peer.address.ToString(), peer.acked, peer.seq_out, Clock::now());
  peer.acked = peer.seq_out;
}

// The queue was found empty: every ack that had arrived has been read, and
// it is a good moment to send ours.
void Session::QueueEmpty() {
  if (!unacked_.empty()) drained_at_ = Clock::now();
  if (!gaps_.empty()) CloseGaps(/*queue_empty=*/true);
  SendIdleAcks();
}

// Closing: what is still queued will not be dispatched, but the acks in it
// still narrow what we report as maybe lost.
void Session::ReadLastAcks() {
  if (unacked_.empty()) return;
  Incoming in;
  Message message;
  while (NextIncoming(&in)) {
    if (in.malformed) continue;
    Envelope env;
    if (Decode(std::make_unique<ZmqFrame>(std::move(in.frame)), &env, &message).ok() && env.seq == 0 &&
        message.type_string() == "cm:ack")
      Acknowledged(env, message);
  }
}

}  // namespace cm
