// Session: gaps in a sender's numbers (docs/reliability.md, "A link reset").
//
// A sender whose connection to us was reset sends again on a new one, while
// what it sent on the old one may still wait in our queue: libzmq takes from
// the two in turn, so numbers jump ahead, then come back.  A frame after a
// gap is held (copied: the received message it lies in is reused) until the
// missing numbers come, or until our queue has been read to its end (then
// they will not come: they are lost, counted, and the sender is told in our
// acknowledgements), or kMaxGapMs passed, or too much is held.

#include "session/session.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "util/log.h"

namespace cm {
namespace {

// Frames held behind a gap in a sender's numbers (Hold): let go once our
// queue is found empty at least kGapGraceMs after the gap opened, or after
// kMaxGapMs whatever, or beyond these bounds.
constexpr int kGapGraceMs = 20;
constexpr int kMaxGapMs = 2000;
constexpr size_t kMaxHeldFrames = 20000;
constexpr size_t kMaxHeldBytes = 64 << 20;

}  // namespace

bool Session::Hold(Peer& peer, uint64_t seq, const char* frame, size_t size) {
  if (peer.held_bytes + size > kMaxHeldBytes || peer.held.size() >= kMaxHeldFrames) {
    CloseGap(peer);  // lets the held ones go, in order, after this frame's gap is counted
    if (seq > peer.seq_in + 1) return Hold(peer, seq, frame, size);
    return false;
  }
  if (peer.held.empty()) {
    peer.gap_since = Clock::now();
    gaps_.push_back(&peer);
  }
  peer.held.push_back({seq, zmq::message_t(frame, size)});
  peer.held_bytes += size;
  return true;
}

// The held frames go back to the front of the queue, in order: dispatched
// next, each checked again (a later gap holds the rest once more).
void Session::Release(Peer& peer) {
  for (auto it = peer.held.rbegin(); it != peer.held.rend(); ++it) {
    Incoming in;
    in.frame = std::move(it->frame);
    read_ahead_.push_front(std::move(in));
  }
  peer.held.clear();
  peer.held_bytes = 0;
  gaps_.erase(std::find(gaps_.begin(), gaps_.end(), &peer));
}

// The numbers before the first held frame will not come: counted lost.
void Session::CloseGap(Peer& peer) {
  if (peer.held.empty()) return;
  uint64_t first = peer.seq_in + 1, next = peer.held.front().seq;
  uint64_t gap = next - first;
  peer.lost += gap;
  peer.lost_told += gap;
  stats_.lost += gap;
  CM_WARN("lost %llu message(s) from '%s' (numbers %llu..%llu never came)", static_cast<unsigned long long>(gap),
          peer.name.c_str(), static_cast<unsigned long long>(first), static_cast<unsigned long long>(next - 1));
  peer.seq_in = next - 1;
  if (!peer.ack_owed) {  // the sender learns of it with our next acknowledgement
    peer.ack_owed = true;
    acks_owed_.push_back(&peer);
  }
  Release(peer);
}

void Session::CloseGaps(bool queue_empty) {
  auto now = Clock::now();
  std::vector<Peer*> due;
  for (Peer* peer : gaps_)
    if ((queue_empty && now - peer->gap_since >= std::chrono::milliseconds(kGapGraceMs)) ||
        now - peer->gap_since >= std::chrono::milliseconds(kMaxGapMs))
      due.push_back(peer);
  for (Peer* peer : due) CloseGap(*peer);
}

}  // namespace cm
