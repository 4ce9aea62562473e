// SendWindow: how many bytes sent to one peer incarnation it has not yet
// acknowledged reading (docs/api.md, "Delivery").
//
// ZeroMQ bounds its queues in messages, not bytes: a receiver that stops
// reading lets 10000 messages pile up at each end of the link, which for
// arrays of megabytes is more memory than the machine has.  So the session
// holds a sender back by bytes as well: it sends to a peer only while what
// the peer has not acknowledged (cm:ack, docs/protocol.md) stays under a
// limit, and a receiver acknowledges at least every kAckEveryBytes it reads,
// so that a peer that keeps reading never meets the limit.
//
// Acknowledgements name sequence numbers, not bytes: the window keeps a mark
// (sequence number, bytes sent up to it) every kMarkBytes, and counts as read
// what lies up to the last acknowledged mark, or everything once the last
// frame sent is acknowledged.  unread() is therefore an upper bound, at most
// kMarkBytes above the truth, for the cost of one addition and one
// comparison per message sent.
#ifndef CM_SESSION_SEND_WINDOW_H
#define CM_SESSION_SEND_WINDOW_H

#include <cstddef>
#include <cstdint>
#include <deque>

namespace cm {

class SendWindow {
 public:
  static constexpr uint64_t kMarkBytes = 1 << 20;
  // A receiver acknowledges at least this often (bytes read from one sender).
  static constexpr uint64_t kAckEveryBytes = 4 << 20;

  // Frame number `seq`, of `bytes` bytes, was handed to ZeroMQ.
  void Sent(uint64_t seq, size_t bytes) {
    sent_ += bytes;
    last_seq_ = seq;
    if (sent_ - last_mark_ >= kMarkBytes) {
      marks_.push_back(Mark{seq, sent_});
      last_mark_ = sent_;
    }
  }
  // The peer read every frame up to `seq`.
  void Acknowledged(uint64_t seq);
  // Nothing more will be acknowledged (the link went down, or the peer was
  // replaced): what was sent is no longer waited for.
  void Forget();

  uint64_t unread() const { return sent_ - read_; }
  // Whether `bytes` more may go: always when nothing is unread, so that a
  // single message larger than the limit can still be sent.
  bool HasRoom(size_t bytes, uint64_t limit) const { return unread() == 0 || unread() + bytes <= limit; }

 private:
  struct Mark {
    uint64_t seq, sent;
  };
  uint64_t sent_ = 0, read_ = 0, last_mark_ = 0, last_seq_ = 0;
  std::deque<Mark> marks_;
};

}  // namespace cm

#endif
