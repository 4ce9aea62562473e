// Session: what a process tells its name server without being asked
// (docs/protocol.md, "Reports"), so that the name server can show every
// process of the domain without asking 500 of them:
// - NSConnect: whom it sent how many messages, about once a second while it
//   sends.  Each carries the count since the last one (what every name
//   server adds up) and, appended, the total since the session started (what
//   a name server of 1.1 or later keeps instead): a name server that
//   restarted gets the totals again when the process registers again.
// - NSReport: its ProcessInfo (naming/process_info.h), when it changed.
//
// Both are notifications (seq 0): nobody waits for an answer, and a name
// server that does not know NSReport (before 1.1) drops it unanswered.

#include <unistd.h>

#include <chrono>

#include "naming/process_info.h"
#include "session/session.h"
#include "util/log.h"

namespace cm {
namespace {

// A report that changed goes out at most this often while the process is
// busy, at once when it falls quiet (at the next housekeeping tick).
constexpr std::chrono::seconds kReportEvery(5);
// An unchanged report is sent again this often: its age at the name server
// then says how long the process has not been waiting in CmMessageWait*
// (a process busy in its own code, or stuck, sends nothing).
constexpr std::chrono::seconds kReportRefresh(30);

bool SameCounts(const SessionStats& a, const SessionStats& b) {
  return a.sent == b.sent && a.received == b.received && a.send_failures == b.send_failures &&
         a.unhandled == b.unhandled && a.malformed == b.malformed && a.lost == b.lost && a.unacked == b.unacked;
}

}  // namespace

ProcessInfo Session::Describe() {
  ProcessInfo info;
  info.name = name_;
  info.pid = getpid();
  info.host = host_;
  info.address = address_text_;
  info.handlers = static_cast<int>(handlers_.size());
  info.received = static_cast<int64_t>(stats_.received);
  info.sent = static_cast<int64_t>(stats_.sent);
  info.send_failures = static_cast<int64_t>(stats_.send_failures);
  info.unhandled = static_cast<int64_t>(stats_.unhandled);
  info.malformed = static_cast<int64_t>(stats_.malformed);
  info.lost = static_cast<int64_t>(stats_.lost);
  info.version = CM_VERSION;
  info.queued = static_cast<int64_t>(QueueDepth());
  info.unacked = static_cast<int64_t>(stats_.unacked);
  info.handler_types = handlers_.Types();
  info.start_time = start_time_;
  return info;
}

// all: every peer sent to, with a count of 0 if none is new (after
// registering again: the name server may have restarted and forgotten).
void Session::ReportConnects(bool all) {
  if (!registered_) return;
  connects_unreported_ = false;
  for (auto& [name, peer] : peers_) {
    if (peer->unreported == 0 && !(all && peer->sent != 0 && !peer->foreign)) continue;
    Message note;
    note.SetType("NSConnect");
    note.PutText(name_.c_str());
    note.PutText(name.c_str());
    note.PutLong(static_cast<long>(peer->unreported));
    note.PutLong(static_cast<long>(peer->sent));  // since 1.1: the total, which replaces the count
    names_->Notify(note);
    peer->unreported = 0;
  }
}

bool Session::ReportOwed() const {
  return registered_ && (!SameCounts(stats_, reported_stats_) || handlers_.Types() != reported_types_);
}

void Session::SendReport(Clock::time_point now) {
  ProcessInfo info = Describe();
  Message note;
  note.SetType("NSReport");
  PutProcessInfo(info, &note);
  names_->Notify(note);
  reported_stats_ = stats_;
  reported_types_ = std::move(info.handler_types);
  last_report_ = now;
}

// At each housekeeping tick (about once a second while the process waits).
// New handler types go at the next tick whatever the traffic: a program
// installs its handlers right after registering, and its first report (at
// registration) had none.
void Session::ReportIfDue(Clock::time_point now) {
  if (!registered_) return;
  bool counts_changed = !SameCounts(stats_, reported_stats_);
  bool types_changed = handlers_.Types() != reported_types_;
  if (types_changed || (counts_changed && (quiet_interval_ || now - last_report_ >= kReportEvery)) ||
      now - last_report_ >= kReportRefresh)
    SendReport(now);
}

// How long an idle wait may sleep for the report's sake: until the next
// tick while one is owed, else until its refresh; -1: without limit.
int Session::ReportSleepMs() const {
  if (!registered_) return -1;
  auto now = Clock::now();
  return MsUntil(ReportOwed() ? next_report_ : last_report_ + kReportRefresh, now);
}

}  // namespace cm
