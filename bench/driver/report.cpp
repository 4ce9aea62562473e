// The Markdown report: every figure, its ratio to the raw baseline measured
// in the same run, and the targets with pass / miss.
#include <sched.h>
#include <sys/utsname.h>
#include <zmq.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <string>

#include "driver/results.h"

#ifndef CM_BENCH_BUILD_TYPE
#define CM_BENCH_BUILD_TYPE "unknown"
#endif

namespace bench {
namespace {

std::string Format(const char* format, double value) {
  char text[64];
  std::snprintf(text, sizeof text, format, value);
  return text;
}

// 1234567 -> "1,234,567"
std::string Thousands(double value) {
  std::string digits = Format("%.0f", value);
  std::string out;
  int n = static_cast<int>(digits.size());
  for (int i = 0; i < n; ++i) {
    out += digits[i];
    if ((n - i - 1) % 3 == 0 && i != n - 1 && digits[i] != '-') out += ',';
  }
  return out;
}

std::string Us(double us) { return us >= 1000 ? Format("%.2f ms", us / 1000) : Format("%.1f µs", us); }
std::string Ratio(double a, double b) { return b > 0 ? Format("%.2f×", a / b) : "n/a"; }
std::string MiB(long kb) { return Format("%.1f MiB", kb / 1024.0); }

// A plain libzmq registration time; -1 is a timeout.
std::string RawSeconds(double s, size_t failed, size_t processes) {
  if (s < 0) return "not all answered within the time limit";
  std::string text = Format("%.3f s", s);
  if (failed > 0) text += " (" + std::to_string(failed) + " of " + std::to_string(processes) + " failed)";
  return text;
}
std::string Verdict(bool pass) { return pass ? "pass" : "**miss**"; }

// "; runs 0.97-1.03×" of each run's ratio, and " (4 of 5 runs within)" 1.05×.
std::string RunSpread(const std::vector<double>& ratios) {
  if (ratios.empty()) return "";
  auto [lo, hi] = std::minmax_element(ratios.begin(), ratios.end());
  return "; runs " + Format("%.2f", *lo) + "-" + Format("%.2f×", *hi);
}
std::string RunsWithin(const std::vector<double>& ratios) {
  if (ratios.empty()) return "";
  size_t within = static_cast<size_t>(std::count_if(ratios.begin(), ratios.end(), [](double x) { return x <= 1.05; }));
  return " (" + std::to_string(within) + " of " + std::to_string(ratios.size()) + " runs within)";
}

std::string Runs(const Rate& rate) {
  std::string out;
  for (double r : rate.runs) out += (out.empty() ? "" : ", ") + Thousands(r);
  return out;
}

// Each run's rate over the same run's rate of `base`.
std::string RunRatios(const Rate& rate, const Rate& base) {
  std::string out;
  for (size_t i = 0; i < rate.runs.size() && i < base.runs.size(); ++i)
    out += (i == 0 ? "" : ", ") + Ratio(rate.runs[i], base.runs[i]);
  return out;
}

// A line of a table.
std::string Row(std::initializer_list<std::string> cells) {
  std::string out = "|";
  for (const std::string& c : cells) out += " " + c + " |";
  return out + "\n";
}

void Failed(std::ostream& out, const std::string& error) {
  out << "**This section failed:** " << error << "\n\n";
}

void Targets(const Results& r, std::ostream& out) {
  out << "## Targets\n\n" << Row({"target", "measured", "result"}) << Row({"---", "---", "---"});
  const RoundTripResults& rt = r.round_trip;
  if (rt.error.empty())
  {
    // The runs' own ratios spread wider than the target's margin on this
    // machine: the verdict says how many of them were within it.
    std::string measured = Ratio(rt.cm.median_us, rt.zmq.median_us) + " (" + Us(rt.cm.median_us) + " vs " +
                           Us(rt.zmq.median_us) + ")";
    measured += RunSpread(rt.run_ratios);
    std::string verdict = Verdict(rt.cm.median_us <= 1.05 * rt.zmq.median_us) + RunsWithin(rt.run_ratios);
    out << Row({"round trip within 1.05× raw libzmq (medians)", measured, verdict});
    out << Row({"round trip as a legacy program makes it (section 1) within 1.05× raw libzmq of the same shape, back to back",
                Ratio(rt.cm_legacy.median_us, rt.zmq_legacy.median_us) + " (" + Us(rt.cm_legacy.median_us) + " vs " +
                    Us(rt.zmq_legacy.median_us) + ")" + RunSpread(rt.legacy_run_ratios),
                Verdict(rt.cm_legacy.median_us <= 1.05 * rt.zmq_legacy.median_us) + RunsWithin(rt.legacy_run_ratios)});
    out << Row({"… the same, after a pause of " + Format("%.0f ms", rt.pause_us / 1000.0),
                Ratio(rt.cm_legacy_paused.median_us, rt.zmq_legacy_paused.median_us) + " (" +
                    Us(rt.cm_legacy_paused.median_us) + " vs " + Us(rt.zmq_legacy_paused.median_us) + ")",
                Verdict(rt.cm_legacy_paused.median_us <= 1.05 * rt.zmq_legacy_paused.median_us)});
  }
  else
    out << Row({"round trips within 1.05× raw libzmq", "section failed", "**miss**"});
  const ThroughputResults& t = r.throughput;
  if (t.error.empty())
    out << Row({"small messages at least 0.9× raw libzmq (same bytes)",
                Ratio(t.cm.Median(), t.zmq_frame.Median()) + " (" + Thousands(t.cm.Median()) + " vs " +
                    Thousands(t.zmq_frame.Median()) + " msg/s)",
                Verdict(t.cm.Median() >= 0.9 * t.zmq_frame.Median())});
  else
    out << Row({"small messages at least 0.9× raw libzmq", "section failed", "**miss**"});
  const LargeResults& l = r.large;
  if (l.error.empty()) {
    out << Row({"8 MiB array, CmMessagePutArray, at least 0.8× raw libzmq bandwidth",
                Ratio(l.cm_copied.Median(), l.zmq.Median()) + " (" + Thousands(l.cm_copied.Median()) + " vs " +
                    Thousands(l.zmq.Median()) + " MB/s)",
                Verdict(l.cm_copied.Median() >= 0.8 * l.zmq.Median())});
    out << Row({"8 MiB array, CmMessagePutExternalArray, at least 0.8× raw libzmq bandwidth",
                Ratio(l.cm_external.Median(), l.zmq.Median()) + " (" + Thousands(l.cm_external.Median()) + " vs " +
                    Thousands(l.zmq.Median()) + " MB/s)",
                Verdict(l.cm_external.Median() >= 0.8 * l.zmq.Median())});
  } else {
    out << Row({"large arrays at least 0.8× raw libzmq bandwidth", "section failed", "**miss**"});
  }
  const NameServerResults& n = r.names;
  if (n.error.empty()) {
    out << Row({std::to_string(n.processes) + " processes registered in under 2 s",
                n.failed == 0 ? Format("%.2f s", n.registered_s)
                              : std::to_string(n.failed) + " of " + std::to_string(n.processes) +
                                    " failed to register; the rest took " + Format("%.2f s", n.registered_s),
                Verdict(n.failed == 0 && n.registered_s < 2.0)});
    out << Row({"… for scale: the same steps in plain libzmq (section 4)", RawSeconds(n.raw_registered_s, n.raw_failed, n.processes),
                "(no target)"});
    out << Row({"idle registered process under 10 MiB RSS (the largest of " + std::to_string(n.idle_measured) + ")",
                MiB(n.idle_rss_max_kb), Verdict(n.idle_rss_max_kb < 10 * 1024)});
  } else {
    out << Row({"processes registered in under 2 s; idle process under 10 MiB", "section failed", "**miss**"});
  }
  out << "\n";
}

// Section 1's deterministic figure: instructions per round trip under callgrind.
void RoundTripInstructionCounts(const RoundTripInstructions& r, std::ostream& out) {
  out << "### Instructions per round trip (callgrind)\n\n";
  if (!r.error.empty()) {
    out << "Instruction counts: " << r.error << ".\n\n";
    return;
  }
  std::string n = Thousands(static_cast<double>(r.round_trips));
  out << "The same round trips, one process at a time under `valgrind --tool=callgrind` while its peer runs "
         "natively, as in section 2: the client (`cm_bench_sender zmq-ping` or `cm-ping`) or the echo "
         "(`cm_bench_raw_peer zmq-echo-once`, `cm_bench_cm_peer echo-once`; for the legacy pattern `cm_bench_sender "
         "zmq-legacy-ping` or `legacy-ping` against `cm_bench_raw_peer zmq-legacy-echo` or `cm_bench_legacy_echo`), "
         "every thread of the process in one total, "
      << n << " round trips then " << Thousands(2.0 * static_cast<double>(r.round_trips))
      << ", the difference divided by " << n
      << ".  User space only.  The system calls differ little: counted by `strace -f -c` over 5,000 round trips "
         "(2026-11-25), each client made one `sendto` and one `recvfrom` per round trip, two `write`s and two "
         "`read`s of ZeroMQ's signalling descriptors, and 2 `epoll_wait` (raw libzmq) against 3 (libCm-zmq: a "
         "request and its reply travel on two connections, one each way, and under strace the sending one's "
         "writability came in a wake-up of its own), 4.5 against 5.4 `poll`, 8.5 against 9.5 `getpid`.  (" << Format("%.0f", r.seconds) << " s.)\n\n";
  out << Row({"", "client", "echo", "total", "libCm-zmq / raw libzmq, totals"}) << Row({"---", "---:", "---:", "---:", "---:"});
  out << Row({"raw libzmq DEALER/ROUTER", Thousands(r.zmq.sender), Thousands(r.zmq.receiver), Thousands(r.zmq.Total()),
              "1.00×"});
  out << Row({"libCm-zmq", Thousands(r.cm.sender), Thousands(r.cm.receiver), Thousands(r.cm.Total()),
              Ratio(r.cm.Total(), r.zmq.Total())});
  out << Row({"raw libzmq, the legacy pattern", Thousands(r.zmq_legacy.sender), Thousands(r.zmq_legacy.receiver),
              Thousands(r.zmq_legacy.Total()), "1.00×"});
  out << Row({"libCm-zmq, the legacy pattern", Thousands(r.cm_legacy.sender), Thousands(r.cm_legacy.receiver),
              Thousands(r.cm_legacy.Total()), Ratio(r.cm_legacy.Total(), r.zmq_legacy.Total()) + " (of the line above)"});
  out << "\n";
}

void RoundTrip(const Results& all, std::ostream& out) {
  const RoundTripResults& r = all.round_trip;
  out << "## 1. Round trip, 64-byte payload\n\n";
  if (!r.error.empty()) return Failed(out, r.error);
  out << "The driver sends 64 bytes and waits for them to come back from a peer process, "
      << Thousands(static_cast<double>(r.cm.samples)) << " times per transport after " << all.options.warmup
      << " warm-up round trips: " << r.run_ratios.size() << " runs, each interleaved in 100 blocks (each transport going first in turn), so that the machine's load, which changes within a second here, hits every transport alike; the table pools the runs.  Raw TCP: `write`/`read` with TCP_NODELAY on both "
         "ends.  Raw libzmq: a DEALER against a ROUTER that sends each message back.  libCm-zmq: "
         "`CmMessageSend` of a `Ping` holding `CmMessagePutBytes(64)`, the peer's handler sends a `Pong` with "
         "the same bytes back to the sender, the driver's `CmMessageWaitWithTimeout` returns when its `Pong` "
         "handler breaks.\n\n";
  out << Row({"transport", "median", "p99", "median / raw libzmq", "p99 / raw libzmq"})
      << Row({"---", "---:", "---:", "---:", "---:"});
  auto line = [&](const char* name, const Latency& l) {
    out << Row({name, Us(l.median_us), Us(l.p99_us), Ratio(l.median_us, r.zmq.median_us),
                Ratio(l.p99_us, r.zmq.p99_us)});
  };
  line("raw TCP", r.tcp);
  line("raw libzmq DEALER/ROUTER", r.zmq);
  line("libCm-zmq (C API)", r.cm);
  out << "\n";
  auto list = [](const std::vector<double>& ratios) {
    std::string text;
    for (double x : ratios) text += (text.empty() ? "" : ", ") + Format("%.2f×", x);
    return text;
  };
  out << "Each run's median, libCm-zmq / raw libzmq: " << list(r.run_ratios) << ".\n\n";
  out << "What two structural choices cost in raw libzmq, measured next, the same way but with "
         "only these three interleaved: raw libzmq over one connection (the DEALER/ROUTER above) "
      << Us(r.zmq_one.median_us) << "; over two connections, one each way, as the library's requests and replies "
         "travel from each process's dialer to the other's listener (a PUSH to the peer's PULL, which sends each "
         "message back through a PUSH of its own to the driver's PULL) "
      << Us(r.zmq_two.median_us) << " (" << Ratio(r.zmq_two.median_us, r.zmq_one.median_us)
      << "; each run: " << list(r.two_run_ratios)
      << "); and over two connections with every receive given a time-out of 100 ms (`ZMQ_RCVTIMEO`), as the "
         "library's wait loop gave its receives one until 2026-12-04 (up to its next link check or the caller's "
         "deadline; now its alarm thread wakes it instead: below), "
      << Us(r.zmq_two_timed.median_us) << " (" << Ratio(r.zmq_two_timed.median_us, r.zmq_one.median_us)
      << "; each run: " << list(r.timed_run_ratios) << "; medians, / one connection).\n\n";
  if (r.segments_cm >= 0)
    out << "TCP segments the machine sent per round trip, each way alone over "
        << Thousands(static_cast<double>(r.segment_round_trips))
        << " round trips (`OutSegs` of `/proc/net/snmp`: the whole machine's, so anything else running adds to "
           "it): raw libzmq over one connection "
        << Format("%.2f", r.segments_zmq) << ", over two " << Format("%.2f", r.segments_zmq_two) << ", libCm-zmq "
        << Format("%.2f", r.segments_cm)
        << ".  Over one connection each segment carries the data one way and the acknowledgement of the other; "
           "a connection that carries data one way only makes the kernel send bare acknowledgements, one per "
           "small segment or per two (3.0 to 4.0 segments per round trip from one run to the next).  They are "
           "not what the two connections cost in time: with the receiving connections kept in delayed-ACK mode "
           "(`TCP_QUICKACK` set to 0 at most every 10 ms per peer, on the descriptor `ZMQ_SRCFD` gives; a "
           "throwaway build, 2026-12-04), the library sent 3.0 segments per round trip instead of 4.0, and its "
           "round trip was 0.96-1.03× raw libzmq (median 1.02×) in 5 invocations of this section, against "
           "0.94-1.01× (median 0.97×) in 5 without, alternated.\n\n";
  if (r.pause_round_trips > 0)
    out << "After a pause (not a target): a control program sends a command now and then, not "
        << Thousands(static_cast<double>(r.cm.samples))
        << " back to back.  Each round trip after a sleep of " << Format("%.0f ms", r.pause_us / 1000.0)
        << ", raw libzmq and libCm-zmq taking turns, " << Thousands(static_cast<double>(r.pause_round_trips))
        << " each: raw libzmq " << Us(r.zmq_paused.median_us) << " (p99 " << Us(r.zmq_paused.p99_us)
        << "), libCm-zmq " << Us(r.cm_paused.median_us) << " (p99 " << Us(r.cm_paused.p99_us) << "), "
        << Ratio(r.cm_paused.median_us, r.zmq_paused.median_us)
        << " (medians).  Both are slower than back to back, where no thread of either process goes idle for "
           "long.\n\n";
  out << "The round trip as a legacy program makes it (issue 21): the echo is a C program looping on "
         "`CmMessageWaitWithTimeout(1.0)` whose handler answers a `Request` (64 bytes) with a `Reply` of two items, "
         "the bytes and an int, built with `CmMessageNew` and freed after `CmMessageSend` (`cm_bench_legacy_echo`); "
         "the client sends the request, then calls `CmMessageWaitWithTimeout` with the time left of a 1 s deadline "
         "until its `Reply` handler broke (`bench/harness/legacy_client.h`).  Raw libzmq the same shape: a ROUTER "
         "whose receives are given 1 s (`ZMQ_RCVTIMEO`, tried again when it passes) and which answers with the "
         "bytes followed by an int, and a DEALER whose receive is given the time left.  Back to back, interleaved "
         "as the table above ("
      << r.legacy_run_ratios.size() << " runs, " << Thousands(static_cast<double>(r.cm_legacy.samples))
      << " round trips each way): raw libzmq " << Us(r.zmq_legacy.median_us) << " (p99 " << Us(r.zmq_legacy.p99_us)
      << "), libCm-zmq " << Us(r.cm_legacy.median_us) << " (p99 " << Us(r.cm_legacy.p99_us) << "), "
      << Ratio(r.cm_legacy.median_us, r.zmq_legacy.median_us) << " (each run: " << list(r.legacy_run_ratios)
      << ").  After a sleep of " << Format("%.0f ms", r.pause_us / 1000.0) << ", taking turns as above, "
      << Thousands(static_cast<double>(r.cm_legacy_paused.samples)) << " each: raw libzmq "
      << Us(r.zmq_legacy_paused.median_us) << " (p99 " << Us(r.zmq_legacy_paused.p99_us) << "), libCm-zmq "
      << Us(r.cm_legacy_paused.median_us) << " (p99 " << Us(r.cm_legacy_paused.p99_us) << "), "
      << Ratio(r.cm_legacy_paused.median_us, r.zmq_legacy_paused.median_us) << " (medians).\n\n";
  if (r.split_round_trips > 0) {
    const RoundTripSplit* ways[] = {&r.zmq_split, &r.cm_split, &r.zmq_paused_split, &r.cm_paused_split};
    auto row = [&](const char* what, double RoundTripSplit::*field) {
      out << "| " << what;
      for (const RoundTripSplit* way : ways) out << " | " << Us(way->*field);
      out << " |\n";
    };
    out << "Where the time goes: the echoes put two time stamps in each reply (`cm_bench_raw_peer "
           "zmq-stamped-echo`, `cm_bench_cm_peer stamped-echo`: when the receive returned or the handler "
           "began, and when the send was called; one steady clock for all processes of the machine); the "
           "median of each stretch, back to back ("
        << Thousands(static_cast<double>(r.split_round_trips))
        << " round trips each, the two ways taking turns) and after a pause (the round trips above).  The "
           "library's own code runs in the driver's send call, at the end of the stretches that end in a "
           "handler (the receive, the decoding and the dispatch), in the echo's handler (reading the ping, "
           "building the reply) and at the start of the stretch after it (the echo's `CmMessageSend`).\n\n"
        << "| stretch | raw libzmq, back to back | libCm-zmq, back to back | raw libzmq, after "
        << Format("%.0f ms", r.pause_us / 1000.0) << " | libCm-zmq, after " << Format("%.0f ms", r.pause_us / 1000.0)
        << " |\n| --- | ---: | ---: | ---: | ---: |\n";
    row("the driver's send call (`zmq_send`, `CmMessageSend`)", &RoundTripSplit::send_us);
    row("its return → the echo's receive returned (raw) or its handler began", &RoundTripSplit::to_echo_us);
    row("the echo's handler, until it calls its send", &RoundTripSplit::echo_us);
    row("the echo's send call → the driver's receive returned (raw) or its handler began", &RoundTripSplit::back_us);
    row("the driver's handler → its wait returned", &RoundTripSplit::finish_us);
    row("the whole round trip (the median of the sums)", &RoundTripSplit::total_us);
    auto extra = [](const RoundTripSplit& cm, const RoundTripSplit& zmq) { return cm.total_us - zmq.total_us; };
    out << "\nThe library's round trip took " << Format("%+.1f µs", extra(r.cm_split, r.zmq_split))
        << " against raw libzmq back to back and " << Format("%+.1f µs", extra(r.cm_paused_split, r.zmq_paused_split))
        << " after a pause; what is known of why: docs/architecture.md, \"After a pause\".\n\n";
  }
  out << "CPU per round trip, the client's and the echo's processes together (user + system, every thread; "
      << Thousands(static_cast<double>(r.cpu_round_trips)) << " and " << Thousands(2.0 * static_cast<double>(r.cpu_round_trips))
      << " round trips run natively, one pair of processes at a time, the difference / "
      << Thousands(static_cast<double>(r.cpu_round_trips)) << "; the median of " << r.pair_rounds
      << " rounds, the two ways in turn): raw libzmq " << Us(r.cpu_zmq_us) << ", libCm-zmq "
      << Us(r.cpu_cm_us) << " (" << Format("%+.1f µs", r.cpu_cm_us - r.cpu_zmq_us) << ").\n\n";
  out << "The library's alarm (since 2026-12-04: a wait sleeps in a receive without a time-out, and a thread of "
         "the library's own wakes it at its deadline; docs/architecture.md, \"Receiving\"), one side of the round "
         "trip at a time, measured next the same way, with only these two interleaved ("
      << Thousands(static_cast<double>(r.alarm_round_trips))
      << " round trips each per run): the driver against the echo above " << Us(r.cm_alarm.median_us)
      << ", against an echo started with `CM_RECEIVE_ALARM=0` (its receives given a time-out, as before) "
      << Us(r.cm_echo_timed.median_us) << " (" << Ratio(r.cm_echo_timed.median_us, r.cm_alarm.median_us)
      << "; each run: " << list(r.alarm_run_ratios) << "; medians).\n\n";
  RoundTripInstructionCounts(r.instructions, out);
}

// Section 2's deterministic figure: instructions per message under callgrind.
void Instructions(const Results& all, std::ostream& out) {
  const InstructionResults& r = all.throughput.instructions;
  out << "### Instructions per message (callgrind)\n\n";
  if (!r.error.empty()) {
    out << "Instruction counts: " << r.error << ".\n\n";
    return;
  }
  std::string n = Thousands(static_cast<double>(r.messages));
  out << "The same two senders and receivers, one process at a time under `valgrind --tool=callgrind` ("
      << r.valgrind
      << ") while its peer runs natively (so the counted side is always the slower one: a sender under callgrind "
         "never finds its queue full, a receiver always does).  Callgrind counts the instructions a process "
         "executes in user space, every thread in one total (ZeroMQ's I/O thread too).  Each side runs "
      << n << " messages, then " << Thousands(2.0 * static_cast<double>(r.messages))
      << "; the figure is the difference divided by " << n
      << ", so start-up, registration and exit cancel.  Senders: `cm_bench_sender` (the captured frame through "
         "a PUSH, or `CmMessageSend` of messages built as above, then one read of the acknowledgements that came "
         "back); receivers: the sinks above, which exit after counting.  Unlike the wall-clock figures these "
         "counts do not depend on the machine's load or speed: run again, each comes out the same within about "
         "2%, the totals within 1%.  They leave out the kernel's work (system calls) and cache misses.  With all "
         "four threads of a run sharing 2 CPUs, the total of both sides is what bounds throughput.  (`cm_bench "
         "--instruction-messages N` sets N; the twelve runs took "
      << Format("%.0f", r.seconds) << " s.)\n\n";
  auto count = [](double v) { return Thousands(v); };
  out << Row({"sender → receiver", "sender", "receiver", "total", "raw libzmq / this, totals"})
      << Row({"---", "---:", "---:", "---:", "---:"});
  out << Row({"raw libzmq PUSH/PULL, the Cm frame", count(r.zmq_frame.sender), count(r.zmq_frame.receiver),
              count(r.zmq_frame.Total()), "1.00×"});
  out << Row({"libCm-zmq CmMessageSend → handler", count(r.cm.sender), count(r.cm.receiver), count(r.cm.Total()),
              Ratio(r.zmq_frame.Total(), r.cm.Total())});
  out << Row({"the same, `CM_COALESCE=0` (one ZeroMQ message each)", count(r.cm_alone.sender),
              count(r.cm_alone.receiver), count(r.cm_alone.Total()), Ratio(r.zmq_frame.Total(), r.cm_alone.Total())});
  out << "\nInstructions per message; libCm-zmq / raw libzmq: sender " << Ratio(r.cm.sender, r.zmq_frame.sender)
      << ", receiver " << Ratio(r.cm.receiver, r.zmq_frame.receiver) << ".\n\n";
}

void Throughput(const Results& all, std::ostream& out) {
  const ThroughputResults& r = all.throughput;
  out << "## 2. One-way throughput of small messages\n\n";
  if (!r.error.empty()) return Failed(out, r.error);
  out << "Each message is an int, a double and a 32-byte text.  libCm-zmq: the driver builds every message "
         "(`CmMessageReset`, `SetType`, `PutInt`, `PutDouble`, `PutText`) and `CmMessageSend`s it, back to back, "
         "so the library coalesces them (frames sent to one peer less than 50 µs apart travel together, up to "
         "4 KiB per ZeroMQ message: docs/api.md, \"Delivery\"); the peer's "
         "handler reads every item and checks it.  Raw libzmq, used plainly, sends each message as one ZeroMQ "
         "message: PUSH to a PULL peer that counts, with the "
         "library's high-water mark (10000), sending either the exact frame `CmMessageSend` puts on the wire "
         "(captured from the library in this run: "
      << r.cm_frame_bytes
      << " bytes; the library's frames are up to 4 bytes longer once the sequence number passes 65535) or "
         "the bare 44 bytes of the three values.  A run is "
      << Thousands(static_cast<double>(r.messages))
      << " messages; the clock stops when the receiver reports it counted them all.  Median of "
      << all.options.runs
      << " runs after a warm-up run.  CPU per message: user + system time of the sending process (the "
         "driver) and of the receiving one over a run, every thread counted (ZeroMQ's I/O thread too), "
         "divided by the messages; median of the runs, in clock ticks of 10 ms.\n\n";
  auto cpu = [](const CpuPerMessage& c) {
    return Format("%.2f", c.sender_us.Median()) + " / " + Format("%.2f", c.receiver_us.Median());
  };
  out << Row({"sender → receiver", "bytes per message", "messages/s", "runs", "vs raw libzmq, same bytes",
              "CPU per message, sender / receiver (µs)"})
      << Row({"---", "---:", "---:", "---", "---:", "---:"});
  out << Row({"raw libzmq PUSH/PULL, the Cm frame", std::to_string(r.cm_frame_bytes), Thousands(r.zmq_frame.Median()),
              Runs(r.zmq_frame), "1.00×", cpu(r.zmq_frame_cpu)});
  out << Row({"raw libzmq PUSH/PULL, bare values", std::to_string(r.raw_small_bytes), Thousands(r.zmq_small.Median()),
              Runs(r.zmq_small), Ratio(r.zmq_small.Median(), r.zmq_frame.Median()), cpu(r.zmq_small_cpu)});
  out << Row({"libCm-zmq CmMessageSend → handler", std::to_string(r.cm_frame_bytes) + " (frame)",
              Thousands(r.cm.Median()), Runs(r.cm), Ratio(r.cm.Median(), r.zmq_frame.Median()), cpu(r.cm_cpu)});
  out << Row({"libCm-zmq CmMessageSend → relay → handler", std::to_string(r.cm_frame_bytes) + " (frame)",
              Thousands(r.cm_relay.Median()), Runs(r.cm_relay), Ratio(r.cm_relay.Median(), r.zmq_frame.Median()),
              "relay " + Format("%.2f", r.relay_cpu_us.Median())});
  out << Row({"the same, the relay with `CM_COALESCE=0`", std::to_string(r.cm_frame_bytes) + " (frame)",
              Thousands(r.cm_relay_alone.Median()), Runs(r.cm_relay_alone),
              Ratio(r.cm_relay_alone.Median(), r.zmq_frame.Median()),
              "relay " + Format("%.2f", r.relay_alone_cpu_us.Median())});
  out << "\nThe relay is `cm_bench_cm_peer relay`: its handler `CmMessageSend`s each message it gets, as it came, "
         "to a sink like the one above.  It gets the driver's messages coalesced; since 2026-11-25 the frames of "
         "one ZeroMQ message need no receive, so its sends follow one another without a pause and it coalesces "
         "them in turn (docs/api.md, \"Delivery\").  With `CM_COALESCE=0` it sends each alone, as every relay "
         "did before: its CPU per message is the figure to compare.\n";
  out << "\nItems the receiver found wrong: " << r.sink_errors << "; failed sends: " << r.send_failures << ".\n\n";
  Instructions(all, out);
}

void Large(const Results& all, std::ostream& out) {
  const LargeResults& r = all.large;
  out << "## 3. Large data: an 8 MiB double array\n\n";
  if (!r.error.empty()) return Failed(out, r.error);
  out << "1,048,576 doubles (" << Thousands(static_cast<double>(r.array_bytes))
      << " bytes) per message, " << r.messages
      << " messages per run, each message built anew; the receiver gets the array (`CmMessageGetArray`, or the "
         "raw message) and checks its first and last element.  Raw libzmq: PUSH/PULL, `zmq_send` of the same "
         "bytes (one copy into the ZeroMQ message, as a plain ZeroMQ program does).  MB/s is 10^6 bytes of "
         "array data per second, from the first send until the receiver counted every array.  Median of "
      << all.options.runs << " runs after a warm-up run.\n\n";
  out << Row({"sender", "MB/s", "runs", "vs raw libzmq"}) << Row({"---", "---:", "---", "---:"});
  out << Row({"raw libzmq PUSH/PULL", Thousands(r.zmq.Median()), Runs(r.zmq), "1.00×"});
  out << Row({"libCm-zmq `CmMessagePutArray` (copied)", Thousands(r.cm_copied.Median()), Runs(r.cm_copied),
              Ratio(r.cm_copied.Median(), r.zmq.Median())});
  out << Row({"libCm-zmq `CmMessagePutExternalArray`", Thousands(r.cm_external.Median()),
              Runs(r.cm_external), Ratio(r.cm_external.Median(), r.zmq.Median())});
  // The machine's state changes from one run to the next (the runs above spread by a third), and the
  // three senders of one run follow each other within a second: the ratio within each run shows it.
  out << "\nEach run's libCm-zmq / raw libzmq of the same run: copied " << RunRatios(r.cm_copied, r.zmq)
      << "; external " << RunRatios(r.cm_external, r.zmq) << ".\n";
  out << "\nArrays the receiver found wrong: " << r.sink_errors << ".\n\n";
}

// The parts of a SpawnCpu row, and its value.
std::string SpawnCpuParts() {
  return "the processes (per process) / the name server / the driver / every CPU of the machine busy; the "
         "processes' threads runnable but waiting for a CPU";
}
std::string SpawnCpuText(const SpawnCpu& c, size_t processes) {
  if (!c.measured) return "(not measured)";
  return Format("%.2f", c.children_s) + " (" + Format("%.1f ms", 1e3 * c.children_s / static_cast<double>(processes)) +
         ") / " +
         Format("%.2f", c.name_server_s) + " / " + Format("%.2f", c.driver_s) + " / " + Format("%.2f", c.machine_s) +
         "; " + Format("%.2f", c.children_waiting_s);
}

void NameServer(const Results& all, std::ostream& out) {
  const NameServerResults& r = all.names;
  out << "## 4. Name server\n\n";
  if (!r.error.empty()) return Failed(out, r.error);
  std::string n = std::to_string(r.processes);
  out << "The driver starts " << n
      << " processes in a tight loop (`posix_spawn`); each calls `CmMessageOpenServer(\"bench_idle_<i>\")` "
         "and then waits in `CmMessageWait`.  \"Registered\" is when the name server holds all of them: a small "
         "client written from docs/protocol.md polls its count of names every 5 ms (`NSGetStatistics`, cheap) "
         "and confirms with the list (`NSGetNames`).  Lookups are "
         "`CmConnectGetReference` calls in a loop over names the driver never sent to; a cold first send is "
         "`CmMessageSend` to a name never looked up before (lookup + connect + hand-over), then the wait for "
         "that peer's reply (which includes the peer's own first connection back).  \"Plain libzmq, the same steps\" "
         "is `cm_bench_raw_peer zmq-register`: a ZeroMQ context, a ROUTER bound on an ephemeral port, a DEALER "
         "that sends its name and port to a ROUTER in the driver and waits for the answer, which that ROUTER "
         "gives at once (it keeps nothing): what any libzmq process of this machine pays to register, library "
         "and name server aside.  CPU per process: up to 100 processes run one after another, their user + "
         "system time (`getrusage` of the reaped children, every thread) divided by their number: "
         "`cm_bench_cm_peer exit`, `cm_bench_cm_peer register-exit` (`CmMessageOpenServer`, then `_exit`) and "
         "`cm_bench_raw_peer zmq-register-exit`.\n\n";
  out << Row({"figure", "value"}) << Row({"---", "---:"});
  if (r.failed > 0)
    out << Row({"processes whose `CmMessageOpenServer` failed (they exit)", "**" + std::to_string(r.failed) + " of " + n + "**"});
  out << Row({n + " processes: first spawn → all listed by the name server" + (r.failed ? " (all that registered)" : ""),
              Format("%.3f s", r.registered_s)});
  out << Row({"… of which the spawn loop", Format("%.3f s", r.spawn_s)});
  out << Row({"… connections dropped by a full listen queue meanwhile (kernel's ListenOverflows, whole machine)",
              std::to_string(r.overflows)});
  out << Row({"CPU per process (user + system), " + std::to_string(r.cpu_processes) +
                  " run one after another: start and exit / register through the library / the same steps in "
                  "plain libzmq",
              Format("%.1f", r.cpu_exit_ms) + " / " + Format("%.1f", r.cpu_cm_ms) + " / " +
                  Format("%.1f ms", r.cpu_raw_ms)});
  out << Row({"plain libzmq, the same steps: " + n + " processes, first spawn → all answered",
              RawSeconds(r.raw_registered_s, r.raw_failed, r.processes)});
  out << Row({"CPU-seconds from the first spawn until all were listed, through the library: " + SpawnCpuParts(),
              SpawnCpuText(r.spawn_cpu, r.processes)});
  out << Row({"… the same for plain libzmq until all were answered (its registry runs in the driver)",
              SpawnCpuText(r.raw_spawn_cpu, r.processes)});
  out << Row({"for scale: " + n + " processes of the same program that exit at once (start to reaped)",
              Format("%.3f s", r.exit_only_s)});
  out << Row({"lookups (`CmConnectGetReference`), " + std::to_string(r.lookup.samples) + " in a loop",
              Thousands(r.lookups_per_s) + " /s"});
  out << Row({"one lookup, median / p99", Us(r.lookup.median_us) + " / " + Us(r.lookup.p99_us)});
  out << Row({"cold first send, until `CmMessageSend` returned: median / p99 of " +
                  std::to_string(r.cold_send.samples) + " names",
              Us(r.cold_send.median_us) + " / " + Us(r.cold_send.p99_us)});
  out << Row({"cold first send, until the peer's reply arrived: median / p99",
              Us(r.cold_reply.median_us) + " / " + Us(r.cold_reply.p99_us)});
  out << Row({"all " + n + " killed → the name server lists none", Format("%.3f s", r.dropped_s)});
  out << Row({n + " processes already running, released together before their first Cm call → all listed" +
                  (r.burst_failed ? " (all that registered)" : ""),
              Format("%.3f s", r.burst_s)});
  if (r.burst_failed > 0)
    out << Row({"… of which `CmMessageOpenServer` failed", "**" + std::to_string(r.burst_failed) + " of " + n + "**"});
  out << Row({"… connections dropped by a full listen queue meanwhile (ListenOverflows)",
              std::to_string(r.burst_overflows)});
  out << Row({"plain libzmq, the same steps: " + n + " processes already running, released together → all answered",
              RawSeconds(r.raw_burst_s, r.raw_burst_failed, r.processes)});
  out << "\n";
}

// A receiver that reads nothing, from section 3's run.
void StuckReceiver(const LargeResults& r, std::ostream& out) {
  out << "A receiver that reads nothing (`cm_bench_cm_peer stuck`, registered, then no Cm call) is sent "
         "8 MiB arrays by `cm_bench_sender cm-flood` until a send is refused (`CM_SEND_TIMEOUT=0.5`), "
         "then both processes' VmRSS is read.  ZeroMQ alone queues up to 10,000 messages per link at each "
         "end, whatever their size; the library's send window (`CM_SEND_WINDOW`, MiB, default 64; "
         "src/session/send_window.h) bounds the bytes a peer has not read.  Without it (a window of "
         "1,000,000 MiB), the run stops at its cap.\n\n";
  if (!r.error.empty()) return Failed(out, r.error);
  out << Row({"CM_SEND_WINDOW", "arrays accepted", "sender VmRSS", "receiver VmRSS"})
      << Row({"---", "---:", "---:", "---:"});
  for (const LargeResults::Stuck& s : r.stuck)
    out << Row({s.window + " MiB", std::to_string(s.accepted) + " of " + std::to_string(s.tried) +
                                       (s.accepted < s.tried ? " (then refused)" : " (the cap)"),
                MiB(s.sender_kb), MiB(s.receiver_kb)});
  out << "\n";
}

void Memory(const Results& all, std::ostream& out) {
  const NameServerResults& r = all.names;
  out << "## 5. Memory\n\n";
  StuckReceiver(all.large, out);
  if (!r.error.empty()) return Failed(out, r.error);
  std::string n = std::to_string(r.idle_measured);
  out << "VmRSS from `/proc/PID/status`, read while the " << n
      << " registered processes sat idle in `CmMessageWait`.  RSS counts the shared libraries' resident pages "
         "in every process; RssAnon is what the process has to itself.\n\n";
  out << Row({"process", "VmRSS", "notes"}) << Row({"---", "---:", "---"});
  out << Row({"idle registered process, median of " + n, MiB(r.idle_rss_median_kb),
              "RssAnon " + MiB(r.idle_anon_median_kb) + "; " + std::to_string(r.idle_threads) + " threads"});
  out << Row({"idle registered process, largest of " + n, MiB(r.idle_rss_max_kb), ""});
  if (r.idle_cpu_window_s > 0)
    out << Row({"idle registered process, CPU (every thread, over " + Format("%.1f s", r.idle_cpu_window_s) +
                    "), median of " + n,
                Format("%.0f µs/s", r.idle_cpu_us_per_s),
                Format("%.1f", r.idle_runs_per_s) +
                    " wake-ups per second (the name server's heartbeat reaches ZeroMQ's I/O thread)"});
  out << Row({"name server, before them", MiB(r.ns_rss_before_kb), ""});
  out << Row({"name server with " + n + " more entries (and connections)", MiB(r.ns_rss_loaded_kb),
              Format("%+.1f kB per entry", static_cast<double>(r.ns_rss_loaded_kb - r.ns_rss_before_kb) /
                                               static_cast<double>(r.idle_measured))});
  if (r.idle_cpu_window_s > 0)
    out << Row({"name server, CPU meanwhile (its heartbeats to the " + n + ")", Format("%.0f µs/s", r.ns_idle_cpu_us_per_s),
                Format("%.0f wake-ups per second", r.ns_idle_runs_per_s)});
  out << "\n";
}

// What the hot paths do, what was changed for issue 5 ("Performance and
// scale") and what is left; the figures quoted are this run's.
// Section 6's end: what keeps the two targets that are missed out of reach.
void TwoMisses(const Results& all, std::ostream& out) {
  out << "### The round trip and the 500 registrations\n\n";
  const RoundTripInstructions& i = all.round_trip.instructions;
  out << "Round trip: ";
  if (i.error.empty())
    out << "the library adds " << Thousands(i.cm.Total() - i.zmq.Total()) << " instructions to a round trip ("
        << Thousands(i.cm.Total()) << " against " << Thousands(i.zmq.Total()) << ", section 1)";
  else
    out << "the library adds about 6,400 instructions to a round trip (section 1's counts, 2026-11-25)";
  out << ".  On the client, per round trip (callgrind by function, 2026-11-25, at 90b2cf6): decoding the reply "
         "about 690 (msgpack-cxx's parser, even with the frame's head recognised and skipped), dispatch 230, "
         "encoding 265, the wait loop 150, the rest of the session a few hundred; and ZeroMQ itself about 725 "
         "more than for raw libzmq, much of it because the library sends through a ROUTER (its dialer), which "
         "takes a routing-id part with every message and looks it up, where the raw client's DEALER does not.  The system "
         "calls are nearly the same (section 1).  ";
  if (all.round_trip.error.empty())
    out << "Those instructions cost more time than their number suggests: the two processes of a round trip "
           "through the library use "
        << Us(all.round_trip.cpu_cm_us) << " of CPU, against " << Us(all.round_trip.cpu_zmq_us)
        << " for raw libzmq (section 1; every thread of both processes, which overlap on the two CPUs): "
        << Format("%+.1f µs", all.round_trip.cpu_cm_us - all.round_trip.cpu_zmq_us)
        << ", against a round trip longer by "
        << Format("%+.1f µs", all.round_trip.cm.median_us - all.round_trip.zmq.median_us)
        << ".  On this virtual machine, code run just after a wake-up executes at about one instruction per "
           "nanosecond (`/usr/bin/time` over 100,000 round trips, 2026-11-25: 20-22 µs of user time per process "
           "and round trip through the library, 18 µs in raw libzmq).  ";
  out << "Section 1 "
         "measures what the library's structure cost in raw libzmq: requests and replies travel on two TCP "
         "connections, one each way";
  const RoundTripResults& rt = all.round_trip;
  if (rt.error.empty())
    out << " (" << Ratio(rt.zmq_two.median_us, rt.zmq_one.median_us)
        << " of the one-connection round trip in this run), and the wait loop gave every receive a time-out ("
        << Ratio(rt.zmq_two_timed.median_us, rt.zmq_one.median_us) << " with both)";
  else
    out << ", and the wait loop gave every receive a time-out";
  out << ".  The time-out is gone since 2026-12-04: the receive sleeps without one and the Listener's alarm "
         "thread wakes it at the deadline; docs/architecture.md, \"Receiving\", gives the runs before and after it "
         "on one machine.  Section 1 measures it in this run on one side of the round trip only, an echo with and "
         "without it.  (A first try "
         "on 2026-11-25, on a machine whose runs ranged over 0.97-1.16×, could not tell it apart.)  "
"One connection for both would take one ROUTER per process that both "
         "binds and connects, with two processes that first send to each other at the same moment arbitrated "
         "(libzmq aborts on a connect whose routing id an incoming connection already holds: "
         "`Assertion failed: !has_out_pipe (routing_id) (src/router.cpp:463)`, libzmq 4.3.4), and the "
         "dialer's flusher thread, which sends coalesced frames while the program's thread may sleep in a "
         "receive on the listener, would then share that thread's socket (ZeroMQ sockets are not thread-safe: "
         "every receive would need its lock, or a sleep in `zmq_poll` outside it, the system calls the wait "
         "loop was rid of); and with a domain secret (CurveZMQ) one socket cannot be both the CURVE server its "
         "peers connect to and the CURVE client of the peers it connects to.  A redesign of the transport, not made: what one connection saves raw libzmq is the "
         "figure above (not the bare acknowledgements it spares: section 1).  What is left is the library's own work on each side, whose cost in time this machine "
         "does not resolve much below the spread of its runs.";
  const std::vector<double>& ratios = all.round_trip.run_ratios;
  if (all.round_trip.error.empty() && !ratios.empty())
    out << "  The " << ratios.size() << " runs of section 1 gave between "
        << Format("%.2f×", *std::min_element(ratios.begin(), ratios.end())) << " and "
        << Format("%.2f×", *std::max_element(ratios.begin(), ratios.end()))
        << " each; on this machine single runs of section 1 ranged from 0.97× to 1.16× on 2026-11-25.";
  out << "\n\n";
  const NameServerResults& n = all.names;
  out << "500 registrations: ";
  if (n.error.empty())
    out << "in this run the same steps in plain libzmq took " << RawSeconds(n.raw_registered_s, n.raw_failed, n.processes)
        << " from the first spawn and " << RawSeconds(n.raw_burst_s, n.raw_burst_failed, n.processes)
        << " released together (section 4), against " << Format("%.3f s", n.registered_s) << " and "
        << Format("%.3f s", n.burst_s) << " through the library and its name server";
  else
    out << "section 4 did not run";
  out << ".  The machine's own speed moves these figures more than anything the library does: on 2026-11-25 a "
         "process of the bench that only starts and exits cost 8.4-9.3 ms of CPU (section 4), and 500 registrations "
         "took 6.6-8.6 s from the first spawn (2.0-3.0 s released together); on 2026-12-04 the same process cost "
         "1.8 ms on a machine of the same kind, and 500 registered in 0.78 s (0.31 s released together)";
  if (n.error.empty()) out << "; in this run it cost " << Format("%.1f ms", n.cpu_exit_ms);
  out << ".  Starting the processes is most of it: on 2026-11-25 (the slow machine), a `posix_spawn` loop of 500 C "
         "programs that only exit took 1.0 s linked statically, 1.4 s linked to libc alone and 4.8-5.5 s linked to Debian's libzmq "
         "(17 shared libraries besides libc: libzmq, libstdc++, Kerberos, PGM, NORM, libsodium...); and `zmq_ctx_new` alone "
         "starts two threads and reads `/etc/protocols` through NSS (libpgm's initialisation).";
  if (n.error.empty()) {
    // Seconds that many processes keep every CPU busy, at `ms` of CPU each.
    auto busy_s = [&](double ms) {
      return static_cast<double>(n.processes) * ms / 1e3 / static_cast<double>(std::max(1L, all.machine.cpus));
    };
    out << "  Per process, run one after another, registering cost " << Format("%.1f ms", n.cpu_cm_ms)
        << " of CPU through the library against " << Format("%.1f ms", n.cpu_raw_ms)
        << " for the same steps in plain libzmq, and starting and exiting alone " << Format("%.1f ms", n.cpu_exit_ms)
        << " (section 4): " << n.processes << " processes that only start and exit keep " << all.machine.cpus
        << " CPUs busy for " << Format("%.2f s", busy_s(n.cpu_exit_ms))
        << " at the least, and as many registering through the library " << Format("%.2f s", busy_s(n.cpu_cm_ms))
        << " (in plain libzmq " << Format("%.2f s", busy_s(n.cpu_raw_ms)) << "), if nothing else ran.";
    if (busy_s(n.cpu_cm_ms) >= 2.0) out << "  That alone is more than the target's 2 s.";
    const SpawnCpu& c = n.spawn_cpu;
    const SpawnCpu& raw = n.raw_spawn_cpu;
    if (c.measured && raw.measured && n.registered_s > 0 && n.raw_registered_s > 0) {
      double per = 1e3 * c.children_s / static_cast<double>(n.processes);
      double raw_per = 1e3 * raw.children_s / static_cast<double>(n.processes);
      double capacity = n.registered_s * static_cast<double>(all.machine.cpus);
      out << "  Started all at once they cost more: until all were listed, the " << n.processes << " processes used "
          << Format("%.2f", c.children_s) << " CPU-seconds (" << Format("%.1f ms", per)
          << " each, against " << Format("%.1f ms", n.cpu_cm_ms) << " one after another; "
          << Format("%.1f ms", 1e3 * c.children_main_s / static_cast<double>(n.processes))
          << " in the program's own thread, the rest in ZeroMQ's), the name server "
          << Format("%.2f", c.name_server_s) << " and the driver " << Format("%.2f", c.driver_s)
          << "; the machine's CPUs were busy for " << Format("%.2f", c.machine_s) << " of the "
          << Format("%.2f", capacity) << " CPU-seconds there were, and the processes' threads spent "
          << Format("%.0f", c.children_waiting_s)
          << " s between them runnable but waiting for a CPU.  In plain libzmq the processes used "
          << Format("%.2f", raw.children_s) << " (" << Format("%.1f ms", raw_per) << " each, "
          << Format("%.1f ms", 1e3 * raw.children_main_s / static_cast<double>(n.processes))
          << " in the program's thread).  So the CPUs, "
          << "not the name server, set the pace; what the library adds is "
          << Format("%.1f ms", per - raw_per) << " per process started among the others (its idle processes "
          << "answer the name server's heartbeats meanwhile: section 5).";
    }
  }
  out << "\n\n";
}

void HotPaths(const Results& all, std::ostream& out) {
  out << "## 6. The hot paths: what was done, what remains\n\n";
  const ThroughputResults& t = all.throughput;
  if (t.error.empty()) {
    auto us = [](const Rate& r) { return Format("%.2f µs", r.Median()); };
    out << "In this run, per small message, the sending process used " << us(t.cm_cpu.sender_us)
        << " of CPU against " << us(t.zmq_frame_cpu.sender_us) << " for raw libzmq, and the receiving process "
        << us(t.cm_cpu.receiver_us) << " against " << us(t.zmq_frame_cpu.receiver_us)
        << " (section 2; every thread counted).  "
        << (t.cm_cpu.sender_us.Median() - t.zmq_frame_cpu.sender_us.Median() >
                    t.cm_cpu.receiver_us.Median() - t.zmq_frame_cpu.receiver_us.Median()
                ? "Most of the difference is on the sending side."
                : "Most of the difference is on the receiving side.")
        << "\n\n";
    const InstructionResults& i = t.instructions;
    if (i.error.empty())
      out << "Counted in instructions (callgrind, user space only, section 2), the sending process executes "
          << Thousands(i.cm.sender) << " per message against " << Thousands(i.zmq_frame.sender)
          << " for raw libzmq, the receiving process " << Thousands(i.cm.receiver) << " against "
          << Thousands(i.zmq_frame.receiver) << ".\n\n";
  }
  out << "Changed (each measured before and after; `bash bench/profile.sh` and `bash bench/breakdown.sh` give the "
         "instruction counts, `strace -c -f` the system calls):\n\n"
         "- Coalescing (protocol 2, `src/transport/dialer.h`): one ZeroMQ message costs about as much CPU as the "
         "library's whole work on a small Cm message (the table below), so small frames a program sends to one "
         "peer less than 50 µs apart go out back to back in one ZeroMQ message of up to 4 KiB: when it is full, "
         "when the program waits, or from the dialer's own thread 100 µs after the first.  A frame after a pause "
         "goes alone and at once, so round trips are unchanged (section 1).  Per small message (section 2's "
         "instruction counts, sender + receiver): 2,899 + 3,049 with one ZeroMQ message each (d9f3112), "
         "1,331 + 2,048 coalesced (7385f56); wall-clock throughput went from 0.54-0.58× raw libzmq "
         "in earlier runs to 1.09-1.22× in four runs of section 2 on the day it was made (0.86× in a fifth, "
         "while tests ran beside it).  Before it was built, a "
         "throwaway version without the flusher thread measured the same gain.  What it costs a message that "
         "goes alone: the Dialer's lock only once its flusher thread runs (before, nobody shares the socket), "
         "a clock read only for a frame that follows one to the same peer with no wait between (a round trip "
         "reads none), and some bookkeeping: about 100 instructions per message with `CM_COALESCE=0` "
         "(2,899 + 3,049 before coalescing, 3,004 + 3,072 at 3f990ce, callgrind as in section 2).\n"
         "- Receiving: a frame is decoded in place (the session keeps the ZeroMQ message; no holder is "
         "allocated), by one `FrameDecoder` that keeps msgpack-cxx's parser (no parser stack allocated per "
         "frame) and the head of the last frame it parsed in full: a frame that repeats it byte for byte "
         "(`[version, type, sender, reply_to]`, the common case of a stream) has only its sequence number and "
         "items parsed.  `CmMessageGetText` copies reuse their strings.  The handler table remembers the last "
         "type it was asked for; the API's argument checks and the connect/disconnect callbacks have an inline "
         "fast path.\n"
         "- Waiting: the wait loop sleeps in a receive on the listener instead of `zmq_poll` (three `poll` and "
         "one `getpid` system call fewer per wake-up; system calls are expensive on a VM), and goes to it "
         "straight, not after a non-blocking receive that finds the queue empty (one `poll` and one `getpid` "
         "fewer on each side of a round trip: over 5,000 round trips, `strace -c -f` counted 114,154 -> "
         "104,332 `poll` and 194,718 -> 185,117 `getpid` calls).\n"
         "- Sending: a frame that may be coalesced is encoded on the stack and copied once into the batch; any "
         "other straight into its ZeroMQ message.  "
         "A send refused just after the handshake with a new peer makes ZeroMQ read its pending commands (which "
         "`zmq_send` does only about once a millisecond) and tries again: the cold first send went from 2.9 to "
         "1.5 ms (medians, 60 processes).\n\n"
         "Tried and dropped: a DEALER per peer instead of the one connecting ROUTER (one part per send instead "
         "of two, but a DEALER cannot refuse a process that replaced its peer on the same port, as the ROUTER's "
         "routing id does); a protocol sending reply_to once per connection (the decoder no longer parses a "
         "repeated reply_to, and the bytes it would save are saved by the raw baseline as well); an encoder "
         "keeping the last frame's packed head, as the decoder does (45 instructions more per message, not "
         "fewer).\n\n"
         "Where a small message's instructions went with one ZeroMQ message per Cm message (`bash "
         "bench/breakdown.sh`, revision e470c20, per message, every thread counted), which is what coalescing "
         "answers:\n\n"
         "| | ZeroMQ's work | the library's own work |\n"
         "| --- | ---: | ---: |\n"
         "| raw libzmq sender | 1,380: `zmq_send` with its copy and allocation ~650, I/O thread ~725 | 0 |\n"
         "| raw libzmq receiver | 1,080 | 0 |\n"
         "| libCm-zmq sender | 1,800: the two parts' `zmq_send` 850, the frame's allocation 220, I/O thread "
         "730 | 1,100: building the message through the C API 390, encoding 410 (a counting and a writing "
         "pass), the session ~300 |\n"
         "| libCm-zmq receiver | 970: `zmq_msg_recv` 320, I/O thread 640 | 2,090: decoding 1,140 (most of it "
         "msgpack-cxx's parser), the handler's reads 230, the rest of the dispatch and the wait loop ~720 "
         "(peer table, sequence and acknowledgement accounting, handler look-up, message reset) |\n\n"
         "What remains: coalesced, ZeroMQ's share of a small message is a fraction of its former 2,770 "
         "instructions, and the library's own work (about 1,100 sending, 2,000 receiving) is most of what is "
         "left; raw libzmq still executes fewer instructions in all (section 2), and the receiving process, "
         "decoding above all, is the larger half.  A program that sends to many peers in turn, or waits "
         "between messages, sends one ZeroMQ message per Cm message as before (about 0.55× raw libzmq in "
         "throughput; its latency is section 1's).\n\n";
  TwoMisses(all, out);
}

std::string ReadCpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, 10, "model name") == 0) {
      size_t colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  return "unknown";
}

}  // namespace

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

Machine DescribeMachine() {
  Machine m;
  char date[64];
  std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  m.date = date;
  cpu_set_t set;
  m.cpus = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
  m.cpu_model = ReadCpuModel();
  utsname u{};
  uname(&u);
  m.kernel = std::string(u.sysname) + " " + u.release + " " + u.machine;
  int major, minor, patch;
  zmq_version(&major, &minor, &patch);
  m.software = "libzmq " + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch) +
               ", " + "g++ " + __VERSION__ + ", build type " + CM_BENCH_BUILD_TYPE;
  return m;
}

void WriteReport(const Results& r, std::ostream& out) {
  out << "# libCm-zmq benchmarks\n\n"
         "Written by `cm_bench`, which `bash bench/run.sh` builds and runs (`make bench`); run it again "
         "rather than editing this file.  Sources: `bench/`.\n\n";
  out << Row({"", ""}) << Row({"---", "---"});
  out << Row({"date", r.machine.date});
  out << Row({"machine", std::to_string(r.machine.cpus) + " CPUs (nproc), " + r.machine.cpu_model});
  out << Row({"kernel", r.machine.kernel});
  out << Row({"software", r.machine.software});
  if (!r.options.revision.empty()) out << Row({"revision", r.options.revision});
  out << Row({"command", "`" + r.options.command + "`"});
  out << Row({"duration", Format("%.0f s", r.total_s)});
  const Machine& m = r.machine;
  out << Row({"other work on the machine",
              Format("%.0f%%", 100 * m.during.others_share) + " of the CPUs during the run (" +
                  Format("%.0f", m.during.others_cpu_s) + " CPU-s of other processes" +
                  (m.during.steal_cpu_s >= 1 ? Format(", %.0f CPU-s stolen by the hypervisor", m.during.steal_cpu_s) : "") +
                  "); " + Format("%.0f%%", 100 * m.before.others_share) + " in the second before it" +
                  (m.waited_s >= 1 ? Format(", after waiting %.0f s for a quieter machine", m.waited_s) : "")});
  out << Row({"load average (1, 5, 15 min)", "at start " + m.load_start + "; at end " + m.load_end});
  out << "\nEvery figure below comes from this one run.  The driver (`cm_bench`) and every peer it measures "
         "against are separate processes (fork/exec) on this machine, talking over loopback TCP; each ratio "
         "divides two figures of the same run.\n\n";
  Targets(r, out);
  RoundTrip(r, out);
  Throughput(r, out);
  Large(r, out);
  NameServer(r, out);
  Memory(r, out);
  HotPaths(r, out);
}

}  // namespace bench
