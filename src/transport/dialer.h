// Dialer: the one socket a process sends to its peers with.
//
// A ZeroMQ ROUTER that connects to each peer's listener and addresses it by
// the incarnation the listener announces.  With ZMQ_IMMEDIATE and
// ZMQ_ROUTER_MANDATORY a send is refused (kNotConnected) unless the handshake
// with exactly that incarnation is done, so a message is never queued for a
// peer that is not there, and never reaches a process that replaced it.
// Messages to one peer travel on one connection, in order.
#ifndef CM_TRANSPORT_DIALER_H
#define CM_TRANSPORT_DIALER_H

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include <zmq.hpp>

#include "transport/address.h"
#include "transport/monitor.h"
#include "transport/security.h"

namespace cm {

struct LinkEvent {
  bool up = false;       // handshake done (true) or connection lost (false)
  std::string endpoint;  // tcp://host:port
};

class Dialer {
 public:
  Dialer(const std::string& own_incarnation, const Security& security);
  ~Dialer();

  enum class SendResult { kSent, kNotConnected, kFull };

  // Start connecting (idempotent); libzmq reconnects by itself after a loss.
  void Connect(const std::string& endpoint);
  // Stop connecting and drop the connection.
  void Disconnect(const std::string& endpoint);

  // Never blocks.  On kSent the frame has been taken.
  SendResult Send(const Address& to, zmq::message_t& frame);

  // How long closing may wait to send what is queued (the session sets it
  // before closing, so that a message sent just before exit is not lost).
  void SetLinger(int ms) { socket_.set(zmq::sockopt::linger, ms); }

  zmq::socket_t& monitor_socket() { return monitor_->socket(); }
  // Link changes since the last call, in order.
  void TakeEvents(std::vector<LinkEvent>* events);

 private:
  zmq::socket_t socket_;
  std::unique_ptr<Monitor> monitor_;
  std::unordered_set<std::string> endpoints_;
};

}  // namespace cm

#endif
