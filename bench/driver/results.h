// The figures each section produces, and the report built from them.
#ifndef CM_BENCH_DRIVER_RESULTS_H
#define CM_BENCH_DRIVER_RESULTS_H

#include <cstddef>
#include <ostream>
#include <string>
#include <vector>

#include "driver/bench.h"
#include "harness/machine_load.h"

namespace bench {

// Where a round trip spends its time, from time stamps the echo puts in its
// reply (driver/cm_client.h, StampedRoundTrip): the median of each segment
// over the round trips, and of their sum (which the medians need not add
// up to), µs.
struct RoundTripSplit {
  double send_us = 0;     // the driver's send call
  double to_echo_us = 0;  // from its return until the echo's handler began (raw: its receive returned)
  double echo_us = 0;     // the echo's handler, until it called its send
  double back_us = 0;     // from there (the echo's send included) until the driver's handler began
  double finish_us = 0;   // the driver's handler began, until its wait returned (raw libzmq: none)
  double total_us = 0;
};

struct Latency {
  double median_us = 0, p99_us = 0;
  size_t samples = 0;
};

// Several timed runs of one throughput; the median run is the figure.
struct Rate {
  std::vector<double> runs;
  double Median() const;
};


// CPU time per message of each process of a throughput run (all its threads,
// ZeroMQ's I/O thread included), in microseconds; one entry per run.
struct CpuPerMessage {
  Rate sender_us, receiver_us;
};

// Instructions per small message, counted by callgrind (every thread of the
// process, user space only), of the sending and of the receiving process.
struct InstructionsPerMessage {
  double sender = 0, receiver = 0;
  double Total() const { return sender + receiver; }
};

// Section 1's deterministic figure: instructions per round trip, "sender"
// the pinging process, "receiver" the echo.
struct RoundTripInstructions {
  std::string error;       // not empty: not measured, and why
  size_t round_trips = 0;  // N: each side runs N and 2N; the figure is the difference / N
  double seconds = 0;
  InstructionsPerMessage zmq, cm;
  InstructionsPerMessage zmq_legacy, cm_legacy;  // the legacy pattern (harness/legacy_client.h)
};

struct RoundTripResults {
  std::string error;  // not empty: the section failed
  size_t payload = 64;
  Latency tcp, zmq, cm;           // every run's samples together
  std::vector<double> run_ratios;  // each run's median, libCm-zmq / raw libzmq
  // Measured apart, interleaved with each other only: raw libzmq over one
  // connection (DEALER/ROUTER) and over two, one each way (PUSH/PULL).
  Latency zmq_one, zmq_two, zmq_two_timed;
  std::vector<double> two_run_ratios;    // each run's median, two / one
  std::vector<double> timed_run_ratios;  // each run's median, two with receive time-outs / one
  // CPU per round trip of a client and an echo process together (user +
  // system, every thread), run natively one pair at a time: N and 2N round
  // trips, the difference / N; the median of pair_rounds such.
  size_t cpu_round_trips = 0;  // N
  int pair_rounds = 0;
  double cpu_zmq_us = 0, cpu_cm_us = 0;
  // Measured apart, interleaved with each other only: the library against
  // an echo with the alarm (the default) and one with CM_RECEIVE_ALARM=0.
  int alarm_round_trips = 0;  // per way and run
  Latency cm_alarm, cm_echo_timed;
  std::vector<double> alarm_run_ratios;  // each run's median, echo with CM_RECEIVE_ALARM=0 / with the alarm
  // TCP segments the machine sent per round trip (data and bare ACKs), each
  // way alone over segment_round_trips: raw libzmq over one connection and
  // over two, and the library; -1: /proc/net/snmp unreadable.
  int segment_round_trips = 0;
  double segments_zmq = -1, segments_zmq_two = -1, segments_cm = -1;
  // Round trips each after a sleep of pause_us, raw libzmq and the library
  // taking turns, pause_round_trips each.
  int pause_round_trips = 0, pause_us = 0;
  // (against echoes that stamp their replies: zmq_paused_split, cm_paused_split).
  Latency zmq_paused, cm_paused;
  RoundTripSplit zmq_paused_split, cm_paused_split;
  // The round trip as a legacy program makes it (harness/legacy_client.h):
  // interleaved as zmq and cm, and after pauses as zmq_paused and cm_paused.
  Latency zmq_legacy, cm_legacy, zmq_legacy_paused, cm_legacy_paused;
  std::vector<double> legacy_run_ratios;  // each run's median, libCm-zmq / raw libzmq
  // The same split back to back, the two ways taking turns, split_round_trips each.
  int split_round_trips = 0;
  RoundTripSplit zmq_split, cm_split;
  RoundTripInstructions instructions;
};

struct InstructionResults {
  std::string error;     // not empty: not measured, and why
  size_t messages = 0;   // N: each side runs N and 2N messages; the figure is the difference / N
  std::string valgrind;  // its version
  double seconds = 0;    // the time the twelve runs under callgrind took
  InstructionsPerMessage zmq_frame, cm;
  InstructionsPerMessage cm_alone;  // CM_COALESCE=0: one ZeroMQ message per Cm message
};

struct ThroughputResults {
  std::string error;
  size_t messages = 0;       // per run
  size_t cm_frame_bytes = 0; // what CmMessageSend put on the wire (captured)
  size_t raw_small_bytes = 44;
  Rate zmq_frame, zmq_small, cm;  // messages/s
  CpuPerMessage zmq_frame_cpu, zmq_small_cpu, cm_cpu;
  // Through a relay (cm_bench_cm_peer relay: one CmMessageSend per message
  // its handler gets) to a sink: coalescing as by default, and with
  // CM_COALESCE=0 in the relay; messages/s, and the relay's CPU per message.
  Rate cm_relay, cm_relay_alone;
  Rate relay_cpu_us, relay_alone_cpu_us;
  long sink_errors = 0, send_failures = 0;
  InstructionResults instructions;
};

struct LargeResults {
  std::string error;
  size_t array_bytes = 0;
  size_t messages = 0;  // per run
  Rate zmq, cm_copied, cm_external;  // MB/s (10^6 bytes of array data per second)
  long sink_errors = 0, send_failures = 0;
  // A receiver that reads nothing (reported in section 5): 8 MiB arrays sent
  // to it until a send is refused, with the library's send window and
  // without it (only ZeroMQ's 10000 messages per link, capped here); what
  // the two processes then hold.
  struct Stuck {
    std::string window;  // CM_SEND_WINDOW
    long tried = 0, accepted = 0;
    long sender_kb = 0, receiver_kb = 0;  // VmRSS
  };
  std::vector<Stuck> stuck;
};

// Where the CPU went from the first spawn until every process was registered
// (answered), in CPU-seconds: time on a CPU, to the nanosecond.
struct SpawnCpu {
  bool measured = false;
  double children_s = 0;          // the spawned processes, every thread
  double children_main_s = 0;     // ... their main threads (the rest: ZeroMQ's threads)
  double children_waiting_s = 0;  // ... runnable, waiting for a CPU
  double name_server_s = 0;       // the name server (none in plain libzmq)
  double driver_s = 0;            // the spawn loop and the polling (plain libzmq: the registry too)
  double machine_s = 0;           // every CPU of the machine busy (/proc/stat)
};

struct NameServerResults {
  std::string error;
  size_t processes = 0;
  double exit_only_s = 0;     // starting as many processes that exit at once
  double spawn_s = 0;         // the spawn loop alone
  double registered_s = 0;    // first spawn -> the name server lists them all
  // The same in plain libzmq (cm_bench_raw_peer zmq-register against the
  // driver's RawRegistry): first spawn -> all answered; and, held then
  // released together, release -> all answered.  -1: timed out.
  double raw_registered_s = 0, raw_burst_s = 0;
  SpawnCpu spawn_cpu, raw_spawn_cpu;  // of registered_s and raw_registered_s
  size_t raw_failed = 0, raw_burst_failed = 0;  // processes that exited unanswered
  // CPU per process (user + system, ms), cpu_processes run one after another:
  // starting and exiting; registering through the library (then _exit);
  // the same steps in plain libzmq.
  size_t cpu_processes = 0;
  double cpu_exit_ms = 0, cpu_cm_ms = 0, cpu_raw_ms = 0;
  size_t registered = 0;
  size_t failed = 0;          // processes whose CmMessageOpenServer failed (they exit)
  double lookups_per_s = 0;
  Latency lookup;
  Latency cold_send, cold_reply;  // CmMessageSend returned; the peer's reply arrived
  double dropped_s = 0;       // kill them all -> the name server lists none
  // As many processes, already running and held before their first Cm call,
  // released together: release -> all listed.
  double burst_s = 0;
  size_t burst_registered = 0, burst_failed = 0;
  // Connections the kernel dropped because a listen queue was full (the
  // whole machine's count; during each measurement).
  long overflows = 0, burst_overflows = 0;
  // Memory (kB from /proc/PID/status).
  long idle_rss_median_kb = 0, idle_rss_max_kb = 0, idle_anon_median_kb = 0;
  long idle_threads = 0;
  // CPU while they sit idle (every thread, over idle_cpu_window_s): per
  // process, median µs of CPU and wake-ups per second; the name server's.
  double idle_cpu_window_s = 0;
  double idle_cpu_us_per_s = 0, idle_runs_per_s = 0;
  double ns_idle_cpu_us_per_s = 0, ns_idle_runs_per_s = 0;
  size_t idle_measured = 0;   // processes whose memory was read (those registered)
  long ns_rss_before_kb = 0, ns_rss_loaded_kb = 0;
};

// Where and how the run happened.
struct Machine {
  std::string date;         // UTC, when the run started
  long cpus = 0;            // as nproc counts them (CPUs this process may use)
  std::string cpu_model;    // /proc/cpuinfo "model name"
  std::string kernel;       // uname -s -r -m
  std::string software;     // libzmq version, compiler, build type
  std::string load_start, load_end;  // /proc/loadavg
  CpuLoad before;    // the last second before the run
  double waited_s = 0;  // waiting for that second to be quiet
  CpuLoad during;    // the whole run: how much CPU other processes took
};
Machine DescribeMachine();
std::string LoadAverage();  // "1-min 5-min 15-min"

struct Results {
  Machine machine;
  Options options;
  RoundTripResults round_trip;
  ThroughputResults throughput;
  LargeResults large;
  NameServerResults names;
  double total_s = 0;
};

RoundTripResults MeasureRoundTrip(Setup& setup, const Options& options);
RoundTripInstructions MeasureRoundTripInstructions(Setup& setup, const Options& options);
ThroughputResults MeasureThroughput(Setup& setup, const Options& options);
// Section 2's instruction counts; `frame` is the captured Cm frame.
InstructionResults MeasureInstructions(Setup& setup, const Options& options, const std::string& frame);
LargeResults MeasureLarge(Setup& setup, const Options& options);
NameServerResults MeasureNameServer(Setup& setup, const Options& options);

// The Markdown report (bench/BENCHMARKS.md).
void WriteReport(const Results& results, std::ostream& out);

}  // namespace bench

#endif
