// The raw libzmq side of the baselines: sockets set up as the library sets
// up its own where that matters for a fair comparison.
#ifndef CM_BENCH_HARNESS_RAW_ZMQ_H
#define CM_BENCH_HARNESS_RAW_ZMQ_H

#include <zmq.h>

#include <string>

namespace bench {

// Messages queued per connection before a sender is held back: the
// library's value (src/transport/tuning.h), so that both queue alike.
constexpr int kLibraryHighWaterMark = 10000;

// A PUSH connected to `endpoint`, or nullptr.
inline void* ConnectPush(void* context, const std::string& endpoint) {
  void* push = zmq_socket(context, ZMQ_PUSH);
  int linger = 0;
  zmq_setsockopt(push, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt(push, ZMQ_SNDHWM, &kLibraryHighWaterMark, sizeof kLibraryHighWaterMark);
  if (zmq_connect(push, endpoint.c_str()) != 0) {
    zmq_close(push);
    return nullptr;
  }
  return push;
}

}  // namespace bench

#endif
