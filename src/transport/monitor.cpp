#include "transport/monitor.h"

#include <atomic>
#include <cstring>

#include "transport/context.h"

namespace cm {

Monitor::Monitor(zmq::socket_t& socket, int events) : pair_(ZmqContext(), zmq::socket_type::pair) {
  static std::atomic<unsigned> counter{0};
  std::string address = "inproc://cm-monitor-" + std::to_string(counter++);
  if (zmq_socket_monitor(socket.handle(), address.c_str(), events) != 0) throw zmq::error_t();
  pair_.set(zmq::sockopt::linger, 0);
  pair_.connect(address);
}

bool Monitor::Next(SocketEvent* event) {
  zmq::message_t head;
  if (!pair_.recv(head, zmq::recv_flags::dontwait)) return false;
  zmq::message_t address;
  (void)pair_.recv(address);  // second part always follows the first
  if (head.size() >= 6) {
    std::memcpy(&event->event, head.data(), 2);
    std::memcpy(&event->value, static_cast<const char*>(head.data()) + 2, 4);
  }
  event->endpoint = address.to_string();
  return true;
}

}  // namespace cm
