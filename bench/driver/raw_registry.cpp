#include "driver/raw_registry.h"

#include <zmq.h>

#include "driver/bench.h"

namespace bench {

RawRegistry::RawRegistry(void* context) : socket_(zmq_socket(context, ZMQ_ROUTER)) {
  int linger = 0;
  zmq_setsockopt(socket_, ZMQ_LINGER, &linger, sizeof linger);
  if (zmq_bind(socket_, "tcp://127.0.0.1:*") != 0) {
    zmq_close(socket_);
    throw Failure(std::string("raw registry: cannot bind: ") + zmq_strerror(zmq_errno()));
  }
  char endpoint[256];
  size_t size = sizeof endpoint;
  zmq_getsockopt(socket_, ZMQ_LAST_ENDPOINT, endpoint, &size);
  endpoint_ = endpoint;
  thread_ = std::thread([this] { Serve(); });
}

RawRegistry::~RawRegistry() {
  stop_ = true;
  thread_.join();
  zmq_close(socket_);
}

void RawRegistry::Serve() {
  zmq_msg_t part;
  zmq_msg_init(&part);
  zmq_pollitem_t item = {socket_, 0, ZMQ_POLLIN, 0};
  while (!stop_) {
    if (zmq_poll(&item, 1, 100) <= 0) continue;
    // [routing id, name, address]: answer to the routing id, count the rest.
    if (zmq_msg_recv(&part, socket_, ZMQ_DONTWAIT) < 0) continue;
    zmq_msg_t id;
    zmq_msg_init(&id);
    zmq_msg_move(&id, &part);
    int more = 1;
    size_t more_size = sizeof more;
    size_t parts = 1;
    while (zmq_getsockopt(socket_, ZMQ_RCVMORE, &more, &more_size) == 0 && more &&
           zmq_msg_recv(&part, socket_, 0) >= 0)
      ++parts;
    if (parts == 3 && zmq_msg_send(&id, socket_, ZMQ_SNDMORE) >= 0 && zmq_send(socket_, "ok", 2, 0) >= 0)
      count_.fetch_add(1, std::memory_order_acq_rel);
    zmq_msg_close(&id);
  }
  zmq_msg_close(&part);
}

}  // namespace bench
