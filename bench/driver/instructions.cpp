// The deterministic figures of sections 1 and 2: instructions per round trip
// of the pinging and of the echoing process, and per small message of the
// sending and of the receiving process, counted by callgrind.
//
// Wall-clock throughput on a small shared machine varies by a factor of two
// from run to run; instruction counts do not.  Each side runs alone under
// `valgrind --tool=callgrind` (every thread of the process, ZeroMQ's I/O
// thread included, counted in one total) against a native peer, once for N
// messages and once for 2N; (count(2N) - count(N)) / N is what one more
// message costs, start-up, registration and exit cancelling out.  The sender
// is cm_bench_sender (raw libzmq PUSH of the captured Cm frame, or
// CmMessageSend), the receiver a sink that exits after counting them
// (cm_bench_raw_peer zmq-sink-once, cm_bench_cm_peer sink-once).  For round
// trips the "sender" is cm_bench_sender zmq-ping / cm-ping and the
// "receiver" an echo that exits after answering them (zmq-echo-once,
// echo-once); for the legacy pattern cm_bench_sender zmq-legacy-ping /
// legacy-ping against cm_bench_raw_peer zmq-legacy-echo COUNT /
// cm_bench_legacy_echo NAME COUNT.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "driver/results.h"
#include "harness/stats.h"

namespace bench {
namespace {

constexpr int kRunTimeoutMs = 300000;  // one side, 2N messages, under callgrind on a loaded machine

// `name` found in PATH, or "".
std::string FindInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
  for (size_t start = 0; start <= dirs.size();) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string file = (end > start ? dirs.substr(start, end - start) : ".") + "/" + name;
    if (access(file.c_str(), X_OK) == 0) return file;
    start = end + 1;
  }
  return "";
}

// The first line `argv` prints, or "".
std::string FirstLine(const std::vector<std::string>& argv) {
  Child child;
  std::string line;
  if (child.Start(argv, Child::Output::kPipe) && child.ReadLine(&line, 10000)) child.Join();
  return line;
}

// The total a callgrind output file records ("summary:" line; every thread
// when, as by default, threads are not separated), or -1.
double CallgrindTotal(const std::string& file) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, 8, "summary:") == 0 || line.compare(0, 7, "totals:") == 0)
      return std::strtod(line.c_str() + line.find(':') + 1, nullptr);
  return -1;
}

std::string Hex(const std::string& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char c : bytes) {
    hex += digits[c >> 4];
    hex += digits[c & 15];
  }
  return hex;
}

// kCmAlone: CmMessageSend with CM_COALESCE=0; kZmqPing, kCmPing: round trips;
// kZmqLegacy, kCmLegacy: round trips as a legacy program makes them.
enum class Kind { kZmq, kCm, kCmAlone, kZmqPing, kCmPing, kZmqLegacy, kCmLegacy };
enum class Side { kSender, kReceiver };

class Counter {
 public:
  Counter(Setup& setup, const std::string& valgrind, const std::string& frame)
      : setup_(setup), valgrind_(valgrind), frame_hex_(Hex(frame)) {
    char pattern[] = "/tmp/cm_bench_callgrind.XXXXXX";
    if (mkdtemp(pattern) == nullptr) throw Failure("cannot create a directory for callgrind's output");
    dir_ = pattern;
  }
  ~Counter() {
    for (const std::string& f : files_) std::remove(f.c_str());
    rmdir(dir_.c_str());
  }

  // Instructions of `side`'s process (under callgrind) when `count` messages
  // of `kind` go from the sender to the receiver.
  double Count(Kind kind, Side side, size_t count) {
    std::string file = dir_ + "/" + std::to_string(files_.size()) + ".out";
    files_.push_back(file);
    const std::vector<std::string> callgrind = {valgrind_, "-q", "--tool=callgrind", "--callgrind-out-file=" + file};
    auto command = [&](Side who, const std::string& program, const std::vector<std::string>& args) {
      std::vector<std::string> argv = who == side ? callgrind : std::vector<std::string>{};
      argv.push_back(setup_.Program(program));
      argv.insert(argv.end(), args.begin(), args.end());
      return argv;
    };
    const std::string n = std::to_string(count);
    Child sink, sender;
    std::string endpoint;
    if (kind == Kind::kZmqLegacy) {
      endpoint = StartPeer(&sink, command(Side::kReceiver, "cm_bench_raw_peer", {"zmq-legacy-echo", n}), kRunTimeoutMs);
      if (!sender.Start(command(Side::kSender, "cm_bench_sender", {"zmq-legacy-ping", endpoint, n}), Child::Output::kPipe))
        throw Failure("cannot start cm_bench_sender");
    } else if (kind == Kind::kCmLegacy) {
      StartPeer(&sink, command(Side::kReceiver, "cm_bench_legacy_echo", {"bench_cg_legacy_echo", n}), kRunTimeoutMs);
      if (!sender.Start(command(Side::kSender, "cm_bench_sender", {"legacy-ping", "bench_pinger", "bench_cg_legacy_echo", n}),
                        Child::Output::kPipe))
        throw Failure("cannot start cm_bench_sender");
    } else if (kind == Kind::kZmq || kind == Kind::kZmqPing) {
      bool ping = kind == Kind::kZmqPing;
      endpoint = StartPeer(&sink, command(Side::kReceiver, "cm_bench_raw_peer", {ping ? "zmq-echo-once" : "zmq-sink-once", n}),
                           kRunTimeoutMs);
      std::vector<std::string> args = ping ? std::vector<std::string>{"zmq-ping", endpoint, n}
                                           : std::vector<std::string>{"zmq", endpoint, n, frame_hex_};
      if (!sender.Start(command(Side::kSender, "cm_bench_sender", args), Child::Output::kPipe))
        throw Failure("cannot start cm_bench_sender");
    } else if (kind == Kind::kCmPing) {
      StartPeer(&sink, command(Side::kReceiver, "cm_bench_cm_peer", {"echo-once", "bench_cg_echo", n}), kRunTimeoutMs);
      if (!sender.Start(command(Side::kSender, "cm_bench_sender", {"cm-ping", "bench_pinger", "bench_cg_echo", n}),
                        Child::Output::kPipe))
        throw Failure("cannot start cm_bench_sender");
    } else {
      // The children inherit it (the driver's own session has read its environment already).
      if (kind == Kind::kCmAlone) setenv("CM_COALESCE", "0", 1);
      struct Restore {
        ~Restore() { unsetenv("CM_COALESCE"); }
      } restore;
      StartPeer(&sink, command(Side::kReceiver, "cm_bench_cm_peer", {"sink-once", "bench_cg_sink", n}), kRunTimeoutMs);
      // "bench_sender" has as many letters as "bench_driver": the frames are
      // the captured frame's length.
      if (!sender.Start(command(Side::kSender, "cm_bench_sender", {"cm", "bench_sender", "bench_cg_sink", n}),
                        Child::Output::kPipe))
        throw Failure("cannot start cm_bench_sender");
    }
    std::string got, sent;
    if (!sender.WaitFor("sent ", &sent, kRunTimeoutMs) || sent != n + " 0")
      throw Failure("cm_bench_sender did not send " + n + " messages" + (sent.empty() ? "" : " (sent " + sent + ")"));
    if (!sink.WaitFor("got ", &got, kRunTimeoutMs)) throw Failure("the sink did not count " + n + " messages");
    if (got.compare(0, n.size() + 1, n + " ") != 0 || (kind != Kind::kZmq && got != n + " 0"))
      throw Failure("the sink counted " + got + " (messages, then errors or bytes)");
    if (sender.Join() != 0) throw Failure("cm_bench_sender failed");
    if (sink.Join() != 0) throw Failure("the sink failed");
    double total = CallgrindTotal(file);
    if (total < 0) throw Failure("no instruction total in " + file);
    return total;
  }

  // Instructions per message, each side: the difference between 2N and N
  // messages, divided by N.
  InstructionsPerMessage PerMessage(Kind kind, size_t n) {
    InstructionsPerMessage per;
    double scale = static_cast<double>(n);
    per.sender = (Count(kind, Side::kSender, 2 * n) - Count(kind, Side::kSender, n)) / scale;
    per.receiver = (Count(kind, Side::kReceiver, 2 * n) - Count(kind, Side::kReceiver, n)) / scale;
    return per;
  }

 private:
  Setup& setup_;
  std::string valgrind_, frame_hex_, dir_;
  std::vector<std::string> files_;
};

// Runs `count` with a Counter when the counts can be taken here: why not,
// or why it failed ("" if it ran); *seconds is how long it took.
std::string RunCounter(Setup& setup, const std::string& frame, std::string* valgrind, double* seconds,
                       const std::function<void(Counter&)>& count) {
  if (!setup.peer_wrapper.empty()) return "not measured: the peers already run under --peer-wrapper";
  *valgrind = FindInPath("valgrind");
  if (valgrind->empty()) return "not measured: valgrind is not installed (it is not in PATH)";
  Clock::time_point t0 = Clock::now();
  std::string error;
  try {
    Counter counter(setup, *valgrind, frame);
    count(counter);
  } catch (const Failure& e) {
    error = std::string("failed: ") + e.what();
  }
  *seconds = SecondsSince(t0);
  return error;
}

}  // namespace

RoundTripInstructions MeasureRoundTripInstructions(Setup& setup, const Options& options) {
  RoundTripInstructions r;
  // A round trip under callgrind takes about as long as ten small messages.
  r.round_trips = static_cast<size_t>(std::max(0, options.instruction_messages / 10));
  if (r.round_trips == 0) {
    r.error = "not measured (--instruction-messages 0)";
    return r;
  }
  std::string valgrind;
  r.error = RunCounter(setup, "", &valgrind, &r.seconds, [&r](Counter& counter) {
    r.zmq = counter.PerMessage(Kind::kZmqPing, r.round_trips);
    r.cm = counter.PerMessage(Kind::kCmPing, r.round_trips);
    r.zmq_legacy = counter.PerMessage(Kind::kZmqLegacy, r.round_trips);
    r.cm_legacy = counter.PerMessage(Kind::kCmLegacy, r.round_trips);
  });
  if (!r.error.empty()) {
    Say("instructions per round trip: %s", r.error.c_str());
    return r;
  }
  Say("instructions per round trip (callgrind), client + echo: zmq %.0f + %.0f, cm %.0f + %.0f; legacy pattern: zmq "
      "%.0f + %.0f, cm %.0f + %.0f (%.0f s)",
      r.zmq.sender, r.zmq.receiver, r.cm.sender, r.cm.receiver, r.zmq_legacy.sender, r.zmq_legacy.receiver,
      r.cm_legacy.sender, r.cm_legacy.receiver, r.seconds);
  return r;
}

InstructionResults MeasureInstructions(Setup& setup, const Options& options, const std::string& frame) {
  InstructionResults r;
  r.messages = static_cast<size_t>(std::max(0, options.instruction_messages));
  if (r.messages == 0) {
    r.error = "not measured (--instruction-messages 0)";
    return r;
  }
  std::string valgrind;
  r.error = RunCounter(setup, frame, &valgrind, &r.seconds, [&r](Counter& counter) {
    r.zmq_frame = counter.PerMessage(Kind::kZmq, r.messages);
    r.cm = counter.PerMessage(Kind::kCm, r.messages);
    r.cm_alone = counter.PerMessage(Kind::kCmAlone, r.messages);
  });
  if (!valgrind.empty()) r.valgrind = FirstLine({valgrind, "--version"});
  if (!r.error.empty()) {
    Say("instructions per small message: %s", r.error.c_str());
    return r;
  }
  Say("instructions per small message (callgrind): zmq %.0f + %.0f, cm %.0f + %.0f, cm alone %.0f + %.0f (%.0f s)",
      r.zmq_frame.sender, r.zmq_frame.receiver, r.cm.sender, r.cm.receiver, r.cm_alone.sender, r.cm_alone.receiver,
      r.seconds);
  return r;
}

}  // namespace bench
