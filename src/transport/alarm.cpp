#include "transport/alarm.h"

#include <pthread.h>
#include <signal.h>

#include "transport/context.h"

namespace cm {

Status Alarm::Open(const std::string& endpoint, std::unique_ptr<Alarm>* out) {
  std::unique_ptr<Alarm> alarm(new Alarm());
  try {
    alarm->socket_ = zmq::socket_t(ZmqContext(), zmq::socket_type::dealer);
    alarm->socket_.set(zmq::sockopt::linger, 0);
    alarm->socket_.connect(endpoint);
  } catch (const zmq::error_t& e) {
    return Status::Unavailable("cannot connect the receive alarm to " + endpoint + ": " + e.what());
  }
  *out = std::move(alarm);
  return Status::Ok();
}

Alarm::~Alarm() {
  if (thread_.joinable()) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }
}

void Alarm::Arm(Clock::time_point deadline) {
  int64_t at = Ticks(deadline);
  deadline_.store(at);  // seq_cst: see sleeping_until_
  if (!thread_.joinable()) {
    // Signals stay with the program's thread (see the header).
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    thread_ = std::thread(&Alarm::Loop, this);
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return;  // it reads deadline_ before it first sleeps
  }
  // Waits time out in whole milliseconds, so a deadline that moves earlier
  // by less than one (the next link check, rounded up from each wait's
  // start) is not worth waking the thread for: it ticks at most 1 ms late.
  if (at + kSlack < sleeping_until_.load()) {
    std::lock_guard<std::mutex> lock(mutex_);
    wake_.notify_one();
  }
}

void Alarm::Loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    int64_t at = deadline_.load();
    if (at == kNone) {
      sleeping_until_.store(kNone);
      // The owner may have armed between the load above and the store:
      // look again before sleeping without a limit.
      if (deadline_.load() != kNone) continue;
      wake_.wait(lock);
      continue;
    }
    sleeping_until_.store(at);
    if (deadline_.load() != at) continue;  // asked for another time meanwhile
    if (Clock::now().time_since_epoch().count() < at) {
      wake_.wait_until(lock, Clock::time_point(Clock::duration(at)));
      continue;
    }
    // Due: one tick per deadline, unless the owner moved it meanwhile.
    if (!deadline_.compare_exchange_strong(at, kNone)) continue;
    zmq::message_t tick;
    if (socket_.send(tick, zmq::send_flags::dontwait)) ticks_.fetch_add(1, std::memory_order_relaxed);
  }
  socket_.close();
}

}  // namespace cm
