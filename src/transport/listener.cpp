#include "transport/listener.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <random>

#include "transport/context.h"
#include "transport/tuning.h"
#include "util/log.h"

namespace cm {

Listener::Listener(bool answers)
    : answers_(answers), socket_(ZmqContext(), answers ? zmq::socket_type::router : zmq::socket_type::dealer) {}

Listener::~Listener() {
  // The monitor must stop before the socket it watches closes.
  zmq_socket_monitor(socket_.handle(), nullptr, 0);
  monitor_.reset();
}

Status Listener::Open(const ListenSpec& spec, std::unique_ptr<Listener>* out) {
  std::unique_ptr<Listener> l(new Listener(spec.answers));
  l->address_.incarnation = spec.incarnation.empty() ? NewIncarnation() : spec.incarnation;
  try {
    ApplyCommonOptions(l->socket_);
    if (spec.heartbeats) ApplyHeartbeats(l->socket_);
    // Senders address us by incarnation: announce it in the handshake.
    l->socket_.set(zmq::sockopt::routing_id, l->address_.incarnation);
    if (spec.answers) {
      // A client reconnecting under the same routing id replaces its old link.
      l->socket_.set(zmq::sockopt::router_handover, 1);
      l->socket_.set(zmq::sockopt::router_mandatory, 1);
    }
    l->socket_.set(zmq::sockopt::backlog, kListenBacklog);
    l->socket_.set(zmq::sockopt::maxmsgsize, spec.max_message_bytes);
    Status secured = ApplyServerSecurity(spec.security, l->socket_);
    if (!secured.ok()) return secured;
  } catch (const zmq::error_t& e) {
    return Status::Unavailable(std::string("cannot set up the listening socket: ") + e.what());
  }
  bool bound = false;
  std::string last_error;
  if (spec.first_port <= 0) {
    try {
      l->socket_.bind("tcp://" + spec.bind_host + ":*");
      std::string endpoint = l->socket_.get(zmq::sockopt::last_endpoint);
      l->port_ = std::stoi(endpoint.substr(endpoint.rfind(':') + 1));
      bound = true;
    } catch (const std::exception& e) {
      last_error = e.what();
    }
  } else {
    // Start at a random place in the range so that processes starting
    // together do not all race for the same first ports.
    int count = spec.port_count > 0 ? spec.port_count : 1;
    std::random_device device;
    int start = static_cast<int>(device() % static_cast<unsigned>(count));
    for (int i = 0; i < count && !bound; ++i) {
      int port = spec.first_port + (start + i) % count;
      try {
        l->socket_.bind("tcp://" + spec.bind_host + ":" + std::to_string(port));
        l->port_ = port;
        bound = true;
      } catch (const zmq::error_t& e) {
        last_error = e.what();
        if (e.num() != EADDRINUSE && e.num() != EACCES) break;
      }
    }
  }
  if (!bound) {
    return Status::Unavailable("cannot listen on " + spec.bind_host +
                               (spec.first_port > 0 ? " ports " + std::to_string(spec.first_port) + "+" +
                                                          std::to_string(spec.port_count)
                                                    : std::string(" (any port)")) +
                               ": " + last_error);
  }
  l->address_.endpoint = "tcp://" + spec.advertised_host + ":" + std::to_string(l->port_);
  int events = ZMQ_EVENT_DISCONNECTED;
  if (spec.watch_connections)
    events |= ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
              ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;
  l->monitor_ = std::make_unique<Monitor>(l->socket_, events);
  // An inbox's receives sleep without a time-out, woken by an Alarm
  // (alarm.h).  Without one they keep ZMQ_RCVTIMEO, which costs more but
  // works the same.
  if (!spec.answers && spec.alarm) {
    // Numbered, not named after the listener's address: a listener made
    // where a closed one was could find that name still taken (libzmq
    // releases it in the background) and go without its alarm.
    static std::atomic<unsigned> count{0};
    char endpoint[64];
    std::snprintf(endpoint, sizeof endpoint, "inproc://cm-alarm-%u", count++);
    Status opened;
    try {
      l->socket_.bind(endpoint);
      opened = Alarm::Open(endpoint, &l->alarm_);
    } catch (const zmq::error_t& e) {
      opened = Status::Unavailable(std::string("cannot bind ") + endpoint + ": " + e.what());
    }
    if (opened.ok())
      l->alarm_endpoint_ = endpoint;
    else
      CM_WARN("no receive alarm (%s): waits use receive time-outs instead", opened.message().c_str());
  }
  *out = std::move(l);
  return Status::Ok();
}

bool Listener::Receive(Incoming* in, int timeout_ms) {
  int flags = timeout_ms == 0 ? ZMQ_DONTWAIT : 0;
  Alarm::Clock::time_point deadline;
  bool alarmed = alarm_ && timeout_ms > 0;
  if (alarmed) {
    deadline = Alarm::Clock::now() + std::chrono::milliseconds(timeout_ms);
    alarm_->Arm(deadline);
    timeout_ms = -1;
  }
  if (timeout_ms != 0 && timeout_ms != receive_timeout_ms_) {
    socket_.set(zmq::sockopt::rcvtimeo, timeout_ms);
    receive_timeout_ms_ = timeout_ms;
  }
  in->malformed = false;
  in->fd = -1;
  zmq::message_t& first = answers_ ? in->routing_id : in->frame;
  for (;;) {
    if (zmq_msg_recv(first.handle(), socket_.handle(), flags) < 0) {
      if (alarmed) alarm_->Disarm();
      return false;  // none came, or a signal
    }
    if (!alarm_ || !Alarm::IsTick(first)) break;  // IsTick looks at the size first: cheap
    // A tick: this wait's deadline, or a late one of an earlier wait.
    if (alarmed && Alarm::Clock::now() >= deadline) return false;
  }
  if (alarmed) alarm_->Disarm();
  if (answers_) {
    if (!in->routing_id.more()) {  // cannot happen with ROUTER; be safe
      in->malformed = true;
      return true;
    }
    (void)socket_.recv(in->frame);
  }
  // Costly (hundreds of instructions): an inbox asks only when it needs it.
  if (answers_) in->fd = SourceFd(in->frame);
  // Our peers send exactly one frame; swallow the rest of anything else.
  while (in->frame.more()) {
    zmq::message_t extra;
    (void)socket_.recv(extra);
    in->malformed = true;
    if (!extra.more()) break;
  }
  return true;
}

int Listener::SourceFd(const zmq::message_t& frame) {
  return zmq_msg_get(const_cast<zmq::message_t&>(frame).handle(), ZMQ_SRCFD);
}

bool Listener::Reply(const zmq::message_t& routing_id, zmq::message_t& frame) {
  if (!answers_) return false;
  try {
    zmq::message_t id(routing_id.data(), routing_id.size());
    if (!socket_.send(id, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return false;
    return socket_.send(frame, zmq::send_flags::dontwait).has_value();
  } catch (const zmq::error_t&) {
    return false;  // EHOSTUNREACH: the connection is gone
  }
}

void Listener::TakeClosed(std::vector<int>* fds) {
  SocketEvent event;
  while (monitor_->Next(&event))
    if (event.event == ZMQ_EVENT_DISCONNECTED) fds->push_back(event.value);
}

void Listener::TakeEvents(std::vector<SocketEvent>* events) {
  SocketEvent event;
  while (monitor_->Next(&event)) events->push_back(event);
}

}  // namespace cm
