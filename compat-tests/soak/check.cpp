#include "check.h"

#include <algorithm>
#include <cstdio>
#include <set>

namespace soak {
namespace {

constexpr size_t kMaxListed = 40;  // failures spelled out; the rest are counted
constexpr long long kNoticeMs = 500;  // a send in the instant after a death is still accepted

void Fail(Verdict* v, const std::string& text) {
  if (v->failures.size() < kMaxListed) v->failures.push_back(text);
  else if (v->failures.size() == kMaxListed) v->failures.push_back("... (more not listed)");
}

std::string Who(const Incarnation& i) {
  return i.name + "#" + std::to_string(i.gen) + " (pid " + std::to_string(i.pid) + ")";
}

std::string At(const Run& run, long long t) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f s", (t - run.t0) / 1000.0);
  return text;
}

// (c): an incarnation of `to` was alive when the message left at `sent`, was
// killed, and the sender `s` was killed before its report on it was due:
// it logged nothing from kReportDueMs after that death on, or was killed
// less than kLoopMs after the first line it logged that late (one pass of
// its loop, which waits, and so runs the link check that reports).
// Returns how long after that death the sender was killed, or -1.
long long ReceiverDiedUnreported(const Run& run, const Incarnation& s, const std::string& to, long long sent) {
  constexpr long long kLoopMs = 200;
  auto it = run.by_name.find(to);
  if (it == run.by_name.end()) return -1;
  for (size_t idx : it->second) {
    const Incarnation& r = run.incarnations[idx];
    if (r.killed < 0 || sent < r.started || sent > r.killed + kNoticeMs || s.killed < r.killed) continue;
    auto due = std::lower_bound(s.active.begin(), s.active.end(), r.killed + kReportDueMs);
    if (due == s.active.end() || s.killed < *due + kLoopMs) return s.killed - r.killed;
  }
  return -1;
}

// S's stream to `to`: sends[i] carries seq i + 1.
void CheckStream(const Run& run, const Incarnation& s, const std::string& to, const std::vector<Send>& sends,
                 Verdict* v) {
  const long k = static_cast<long>(sends.size());
  for (long i = 0; i < k; ++i)
    if (sends[i].seq != i + 1) {
      Fail(v, Who(s) + " -> " + to + ": its own log skips from " + std::to_string(i) + " to " +
                  std::to_string(sends[i].seq));
      return;
    }
  std::vector<int> handled(k + 2, 0);
  std::vector<char> reported(k + 2, 0);
  long last = 0, base = 0;
  static const std::vector<size_t> kNobody;
  auto names = run.by_name.find(to);
  for (size_t idx : names == run.by_name.end() ? kNobody : names->second) {
    const Incarnation& r = run.incarnations[idx];
    auto found = r.received.find({s.name, s.pid});
    const std::vector<long> none;
    const std::vector<long>& got = found == r.received.end() ? none : found->second;
    std::vector<const Warning*> warns;
    for (const Warning& w : s.warnings)
      if (w.to == r.name && !r.address.empty() && w.address == r.address) warns.push_back(&w);
    if (got.empty() && warns.empty()) continue;
    for (long seq : got) {
      // k + 1: handled, but the sender was killed between the send and its log line.
      if (seq < 1 || seq > k + (s.killed >= 0 ? 1 : 0)) {
        Fail(v, Who(r) + " handled " + std::to_string(seq) + " from " + Who(s) + ", which logged only " +
                    std::to_string(k) + " sends to it");
        continue;
      }
      if (seq <= last) {
        ++(handled[seq] > 0 ? v->duplicates : v->disorders);
        Fail(v, Who(r) + " handled " + std::to_string(seq) + " from " + Who(s) + " after " + std::to_string(last) +
                    (handled[seq] > 0 ? " (a duplicate)" : " (out of order)"));
      }
      last = std::max(last, seq);
      ++handled[seq];
    }
    if (!got.empty() && got.front() <= base)
      Fail(v, Who(r) + " handled " + std::to_string(got.front()) + " from " + Who(s) +
                  ", which the sender's reports put with an earlier incarnation");
    long sent_here = got.empty() ? 0 : got.back() - base;
    for (const Warning* w : warns) {
      sent_here = std::max(sent_here, w->last);
      if (base + w->last > k + 1)
        Fail(v, Who(s) + " reported " + std::to_string(w->first) + ".." + std::to_string(w->last) + " to " + Who(r) +
                    ": more than it sent");
      for (long a = base + w->first; a <= std::min(base + w->last, k); ++a) reported[a] = 1;
    }
    base += sent_here;
  }
  long tail = k + 1;  // first seq of the unhandled tail
  while (tail > 1 && handled[tail - 1] == 0) --tail;
  bool lost_tail = false;
  for (long a = 1; a <= k; ++a) {
    long long sent = sends[a - 1].t;
    if (handled[a] > 0) {
      if (reported[a]) ++v->reported_received;
    } else if (reported[a]) {
      ++v->reported;
    } else if (s.killed >= 0 && a >= tail && sent >= s.killed - kSenderTailMs) {
      ++v->sender_tail;
      v->sender_tail_max_ms = std::max(v->sender_tail_max_ms, s.killed - sent);
      lost_tail = true;
    } else if (long long after = s.killed >= 0 ? ReceiverDiedUnreported(run, s, to, sent) : -1; after >= 0) {
      ++v->report_not_due;
      v->report_not_due_max_ms = std::max(v->report_not_due_max_ms, after);
      if (v->notes.size() < kMaxListed)
        v->notes.push_back(Who(s) + " -> " + to + ": " + std::to_string(a) + " (sent at " + At(run, sent) +
                           "), not handled; the sender was killed " + std::to_string(after) +
                           " ms after the receiver, before reporting it");
    } else {
      ++v->unexplained;
      Fail(v, Who(s) + " -> " + to + ": " + std::to_string(a) + " (sent at " + At(run, sent) +
                  ") was reported delivered, was never handled, and no loss was reported for it");
    }
  }
  if (lost_tail) ++v->sender_tail_senders;
}

// Once the chaos stopped, every process could send to each of its targets again.
void CheckRecovered(const Run& run, Verdict* v) {
  for (const auto& [name, list] : run.by_name) {
    std::set<std::string> targets;
    for (size_t idx : list)
      for (const auto& [to, sends] : run.incarnations[idx].sends) targets.insert(to);
    const Incarnation& final = run.incarnations[list.back()];
    if (!final.ended) Fail(v, Who(final) + " did not close and exit cleanly when asked to stop");
    for (const std::string& to : targets) {
      auto it = final.sends.find(to);
      bool sent = it != final.sends.end() && !it->second.empty() && it->second.back().t > run.calm;
      if (!sent) Fail(v, Who(final) + " sent nothing to " + to + " after the chaos stopped");
    }
  }
}

}  // namespace

Verdict Check(const Run& run) {
  Verdict v;
  for (const std::string& f : run.failures) Fail(&v, "harness:" + f);
  std::set<std::pair<std::string, int>> senders;
  for (const Incarnation& s : run.incarnations) {
    senders.insert({s.name, s.pid});
    v.refused += s.refused;
    v.warnings += s.warnings.size();
    v.gaps += s.gaps;
    for (const Warning& w : s.warnings) {
      bool known = false;
      auto it = run.by_name.find(w.to);
      if (it != run.by_name.end())
        for (size_t idx : it->second) known = known || run.incarnations[idx].address == w.address;
      if (!known) Fail(&v, Who(s) + " reported a loss to " + w.to + " at " + w.address + ", where none of its incarnations registered");
    }
    for (const auto& [to, sends] : s.sends) {
      v.sent += sends.size();
      CheckStream(run, s, to, sends, &v);
    }
  }
  for (const Incarnation& r : run.incarnations)
    for (const auto& [from, seqs] : r.received) {
      v.received += seqs.size();
      if (!senders.count(from))
        Fail(&v, Who(r) + " handled messages from " + from.first + " pid " + std::to_string(from.second) +
                     ", which the harness never started");
    }
  if (run.calm < 0 || run.done < 0)
    Fail(&v, "the run did not finish (no CALM or DONE in harness.log)");
  else
    CheckRecovered(run, &v);
  return v;
}

void PrintSummary(const Run& run, const Verdict& v, std::ostream& out) {
  auto seconds = [&](long long from, long long to) { return std::to_string((to - from) / 1000) + " s"; };
  size_t names = run.by_name.size();
  out << "soak:" << run.begin << "\n";
  out << "  " << names << " processes, " << run.incarnations.size() << " incarnations; chaos for "
      << seconds(run.t0, run.calm) << ", " << seconds(run.t0, run.done) << " in all\n";
  out << "  kills: " << run.kills << " processes (SIGKILL, restarted under the same name), " << run.ns_kills
      << " of the name server (SIGKILL, restarted on its port)\n";
  out << "  messages: " << v.sent << " sends returned 1 (" << v.refused << " returned 0), " << v.received
      << " handled\n";
  out << "  not handled: " << v.reported << " reported as maybe lost by their sender (receiver killed; "
      << v.warnings << " report lines), " << v.sender_tail << " lost with a killed sender (" << v.sender_tail_senders
      << " streams, sent at most " << v.sender_tail_max_ms << " ms before the kill), " << v.report_not_due
      << " with a killed receiver and a sender killed before its report was due (at most "
      << v.report_not_due_max_ms << " ms after the receiver), " << v.unexplained
      << " unexplained\n";
  out << "  reported ranges held " << v.reported + v.reported_received << " messages, " << v.reported_received
      << " of which were in fact handled (the bound is an upper one)\n";
  out << "  duplicates: " << v.duplicates << ", out of order: " << v.disorders
      << ", seen missing by receivers (gaps in sequence numbers): " << v.gaps << "\n";
  for (const std::string& n : v.notes) out << "  note: " << n << "\n";
  for (const std::string& f : v.failures) out << "  FAIL " << f << "\n";
  out << (v.failures.empty() ? "soak: PASS" : "soak: FAIL") << "\n";
}

}  // namespace soak
