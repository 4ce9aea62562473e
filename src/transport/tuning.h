// Transport constants, in one place.
//
// How a lost peer is noticed:
// - a process that exits or is killed: its kernel closes the TCP connection,
//   seen at once;
// - a host that vanishes from an idle link: TCP keepalive probes (answered by
//   the peer's kernel, whatever its program is doing) fail after about 3 s of
//   silence;
// - a host that vanishes from a busy link: keepalive does not run while data
//   waits for an acknowledgement (the kernel retransmits instead, for up to
//   15 minutes).  The Dialer looks at its busy connections every
//   kStallCheckMs (TCP_INFO, transport/link_health.h): one with data in
//   flight and no ACK for kSilentPeerMs is retransmitting into the void, and
//   the Dialer closes it (shutdown), which libzmq reports as a disconnection.
//   Peer links do not use TCP_USER_TIMEOUT (ZMQ_TCP_MAXRT) for this: Linux
//   counts a closed window the same way (tcp(7): "or buffered data may
//   remain untransmitted due to zero window size"), so a receiver whose
//   program reads nothing for longer (a handler busy for 3 s) lost its links
//   and its senders reported what they had queued as maybe lost, against
//   the backpressure promise (docs/reliability.md).  A peer that answers the
//   zero-window probes is alive however long its window stays closed.
//   The name server's links keep TCP_USER_TIMEOUT: both ends always read
//   (from ZeroMQ's I/O thread), and the request channel has no Dialer
//   watching it.  The peer Listener keeps it too, where it is inert: it
//   sends nothing after the handshake (acknowledgements go by the Dialer).
// ZMTP heartbeats are used only by the name server, towards its clients
// (who answer from ZeroMQ's I/O thread; they send none themselves: a name
// server that dies closes its connections, one whose host vanishes fails
// the keepalive).  One-sided and slow on purpose: with 500 clients pinging
// both ways every 0.5 s the name server spent 10-16% of a CPU on them, and
// a 1.5 s timeout dropped the names of a hundred live processes of a
// machine starved for CPU.  On peer links they
// would kill the connection of a receiver that is merely slow: while its
// queue is full its side stops reading, PINGs go unanswered, and the link
// would be dropped with every message queued on it (a silent loss the
// backpressure test caught).
#ifndef CM_TRANSPORT_TUNING_H
#define CM_TRANSPORT_TUNING_H

#include <cstdint>

#include <zmq.hpp>

namespace cm {

constexpr int kHeartbeatIntervalMs = 1000;
constexpr int kHeartbeatTimeoutMs = 5000;
constexpr int kKeepaliveIdleS = 1;
constexpr int kKeepaliveIntervalS = 1;
constexpr int kKeepaliveCount = 2;
// TCP_USER_TIMEOUT of the name server's links and the peer Listener (see above).
constexpr int kUnacknowledgedMaxMs = 3000;
// A peer link with data in flight and no ACK for this long is dead (see above);
// the Dialer looks this often, when the session asks (Dialer::CheckStalled).
constexpr int kSilentPeerMs = 3000;
constexpr int kStallCheckMs = 100;
constexpr int kReconnectIntervalMs = 100;
constexpr int kReconnectIntervalMaxMs = 1000;
// Messages queued per peer in each direction before a sender is held back.
constexpr int kHighWaterMark = 10000;
// Connections a listener's kernel queue holds before accept: libzmq's 100
// made the name server drop hundreds of SYNs when a whole domain started.
constexpr int kListenBacklog = 1024;
// The largest frame a peer's listener accepts (ZMQ_MAXMSGSIZE): without a
// limit, libzmq allocates whatever size a frame's header declares, and one
// unauthenticated connection declaring 4 GiB made a process grow by 1.5 GiB.
// Large enough for legitimate huge arrays; CM_MAX_MESSAGE_MB changes it.
constexpr int64_t kDefaultMaxMessageBytes = int64_t{1} << 30;
// The name server's requests are a few hundred bytes (CmNameServer
// --max-request-kb changes it).
constexpr int64_t kNameServerMaxRequestBytes = 64 << 10;

// $CM_MAX_MESSAGE_MB in bytes, else kDefaultMaxMessageBytes; a value that
// is not a positive number of MiB is said in the log (once) and ignored.
int64_t PeerMaxMessageBytes();

// `user_timeout` false: no TCP_USER_TIMEOUT (the Dialer's peer links).
inline void ApplyCommonOptions(zmq::socket_t& socket, bool user_timeout = true) {
  socket.set(zmq::sockopt::tcp_keepalive, 1);
  socket.set(zmq::sockopt::tcp_keepalive_idle, kKeepaliveIdleS);
  socket.set(zmq::sockopt::tcp_keepalive_intvl, kKeepaliveIntervalS);
  socket.set(zmq::sockopt::tcp_keepalive_cnt, kKeepaliveCount);
  if (user_timeout) socket.set(zmq::sockopt::tcp_maxrt, kUnacknowledgedMaxMs);
  socket.set(zmq::sockopt::reconnect_ivl, kReconnectIntervalMs);
  socket.set(zmq::sockopt::reconnect_ivl_max, kReconnectIntervalMaxMs);
  socket.set(zmq::sockopt::sndhwm, kHighWaterMark);
  socket.set(zmq::sockopt::rcvhwm, kHighWaterMark);
  socket.set(zmq::sockopt::linger, 0);
}

// For a name server, whose clients always read: a client that stops
// answering (its host gone, or its I/O thread stopped) is dropped in 5 s.
inline void ApplyHeartbeats(zmq::socket_t& socket) {
  socket.set(zmq::sockopt::heartbeat_ivl, kHeartbeatIntervalMs);
  socket.set(zmq::sockopt::heartbeat_timeout, kHeartbeatTimeoutMs);
}

}  // namespace cm

#endif
