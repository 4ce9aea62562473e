#include "transport/dialer.h"

#include <cerrno>

#include "transport/context.h"
#include "transport/tuning.h"
#include "util/log.h"

namespace cm {

Dialer::Dialer(const std::string& own_incarnation, const Security& security)
    : socket_(ZmqContext(), zmq::socket_type::router) {
  ApplyCommonOptions(socket_);
  ApplyClientSecurity(security, socket_);
  socket_.set(zmq::sockopt::routing_id, own_incarnation);
  socket_.set(zmq::sockopt::immediate, 1);
  socket_.set(zmq::sockopt::router_mandatory, 1);
  // A peer restarted under the same incarnation cannot happen (ids are
  // random), but a reconnect to the same one must replace the old link.
  socket_.set(zmq::sockopt::router_handover, 1);
  monitor_ = std::make_unique<Monitor>(socket_, ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED);
}

Dialer::~Dialer() {
  zmq_socket_monitor(socket_.handle(), nullptr, 0);
  monitor_.reset();
}

void Dialer::Connect(const std::string& endpoint) {
  if (!endpoints_.insert(endpoint).second) return;
  try {
    socket_.connect(endpoint);
  } catch (const zmq::error_t& e) {
    // A bad endpoint from the network must not end the process; sends to it
    // stay kNotConnected and time out.  Said once, until Disconnect.
    CM_WARN("cannot connect to '%s': %s", endpoint.c_str(), e.what());
  }
}

void Dialer::Disconnect(const std::string& endpoint) {
  if (endpoints_.erase(endpoint) == 0) return;
  try {
    socket_.disconnect(endpoint);
  } catch (const zmq::error_t&) {
    // ENOENT: libzmq already forgot it; nothing to undo.
  }
}

Dialer::SendResult Dialer::Send(const Address& to, zmq::message_t& frame) {
  // Both parts go out or neither: ROUTER checks routability on the first.
  int rc = zmq_send(socket_.handle(), to.incarnation.data(), to.incarnation.size(), ZMQ_SNDMORE | ZMQ_DONTWAIT);
  if (rc < 0 && zmq_errno() == EHOSTUNREACH) {
    // A connection whose handshake has just finished joins the socket by a
    // command that zmq_send reads only about once a millisecond (it saves
    // system calls); asking for ZMQ_EVENTS reads it now.  Only a failed send
    // pays this: a first send to a new peer no longer waits that millisecond.
    (void)socket_.get(zmq::sockopt::events);
    rc = zmq_send(socket_.handle(), to.incarnation.data(), to.incarnation.size(), ZMQ_SNDMORE | ZMQ_DONTWAIT);
  }
  if (rc < 0) return zmq_errno() == EAGAIN ? SendResult::kFull : SendResult::kNotConnected;
  rc = zmq_msg_send(frame.handle(), socket_.handle(), ZMQ_DONTWAIT);
  // After a routable first part the second is accepted (same pipe, no HWM
  // check between parts of one message).
  return rc < 0 ? SendResult::kNotConnected : SendResult::kSent;
}

void Dialer::TakeEvents(std::vector<LinkEvent>* events) {
  SocketEvent event;
  while (monitor_->Next(&event)) {
    LinkEvent link;
    link.up = event.event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED;
    link.endpoint = event.endpoint;
    events->push_back(std::move(link));
  }
}

}  // namespace cm
