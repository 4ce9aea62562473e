// Dialer: the one socket a process sends to its peers with.
//
// A ZeroMQ ROUTER that connects to each peer's listener and addresses it by
// the incarnation the listener announces.  With ZMQ_IMMEDIATE and
// ZMQ_ROUTER_MANDATORY a send is refused (kNotConnected) unless the handshake
// with exactly that incarnation is done, so a message is never queued for a
// peer that is not there, and never reaches a process that replaced it.
// Messages to one peer travel on one connection, in order.
//
// Coalescing.  Each ZeroMQ message costs about as much CPU as a whole small
// Cm message costs the library (docs/protocol.md, bench/BENCHMARKS.md
// section 6).  So when a program sends small frames to one peer faster than
// one per kCoalesceWindow, with no Pause() or Flush() between, the frames
// from the third on (the second times the gap) are put together, back to
// back, into one ZeroMQ message (a batch), which goes out when it is full,
// when the program calls Flush() (the session does before it waits), or, if
// the program does neither, from a thread of the Dialer's own kFlushDelay
// after the batch was opened.  A frame sent after a pause always goes out
// alone and at once: request/reply and periodic traffic are never delayed.
// Once that thread runs, the socket is shared with it, so every use of the
// socket takes mutex_; before (a process that never coalesced), none needs to.
// The clock is read only for a frame sent to the same peer as the last one
// with no Pause() or Flush() between: a round trip never reads it.
//
// A host that vanishes from a busy link.  Keepalive does not run while data
// waits for an acknowledgement, and TCP_USER_TIMEOUT would also kill the
// link of a receiver that merely stopped reading (transport/tuning.h).  So
// the Dialer keeps each connection's descriptor (the monitor's CONNECTED
// event) and CheckStalled() looks at the busy ones (TCP_INFO,
// transport/link_health.h): one whose data has waited kSilentPeerMs for an
// ACK that never comes is shut down, and libzmq reports it DISCONNECTED like
// any lost connection (the event then says `stalled`).  A receiver whose
// kernel answers the zero-window probes is left alone however long it does
// not read.
#ifndef CM_TRANSPORT_DIALER_H
#define CM_TRANSPORT_DIALER_H

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <sys/socket.h>

#include <zmq.hpp>

#include "transport/address.h"
#include "transport/monitor.h"
#include "transport/security.h"

namespace cm {

struct LinkEvent {
  bool up = false;       // handshake done (true) or connection lost (false)
  std::string endpoint;  // tcp://host:port
  // With up false: not a lost connection but a failed attempt to make one
  // (refused, or timed out): nobody listens there now.
  bool refused = false;
  // With up false: the Dialer closed it, its data unacknowledged for
  // kSilentPeerMs (CheckStalled): the peer's host is gone.
  bool stalled = false;
};

class Dialer {
 public:
  using Clock = std::chrono::steady_clock;
  // Frames larger than this always go alone (zero copy, see Send below).
  static constexpr size_t kMaxCoalescedFrame = 512;
  // A batch is sent once it holds this many bytes.
  static constexpr size_t kMaxBatchBytes = 4096;
  // A frame for the same peer within this time of the previous one joins a batch.
  static constexpr std::chrono::microseconds kCoalesceWindow{50};
  // A batch nobody fills nor flushes is sent this long after it was opened
  // (plus the time the kernel takes to wake a thread: 50-150 µs).
  static constexpr std::chrono::microseconds kFlushDelay{100};

  // `coalesce` false: every frame goes alone and at once (CM_COALESCE=0).
  Dialer(const std::string& own_incarnation, const Security& security, bool coalesce = true);
  ~Dialer();  // sends what is coalesced, if it can at once

  enum class SendResult { kSent, kNotConnected, kFull };

  // Start connecting (idempotent); libzmq reconnects by itself after a loss.
  void Connect(const std::string& endpoint);
  // Stop connecting and drop the connection.
  void Disconnect(const std::string& endpoint);

  // Never blocks.  On kSent the frame has been taken: handed to ZeroMQ, or
  // coalesced (then in ZeroMQ within about kFlushDelay).  A frame is only
  // coalesced behind one just sent to the same peer, so on a connection
  // known to be up.  Frames to one peer keep their order either way.
  SendResult Send(const Address& to, const char* frame, size_t size);
  // The same, for a frame already in a ZeroMQ message: always alone, after
  // what is coalesced for that peer.
  SendResult Send(const Address& to, zmq::message_t& frame);
  // Whether a frame of `size` bytes for `to` may be coalesced now: if not,
  // the caller saves a copy by encoding it into a ZeroMQ message (above).
  bool MayCoalesce(const Address& to, size_t size) const {
    return coalesce_ && size <= kMaxCoalescedFrame && burst_ && last_to_ == to.incarnation;
  }
  // Sends what is coalesced now, and the next frame alone: the program is
  // about to wait (for a reply, perhaps).  kSent when nothing is left.
  SendResult Flush();
  // The program is about to sleep in a receive: the next frame is not part
  // of a burst.  (What is coalesced stays: see pending().)
  void Pause() { burst_ = false; }
  // Whether a batch waits to go out (a hint, read without the lock: the
  // wait loop asks it before every receive that may sleep).
  bool pending() const { return pending_.load(std::memory_order_relaxed); }

  // How long closing may wait to send what is queued (the session sets it
  // before closing, so that a message sent just before exit is not lost).
  void SetLinger(int ms);

  zmq::socket_t& monitor_socket() { return monitor_->socket(); }
  // Link changes since the last call, in order.
  void TakeEvents(std::vector<LinkEvent>* events);
  // Closes the connections whose peer's host is gone (see above); they come
  // out of TakeEvents as lost a moment later.  Meant to be called at every
  // link check, and while a send waits: does nothing until kStallCheckMs
  // passed since it last looked; then nothing either (no system call) if
  // no frame was sent since and no connection had data in flight; else one
  // getsockopt per connection.  The program's thread only, as TakeEvents.
  void CheckStalled();

  // Frames handed to ZeroMQ inside batches, and batches; frames coalesced
  // and then dropped because the peer's connection was lost first;
  // connections closed by CheckStalled.
  struct Counters {
    uint64_t coalesced_frames = 0, batches = 0, dropped_frames = 0, stalled_links = 0;
  };
  Counters counters();

 private:
  // Frames for one peer, back to back.
  struct Batch {
    std::string to;  // the peer's incarnation; empty: no batch open
    std::string bytes;
    uint32_t frames = 0;
    Clock::time_point opened;
  };

  // One connection, as the monitor reported it (the program's thread alone
  // uses these).  Its ends, to make sure the descriptor was not reused
  // before closing it.
  struct Link {
    int fd = -1;
    sockaddr_storage local{}, peer{};
    socklen_t local_size = 0, peer_size = 0;
    bool shut = false;  // by CheckStalled
  };
  bool SameConnection(const Link& link) const;

  SendResult SendAlone(const std::string& incarnation, zmq::message_t& frame);
  void Sent(const std::string& incarnation, Clock::time_point now);
  void OpenBatch(const std::string& peer, const char* frame, size_t size, Clock::time_point now);
  SendResult FlushLocked();
  void StartFlusher();
  void FlusherLoop();

  const bool coalesce_;
  std::mutex mutex_;  // the socket (once the flusher runs), batch_, counters_, the flusher's state
  zmq::socket_t socket_;
  std::unique_ptr<Monitor> monitor_;
  std::unordered_set<std::string> endpoints_;
  std::unordered_map<std::string, Link> links_;  // by endpoint
  Clock::time_point next_stall_check_;
  bool busy_links_ = false;          // some connection had data in flight at the last check
  std::atomic<bool> sent_{false};    // a frame went to ZeroMQ since the last check

  Batch batch_;
  std::atomic<bool> pending_{false};  // batch_ is open
  // The program's thread alone uses these (no lock): whether the last frame
  // sent alone is the start of a burst (false after a Pause or Flush), the
  // incarnation it went to (by value: a peer's address may be replaced in
  // place), and when, if the clock was read then (else unset).
  bool burst_ = false;
  std::string last_to_;
  Clock::time_point last_at_;
  Counters counters_;
  Clock::time_point retry_at_;  // a batch the peer's full queue refused: when to try again

  std::thread flusher_;  // started with the first batch (by the program's thread, which alone asks joinable())
  std::condition_variable wake_;
  bool flusher_idle_ = false;  // waiting for a batch to be opened (needs a notify)
  bool stopping_ = false;
};

}  // namespace cm

#endif
