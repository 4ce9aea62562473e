// Listener: the one socket a process (or the name server) listens on.
//
// A ZeroMQ ROUTER (or, for an inbox that never answers, a DEALER) bound on
// TCP.  Every received frame comes with the routing id of the connection it
// came on (ROUTER only: to answer over that same connection) and the
// connection's file descriptor, which the socket's monitor also reports
// when the connection closes: that is how a listener learns that whoever
// sent on a connection has gone, without asking anyone.
#ifndef CM_TRANSPORT_LISTENER_H
#define CM_TRANSPORT_LISTENER_H

#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "transport/address.h"
#include "transport/alarm.h"
#include "transport/monitor.h"
#include "transport/security.h"
#include "transport/tuning.h"
#include "util/status.h"

namespace cm {

struct ListenSpec {
  std::string advertised_host;  // goes into address()
  std::string bind_host = "0.0.0.0";
  int first_port = 0;  // 0: any free port
  int port_count = 0;  // ports tried from first_port on
  std::string incarnation;  // "" for a fresh one
  bool heartbeats = false;  // only where every client always reads (tuning.h)
  // A server answers over the connection a request came on (a ROUTER, the
  // name server); an inbox only receives (a DEALER: one part per message
  // instead of two, as peers never need an answer on that connection).
  bool answers = true;
  // An inbox's receives sleep without a time-out and are woken by an Alarm
  // (alarm.h); false: with ZMQ_RCVTIMEO, as before (CM_RECEIVE_ALARM=0).
  bool alarm = true;
  Security security;  // the domain's secret, if it has one
  // The largest frame a connection may declare (ZMQ_MAXMSGSIZE): libzmq
  // closes a connection whose frame header says more, before allocating.
  int64_t max_message_bytes = PeerMaxMessageBytes();
  // Also report accepted connections and failed handshakes (TakeEvents), for
  // a server that logs who was turned away.
  bool watch_connections = false;
};

struct Incoming {
  zmq::message_t routing_id;
  zmq::message_t frame;
  int fd = -1;  // the connection's descriptor (see TakeClosed); servers only, else SourceFd
  bool malformed = false;  // not a single frame: already counted, to be dropped
};

class Listener {
 public:
  static Status Open(const ListenSpec& spec, std::unique_ptr<Listener>* out);
  ~Listener();

  const Address& address() const { return address_; }
  int port() const { return port_; }
  zmq::socket_t& socket() { return socket_; }
  zmq::socket_t& monitor_socket() { return monitor_->socket(); }

  // Next message, waiting up to `timeout_ms` for one (0: not at all, -1: no
  // limit); false when none came, or a signal interrupted the wait.  Waiting
  // here rather than in zmq_poll saves system calls: a receive that finds a
  // message queued makes none, one that sleeps makes one to sleep and one to
  // wake, where zmq_poll on the socket makes about four.  So the session
  // goes straight to a waiting receive, not to a non-blocking one first (one
  // more poll each time the queue is empty: a round trip pays it twice).
  // An inbox sleeps without a time-out, woken by its Alarm at the deadline:
  // a sleep with a time-out costs a kernel timer (alarm.h).
  bool Receive(Incoming* in, int timeout_ms = 0);
  // Ticks the alarm sent (for tests; 0 without one).
  uint64_t alarm_ticks() const { return alarm_ ? alarm_->ticks_sent() : 0; }
  const std::string& alarm_endpoint() const { return alarm_endpoint_; }  // "" without an alarm
  // Send `frame` back over the connection `routing_id` came on; false when
  // that connection is gone (or its queue is full), or this is an inbox.
  bool Reply(const zmq::message_t& routing_id, zmq::message_t& frame);
  // The descriptor of the connection a received frame came on.
  static int SourceFd(const zmq::message_t& frame);
  // Descriptors of connections that closed since the last call.
  void TakeClosed(std::vector<int>* fds);
  // Every event since the last call, in order: ZMQ_EVENT_DISCONNECTED (value:
  // the descriptor), and with watch_connections ZMQ_EVENT_ACCEPTED (the
  // descriptor) and ZMQ_EVENT_HANDSHAKE_FAILED_* (an error or status code;
  // the connection's DISCONNECTED follows).  Use this or TakeClosed.
  void TakeEvents(std::vector<SocketEvent>* events);

 private:
  explicit Listener(bool answers);
  bool answers_;
  int receive_timeout_ms_ = -1;  // the socket's ZMQ_RCVTIMEO
  zmq::socket_t socket_;
  std::unique_ptr<Monitor> monitor_;
  std::unique_ptr<Alarm> alarm_;  // inboxes only: wakes receives that sleep without a time-out
  std::string alarm_endpoint_;    // inproc, where its ticks come in
  Address address_;
  int port_ = 0;
};

}  // namespace cm

#endif
