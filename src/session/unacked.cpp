#include "session/unacked.h"

#include <algorithm>

#include "util/log.h"

namespace cm {
namespace {

// Acknowledgements go out at least every 100 ms (the receiver's link check)
// and are on our side within a millisecond on one host: 300 ms is ample.
constexpr auto kGrace = std::chrono::milliseconds(300);
// A queue that never empties (an overloaded process) must not hold a
// report back forever: it is made with what was read by then.
constexpr auto kGraceMax = std::chrono::seconds(3);

}  // namespace

void UnackedLedger::Add(const std::string& name, const std::string& address, uint64_t acked, uint64_t last,
                        Clock::time_point now) {
  if (last <= acked) return;
  suspects_.push_back(Suspect{name, address, acked, last, now + kGrace});
}

void UnackedLedger::Acknowledged(std::string_view address, uint64_t seq) {
  for (Suspect& s : suspects_)
    if (s.address == address) s.acked = std::max(s.acked, std::min(seq, s.last));
}

uint64_t UnackedLedger::ReportDue(Clock::time_point now, Clock::time_point drained) {
  uint64_t count = 0;
  size_t kept = 0;
  for (size_t i = 0; i < suspects_.size(); ++i) {
    const Suspect& s = suspects_[i];
    if (s.due <= drained || s.due + kGraceMax <= now)
      count += Report(s);
    else if (kept++ != i)
      suspects_[kept - 1] = std::move(suspects_[i]);
  }
  suspects_.resize(kept);
  return count;
}

uint64_t UnackedLedger::ReportAll() {
  uint64_t count = 0;
  for (const Suspect& s : suspects_) count += Report(s);
  suspects_.clear();
  return count;
}

// The line's format is stable: the soak test (compat-tests/soak) parses it.
uint64_t UnackedLedger::Report(const Suspect& s) {
  if (s.last <= s.acked) return 0;  // everything was acknowledged in time
  CM_WARN("messages %llu..%llu to '%s' (%s) may be lost: the link to it went down before it acknowledged them",
          static_cast<unsigned long long>(s.acked + 1), static_cast<unsigned long long>(s.last), s.name.c_str(),
          s.address.c_str());
  return s.last - s.acked;
}

}  // namespace cm
