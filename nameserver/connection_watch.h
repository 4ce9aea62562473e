// ConnectionWatch: which connections the name server's listener turned away,
// from where, and why, for the log.
//
// libzmq closes a connection that declares a frame larger than
// ZMQ_MAXMSGSIZE, or whose handshake fails, and its monitor then says only
// "disconnected", with the descriptor (a failed handshake's event comes just
// before, without one); neither names the peer, and a closed descriptor can
// no longer be asked.  So the watch notes each accepted connection's peer
// address, and keeps a duplicate of its descriptor: once libzmq has let go
// of the connection, the duplicate still shows what the peer had sent that
// libzmq never read.  Bytes left unread mean libzmq hung up in the middle of
// the peer's data: it broke the protocol, as a frame over the limit does.
// The end of the stream means the peer hung up itself: nothing to say.
// Each accepted connection thus costs a second descriptor while it lasts.
// Best effort: a connection accepted and dropped before the loop looked at
// its acceptance (microseconds, on a busy name server) is logged without
// its address, or, for a frame over the limit, not at all; the limit holds
// either way.
#ifndef CM_NAMESERVER_CONNECTION_WATCH_H
#define CM_NAMESERVER_CONNECTION_WATCH_H

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace cm {

// The first few refusals of a kind logged in full, then one line per second
// at most, counting the rest: a flood of bad connections must not become a
// flood of log.
class RateLimitedCount {
 public:
  static constexpr int64_t kInFull = 10;
  // Counts one; true when it is to be logged now (then skipped() tells how
  // many were not logged since the last one that was).
  bool Count();
  int64_t total() const { return total_; }
  int64_t skipped() const { return skipped_; }

 private:
  std::chrono::steady_clock::time_point last_{};
  int64_t total_ = 0;
  int64_t unlogged_ = 0;
  int64_t skipped_ = 0;
};

class ConnectionWatch {
 public:
  // `secured`: the listener has a domain secret, so a peer that hangs up
  // during the handshake is most likely one without it (else it is a port
  // check, and only worth a debug line).
  ConnectionWatch(int64_t max_frame_bytes, bool secured) : max_frame_bytes_(max_frame_bytes), secured_(secured) {}
  ~ConnectionWatch();
  ConnectionWatch(const ConnectionWatch&) = delete;
  ConnectionWatch& operator=(const ConnectionWatch&) = delete;

  // The listener's monitor events, in the order it reported them.
  void Accepted(int fd);
  void HandshakeFailed(int event, int code);  // the next Closed() is its connection
  void Closed(int fd);
  // Judges the closed connections libzmq has let go of, and logs.  Call it
  // on every turn of the loop; true while some are still held by libzmq
  // (call again soon).
  bool Check();

  int64_t oversize() const { return oversize_.total(); }
  int64_t refused_handshakes() const { return handshakes_.total(); }

 private:
  struct Connection {
    int dup = -1;          // our duplicate of libzmq's descriptor
    int fd = -1;           // libzmq's descriptor
    dev_t device = 0;      // the socket, to tell it from a later one on the same number
    ino_t inode = 0;
    std::string peer;      // ip:port
    int failed_event = 0;  // ZMQ_EVENT_HANDSHAKE_FAILED_* that preceded the close, if any
    int failed_code = 0;
    std::chrono::steady_clock::time_point closed{};
  };

  // True once libzmq no longer holds the socket under `c.fd`.
  static bool Released(const Connection& c);
  void Judge(const Connection& c);

  int64_t max_frame_bytes_;
  bool secured_;
  std::map<int, Connection> open_;   // by libzmq's descriptor
  std::vector<Connection> closing_;  // reported closed, not judged yet
  int pending_event_ = 0;            // a failed handshake waiting for its close
  int pending_code_ = 0;
  std::chrono::steady_clock::time_point next_scan_{};
  RateLimitedCount oversize_;
  RateLimitedCount handshakes_;
};

}  // namespace cm

#endif
