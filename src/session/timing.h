// Clock helpers shared by the session's files (session.h): cheap reads of
// the clock, milliseconds until a deadline, and a rate limit for warnings.
#ifndef CM_SESSION_TIMING_H
#define CM_SESSION_TIMING_H

#include <time.h>

#include <chrono>

namespace cm {

// steady_clock is CLOCK_MONOTONIC; the coarse variant counts from the same
// origin, up to one tick (1-4 ms) behind, for a fraction of the cost.
inline std::chrono::steady_clock::time_point CoarseNow() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return std::chrono::steady_clock::time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
}

inline int MsUntil(std::chrono::steady_clock::time_point t,
                   std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t - now).count();
  return us <= 0 ? 0 : static_cast<int>((us + 999) / 1000);  // round up: never return early
}

// Rate limit for warnings about traffic we drop (a flood must not become a
// log flood): at most one line per second per kind.
inline bool Every(std::chrono::steady_clock::time_point* last) {
  auto now = std::chrono::steady_clock::now();
  if (now - *last < std::chrono::seconds(1)) return false;
  *last = now;
  return true;
}

}  // namespace cm

#endif
