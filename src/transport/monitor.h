// Monitor: the connection events libzmq reports for one socket, read from
// the inproc PAIR socket zmq_socket_monitor() publishes them on.
#ifndef CM_TRANSPORT_MONITOR_H
#define CM_TRANSPORT_MONITOR_H

#include <cstdint>
#include <string>

#include <zmq.hpp>

namespace cm {

struct SocketEvent {
  uint16_t event = 0;     // ZMQ_EVENT_*
  int32_t value = 0;      // the file descriptor for accept/connect/disconnect
  std::string endpoint;   // the endpoint the event concerns
};

class Monitor {
 public:
  // Watches `socket` for `events` (a ZMQ_EVENT_* mask).
  Monitor(zmq::socket_t& socket, int events);
  Monitor(const Monitor&) = delete;
  Monitor& operator=(const Monitor&) = delete;

  zmq::socket_t& socket() { return pair_; }
  // Next event without waiting; false when none is pending.
  bool Next(SocketEvent* event);
  // Whether an event waits to be read (it stays there).
  bool Pending() { return (pair_.get(zmq::sockopt::events) & ZMQ_POLLIN) != 0; }

 private:
  zmq::socket_t pair_;
};

}  // namespace cm

#endif
