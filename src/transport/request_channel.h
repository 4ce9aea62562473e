// RequestChannel: a connection to one server that answers requests on the
// same connection (the name server).  A ZeroMQ DEALER; with ZMQ_IMMEDIATE a
// request is refused while the server is unreachable rather than queued.
// The link's ups and downs come from its monitor: after a down and an up
// the server may be a new one that has forgotten us.
#ifndef CM_TRANSPORT_REQUEST_CHANNEL_H
#define CM_TRANSPORT_REQUEST_CHANNEL_H

#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "transport/dialer.h"
#include "transport/monitor.h"
#include "transport/security.h"

namespace cm {

class RequestChannel {
 public:
  RequestChannel(const std::string& endpoint, const std::string& routing_id, const Security& security);
  ~RequestChannel();

  const std::string& endpoint() const { return endpoint_; }
  zmq::socket_t& socket() { return socket_; }
  zmq::socket_t& monitor_socket() { return monitor_->socket(); }

  // Waits at most `timeout_ms` for the connection to accept the frame.
  bool Send(zmq::message_t& frame, int timeout_ms);
  // Waits at most `timeout_ms`; false on timeout.
  bool Receive(zmq::message_t* frame, int timeout_ms);
  // The same without waiting, whatever the socket's time-outs: for a caller
  // that polls several channels at once.
  bool SendNow(zmq::message_t& frame);
  bool ReceiveNow(zmq::message_t* frame);
  void TakeEvents(std::vector<LinkEvent>* events);
  // True once the server refused our handshake: a mismatch of the domain's
  // secret (transport/security.h), the only thing that fails one.
  bool HandshakeRefused();
  // Whether the connection is up now, as far as the monitor has said.
  bool LinkUp();

 private:
  void DrainMonitor();
  bool ReceiveWith(zmq::message_t* frame, int flags);

  std::string endpoint_;
  std::vector<LinkEvent> events_;  // drained from the monitor, not yet taken
  bool refused_ = false;
  bool up_ = false;             // handshake done
  bool tcp_connected_ = false;  // TCP up, handshake maybe not yet
  int send_timeout_ms_ = -1;     // the socket's ZMQ_SNDTIMEO
  int receive_timeout_ms_ = -1;  // its ZMQ_RCVTIMEO
  zmq::socket_t socket_;
  std::unique_ptr<Monitor> monitor_;
};

}  // namespace cm

#endif
