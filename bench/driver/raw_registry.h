// The raw libzmq baseline of a name server (section 4): a ROUTER in a thread
// of the driver that answers every registration (`cm_bench_raw_peer
// zmq-register`) at once and counts the names it has seen.  It keeps no
// addresses and answers no lookups: it is the least a registry can do, so
// that what 500 plain libzmq processes take to register shows how much of
// the name server's figures is the machine's.
#ifndef CM_BENCH_DRIVER_RAW_REGISTRY_H
#define CM_BENCH_DRIVER_RAW_REGISTRY_H

#include <atomic>
#include <cstddef>
#include <string>
#include <thread>

namespace bench {

class RawRegistry {
 public:
  explicit RawRegistry(void* context);  // binds 127.0.0.1 on an ephemeral port; throws Failure
  ~RawRegistry();                       // stops the thread
  RawRegistry(const RawRegistry&) = delete;
  RawRegistry& operator=(const RawRegistry&) = delete;

  const std::string& endpoint() const { return endpoint_; }
  // Registrations answered since the last Reset().
  size_t count() const { return count_.load(std::memory_order_acquire); }
  void Reset() { count_.store(0, std::memory_order_release); }

 private:
  void Serve();

  void* socket_;
  std::string endpoint_;
  std::atomic<size_t> count_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace bench

#endif
