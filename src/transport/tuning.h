// Transport constants, in one place.  Heartbeats make a silent peer (host
// down, cable cut) count as lost within about 2 s; a killed process is seen
// at once because its kernel closes the TCP connection.
#ifndef CM_TRANSPORT_TUNING_H
#define CM_TRANSPORT_TUNING_H

#include <zmq.hpp>

namespace cm {

constexpr int kHeartbeatIntervalMs = 500;
constexpr int kHeartbeatTimeoutMs = 1500;
constexpr int kReconnectIntervalMs = 100;
constexpr int kReconnectIntervalMaxMs = 1000;
// Messages queued per peer in each direction before a sender is held back.
constexpr int kHighWaterMark = 10000;

inline void ApplyCommonOptions(zmq::socket_t& socket) {
  socket.set(zmq::sockopt::heartbeat_ivl, kHeartbeatIntervalMs);
  socket.set(zmq::sockopt::heartbeat_timeout, kHeartbeatTimeoutMs);
  socket.set(zmq::sockopt::reconnect_ivl, kReconnectIntervalMs);
  socket.set(zmq::sockopt::reconnect_ivl_max, kReconnectIntervalMaxMs);
  socket.set(zmq::sockopt::sndhwm, kHighWaterMark);
  socket.set(zmq::sockopt::rcvhwm, kHighWaterMark);
  socket.set(zmq::sockopt::linger, 0);
  // Keepalive as a last resort behind heartbeats (libzmq disables Nagle itself).
  socket.set(zmq::sockopt::tcp_keepalive, 1);
}

}  // namespace cm

#endif
