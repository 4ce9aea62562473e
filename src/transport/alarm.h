// Alarm: wakes a receive that sleeps without a time limit, at its deadline.
//
// Why: a ZeroMQ receive with a time-out (ZMQ_RCVTIMEO) sleeps in poll()
// with a time-out, and the kernel arms and cancels a high-resolution timer
// for every such sleep.  A round trip waits twice, each time with a
// deadline (the caller's, or the next link check).  What that cost, and
// what this alarm saved, in invocations of bench/BENCHMARKS.md section 1:
// docs/architecture.md, "Receiving".
//
// So the owner's receive sleeps without a time-out, and a thread of the
// Alarm's own sleeps until the deadline the owner published and then sends
// an empty message ("a tick") over inproc to the owner's socket, which
// wakes the receive.  Publishing a deadline is two atomic operations, no
// system call, as long as it is not earlier than the one the thread already
// sleeps towards (by more than 1 ms: a tick may come that late): a loop of
// waits with the same time-out wakes the thread once per deadline that
// actually passes, not once per wait.
//
// A tick may arrive late (after the wait it was meant for ended): the
// receiver recognises it (an empty frame from no connection, IsTick) and
// goes on.  The thread starts with the first Arm and blocks every signal,
// so a legacy program's alarm() still interrupts its own thread.
#ifndef CM_TRANSPORT_ALARM_H
#define CM_TRANSPORT_ALARM_H

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <zmq.hpp>

#include "util/status.h"

namespace cm {

class Alarm {
 public:
  using Clock = std::chrono::steady_clock;

  // `endpoint`: an inproc endpoint the receiving socket is bound to.  The
  // tick socket is made and connected here, in the caller's thread, so a
  // failure shows now (the caller then keeps receiving with time-outs)
  // rather than as a receive that never wakes.
  static Status Open(const std::string& endpoint, std::unique_ptr<Alarm>* out);
  ~Alarm();  // stops and joins the thread
  Alarm(const Alarm&) = delete;
  Alarm& operator=(const Alarm&) = delete;

  // The receive about to sleep must be woken at `deadline` (once; at most
  // 1 ms late).
  void Arm(Clock::time_point deadline);
  // It woke for something else first: no tick is owed any more (one may
  // still come, already on its way).
  void Disarm() { deadline_.store(kNone, std::memory_order_relaxed); }

  // A received frame is a tick: empty, and from no connection (inproc).
  static bool IsTick(zmq::message_t& frame) {
    return frame.size() == 0 && zmq_msg_get(frame.handle(), ZMQ_SRCFD) < 0;
  }

  uint64_t ticks_sent() const { return ticks_.load(std::memory_order_relaxed); }

 private:
  static constexpr int64_t kNone = INT64_MAX;
  static constexpr int64_t kSlack = std::chrono::duration_cast<Clock::duration>(std::chrono::milliseconds(1)).count();
  Alarm() = default;
  static int64_t Ticks(Clock::time_point t) { return t.time_since_epoch().count(); }
  void Loop();

  zmq::socket_t socket_;  // the thread's alone once it runs
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;  // under mutex_
  // What the owner asks for, and what the thread sleeps towards (kNone: it
  // sleeps until told).  The owner notifies only when it asks for an
  // earlier time than the thread's; both sides store, then load the
  // other's, sequentially consistent, so one of them always sees the other.
  std::atomic<int64_t> deadline_{kNone};
  std::atomic<int64_t> sleeping_until_{kNone};
  std::atomic<uint64_t> ticks_{0};
};

}  // namespace cm

#endif
