// UnackedLedger: messages sent to a peer incarnation that went away before
// acknowledging them (docs/api.md, "Delivery").
//
// A receiver acknowledges, every so often, the last sequence number it
// dispatched from each sender (cm:ack, docs/protocol.md).  When the link to
// a peer incarnation goes down with messages sent and not acknowledged, they
// may have died with it.  They are not reported at once: acknowledgements
// the peer sent before it went may still be on their way, or waiting in our
// own queue behind other messages.  So the range is noted here, narrowed by
// the acknowledgements that still come in, and reported (one log line,
// counted in cm:info "unacked") once they had time to arrive and be read.
//
// The range is an upper bound: a message the peer dispatched after its last
// acknowledgement is in it too.
#ifndef CM_SESSION_UNACKED_H
#define CM_SESSION_UNACKED_H

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cm {

class UnackedLedger {
 public:
  using Clock = std::chrono::steady_clock;

  // Messages acked+1..last to `name` at `address` (tcp://h:p#incarnation)
  // were not acknowledged when its link went down at `now`.
  void Add(const std::string& name, const std::string& address, uint64_t acked, uint64_t last, Clock::time_point now);

  // `address` acknowledged everything up to `seq`.
  void Acknowledged(std::string_view address, uint64_t seq);

  // Logs the ranges whose grace period ended before `drained` (a moment our
  // queue was found empty, so every acknowledgement that had arrived was
  // read), or long ago; returns how many messages they hold.
  uint64_t ReportDue(Clock::time_point now, Clock::time_point drained);
  // Logs every range now (closing: no acknowledgement will be read any more).
  uint64_t ReportAll();

  bool empty() const { return suspects_.empty(); }

 private:
  struct Suspect {
    std::string name, address;
    uint64_t acked, last;
    Clock::time_point due;
  };
  static uint64_t Report(const Suspect& s);

  std::vector<Suspect> suspects_;
};

}  // namespace cm

#endif
