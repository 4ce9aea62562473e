#include "transport/request_channel.h"

#include "transport/context.h"
#include "transport/tuning.h"

namespace cm {

RequestChannel::RequestChannel(const std::string& endpoint, const std::string& routing_id,
                               const Security& security)
    : endpoint_(endpoint), socket_(ZmqContext(), zmq::socket_type::dealer) {
  ApplyCommonOptions(socket_);
  ApplyClientSecurity(security, socket_);
  socket_.set(zmq::sockopt::immediate, 1);
  socket_.set(zmq::sockopt::routing_id, routing_id);
  monitor_ = std::make_unique<Monitor>(socket_, ZMQ_EVENT_CONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED |
                                                    ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                                    ZMQ_EVENT_HANDSHAKE_FAILED_AUTH);
  socket_.connect(endpoint);
}

RequestChannel::~RequestChannel() {
  zmq_socket_monitor(socket_.handle(), nullptr, 0);
  monitor_.reset();
}

// A blocking send or receive with the socket's own time-out, rather than
// zmq_poll and then a non-blocking call: one that finds its message (or its
// connection) ready makes no system call, one that sleeps makes one to sleep
// and one to wake, where zmq_poll makes about four more (a registration or
// a look-up pays this twice).
bool RequestChannel::Send(zmq::message_t& frame, int timeout_ms) {
  if (timeout_ms != send_timeout_ms_) {
    socket_.set(zmq::sockopt::sndtimeo, timeout_ms);
    send_timeout_ms_ = timeout_ms;
  }
  // Fails with EAGAIN while no connection is up (ZMQ_IMMEDIATE), EINTR on a
  // signal: the frame stays ours either way.
  return zmq_msg_send(frame.handle(), socket_.handle(), 0) >= 0;
}

bool RequestChannel::Receive(zmq::message_t* frame, int timeout_ms) {
  if (timeout_ms != receive_timeout_ms_) {
    socket_.set(zmq::sockopt::rcvtimeo, timeout_ms);
    receive_timeout_ms_ = timeout_ms;
  }
  return ReceiveWith(frame, 0);
}

bool RequestChannel::SendNow(zmq::message_t& frame) {
  return zmq_msg_send(frame.handle(), socket_.handle(), ZMQ_DONTWAIT) >= 0;
}

bool RequestChannel::ReceiveNow(zmq::message_t* frame) { return ReceiveWith(frame, ZMQ_DONTWAIT); }

bool RequestChannel::ReceiveWith(zmq::message_t* frame, int flags) {
  if (zmq_msg_recv(frame->handle(), socket_.handle(), flags) < 0) return false;  // none yet, or EINTR
  // The server sends single frames; drop any extra parts.
  while (frame->more()) {
    zmq::message_t extra;
    (void)socket_.recv(extra);
    if (!extra.more()) break;
  }
  return true;
}

// A connection that closes after TCP connected but before the handshake
// was done was refused: by a mechanism mismatch or by the server's ZAP
// handler (which may hang up before we could read why).
void RequestChannel::DrainMonitor() {
  SocketEvent event;
  while (monitor_->Next(&event)) {
    switch (event.event) {
      case ZMQ_EVENT_CONNECTED:
        tcp_connected_ = true;
        break;
      case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
      case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH:
        refused_ = true;
        break;
      case ZMQ_EVENT_HANDSHAKE_SUCCEEDED:
        up_ = true;
        refused_ = false;
        events_.push_back(LinkEvent{true, event.endpoint});
        break;
      case ZMQ_EVENT_DISCONNECTED:
        if (!up_ && tcp_connected_) refused_ = true;
        if (up_) events_.push_back(LinkEvent{false, event.endpoint});
        up_ = tcp_connected_ = false;
        break;
    }
  }
}

void RequestChannel::TakeEvents(std::vector<LinkEvent>* events) {
  DrainMonitor();
  events->insert(events->end(), events_.begin(), events_.end());
  events_.clear();
}

bool RequestChannel::LinkUp() {
  DrainMonitor();
  return up_;
}

bool RequestChannel::HandshakeRefused() {
  DrainMonitor();
  return refused_;
}

}  // namespace cm
