// Check: the soak test's verdict on a run.
//
// For every sender incarnation S and receiver name R, S's sends that
// returned 1 (seq 1..K) against what R's incarnations handled from S:
// - no message handled twice, and handled in strictly increasing order;
// - every message handled, except
//   (a) reported: inside a range S's library logged as "may be lost" for the
//       R incarnation it was sent to (that receiver died);
//   (b) lost with a SIGKILLed sender: the unhandled tail of S's stream to R,
//       sent at most kSenderTailMs before S was killed (accepted by ZeroMQ,
//       not yet written);
//   (c) unreported because the sender was SIGKILLed before its report was
//       due: sent while an R incarnation was alive, which was then killed,
//       and S killed before it had run for kReportDueMs after that death
//       (its report comes about 0.5 s after: link check, 300 ms of grace,
//       link check; S's own log lines tell that it was running).
// Anything else is a failure, as is a crash, a hang, or a process that could
// no longer send once the chaos stopped.
//
// The library's per-incarnation sequence numbers in a report are mapped to
// S's own numbers by walking R's incarnations in order: those S sent to
// took consecutive slices of its stream (a report's LAST is how many went
// to that incarnation).
#ifndef CM_SOAK_CHECK_H
#define CM_SOAK_CHECK_H

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "logs.h"

namespace soak {

constexpr long long kSenderTailMs = 1000;
constexpr long long kReportDueMs = 1000;

struct Verdict {
  uint64_t sent = 0, refused = 0, received = 0;
  uint64_t reported = 0;         // (a)
  uint64_t reported_received = 0;  // in a reported range, yet handled: how loose the bound was
  uint64_t sender_tail = 0;      // (b)
  long long sender_tail_max_ms = 0;
  uint64_t sender_tail_senders = 0;
  uint64_t report_not_due = 0;   // (c)
  long long report_not_due_max_ms = 0;  // sender killed this long after the receiver
  uint64_t warnings = 0, gaps = 0;
  uint64_t duplicates = 0, disorders = 0, unexplained = 0;
  std::vector<std::string> notes;  // the (c) cases, spelled out
  std::vector<std::string> failures;
};

Verdict Check(const Run& run);
void PrintSummary(const Run& run, const Verdict& verdict, std::ostream& out);

}  // namespace soak

#endif
