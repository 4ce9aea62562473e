// The client of the round trip as a legacy program makes it (issue 21, item
// 19; cm_bench section 1): send a request, then wait with the time left of
// a per-request deadline until the reply came, against cm_bench_legacy_echo
// (which loops on CmMessageWaitWithTimeout(1.0) and replies with two items)
// or cm_bench_raw_peer zmq-legacy-echo (the same shape in raw libzmq).  Used
// by the driver and by cm_bench_sender (counted under callgrind).
#ifndef CM_BENCH_HARNESS_LEGACY_CLIENT_H
#define CM_BENCH_HARNESS_LEGACY_CLIENT_H

#include <zmq.h>

#include <cerrno>
#include <string>

#include <CmMessage.h>

#include "harness/stats.h"

namespace bench {

constexpr double kLegacyDeadlineS = 1.0;  // per request
constexpr size_t kLegacyReplyExtra = 4;   // the raw reply: the bytes, then an int

inline bool g_legacy_replied = false;

inline CmMessageStatus OnLegacyReply(CmMessage message, char*, char*) {
  int size = 0;
  (void)CmMessageGetBytes(message, &size);
  (void)CmMessageGetInt(message);
  g_legacy_replied = true;
  return CmMessageBreak;
}

inline void InstallLegacyReplyHandler() { CmMessageInstallHandler(OnLegacyReply, const_cast<char*>("Reply")); }

inline double SecondsLeft(Clock::time_point deadline) {
  return std::chrono::duration<double>(deadline - Clock::now()).count();
}

// `request`: a "Request" holding the bytes.  False if the send failed or no
// reply came within the deadline.
inline bool LegacyCmRoundTrip(CmMessage request, const char* to) {
  Clock::time_point deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(kLegacyDeadlineS));
  g_legacy_replied = false;
  if (!CmMessageSend(request, const_cast<char*>(to))) return false;
  while (!g_legacy_replied) {
    double left = SecondsLeft(deadline);
    if (left <= 0) return false;
    CmMessageWaitWithTimeout(left);
  }
  return true;
}

// The same with a DEALER: each receive is given the time left (ZMQ_RCVTIMEO,
// whole milliseconds rounded up).  `reply` must hold the request's size plus
// kLegacyReplyExtra.
inline bool LegacyZmqRoundTrip(void* dealer, const std::string& request, std::string* reply) {
  Clock::time_point deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(kLegacyDeadlineS));
  if (zmq_send(dealer, request.data(), request.size(), 0) < 0) return false;
  for (;;) {
    double left = SecondsLeft(deadline);
    if (left <= 0) return false;
    int ms = static_cast<int>(left * 1000 + 0.999);
    zmq_setsockopt(dealer, ZMQ_RCVTIMEO, &ms, sizeof ms);
    int n = zmq_recv(dealer, reply->data(), reply->size(), 0);
    if (n >= 0) return n == static_cast<int>(request.size() + kLegacyReplyExtra);
    if (zmq_errno() != EAGAIN) return false;
  }
}

}  // namespace bench

#endif
