// Metrics: what the name server counts of its own work, and the text that
// shows it, with what the processes last reported (NSReport), in
// Prometheus's text exposition format, version 0.0.4 (NSGetMetrics;
// docs/protocol.md, "Metrics").
//
// The text is made in the name server's loop thread, which owns the
// registry and the counters: anything else (the HTTP server's /metrics)
// asks for it with NSGetMetrics like any client, and touches nothing here.
#ifndef CM_NAMESERVER_METRICS_H
#define CM_NAMESERVER_METRICS_H

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "registry.h"

namespace cm {

// How many requests of each type were served, and how long each took, from
// its frame's decoding to its reply handed to ZeroMQ: a histogram with
// fixed buckets (seconds, upper bounds; the last, +Inf, is implied).
class RequestMetrics {
 public:
  static constexpr std::array<double, 12> kBucketSeconds = {1e-5,   2.5e-5, 5e-5,   1e-4, 2.5e-4, 5e-4,
                                                            1e-3,   2.5e-3, 5e-3,   1e-2, 1e-1,   1.0};
  // A request type not in the table is counted as this one: a client must
  // not be able to make one series per made-up type.
  static constexpr char kOtherType[] = "other";

  struct PerType {
    std::array<int64_t, kBucketSeconds.size() + 1> buckets{};  // not cumulative; the last is +Inf
    int64_t count = 0;
    double sum_seconds = 0;
  };

  // Makes `type` appear (with zeros) before it is first served.
  void Declare(const std::string& type) { by_type_[type]; }
  void Observe(std::string_view type, std::chrono::nanoseconds took);
  const std::map<std::string, PerType, std::less<>>& by_type() const { return by_type_; }

 private:
  std::map<std::string, PerType, std::less<>> by_type_;
};

// The name server's own counters that the text shows.
struct ServerCounts {
  int64_t registered = 0;    // NSRegister that succeeded
  int64_t unregistered = 0;  // NSUnregister that succeeded
  int64_t cleaned = 0;       // names dropped because their process was gone
  int64_t malformed = 0;     // frames that did not decode
  int64_t connects = 0;      // NSConnect notifications taken
  int64_t reports = 0;       // NSReport notifications taken
  double uptime_seconds = 0;
};

// The whole exposition: the name server's metrics (cm_nameserver_*), then one
// set per reported process (cm_process_*, labels name and host), then the
// pairs (cm_connect_messages_total, labels from and to).  `now` gives the
// reports their age.
std::string RenderMetrics(const ServerCounts& counts, const RequestMetrics& requests, const Registry& registry,
                          std::chrono::steady_clock::time_point now);

// A label value as the format writes it between quotes: backslash, double
// quote and newline escaped.  Bytes that are not UTF-8 (a name may hold any
// byte but blanks and control characters) are written as the four
// characters \xNN, so that the text stays valid UTF-8 and the byte is seen.
std::string EscapeLabelValue(std::string_view value);

}  // namespace cm

#endif
