// cm_bench: what every section of the benchmark shares.
//
// The driver is one process; every peer it measures against is another
// process it starts (fork/exec via posix_spawn).  Sections run one after the
// other in a single run, so each ratio compares figures taken minutes apart
// on the same machine, never across runs.
#ifndef CM_BENCH_DRIVER_BENCH_H
#define CM_BENCH_DRIVER_BENCH_H

#include <cstddef>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/process.h"
#include "harness/wire.h"

namespace bench {

struct Options {
  int round_trips = 20000;     // per transport, after the warm-up
  int warmup = 2000;           // round trips per transport before measuring
  int small_messages = 300000; // per throughput run
  int large_messages = 24;     // 8 MiB arrays per bandwidth run
  int runs = 5;                // timed runs (after one warm-up run); the median is reported
  int instruction_messages = 20000;  // N of section 2's callgrind counts (N and 2N per side); 0: skipped
  int processes = 500;         // registered processes in the name server section
  int lookups = 5000;
  int cold_sends = 50;
  int quiet_wait = 60;         // seconds to wait for others to use < 25% of the CPUs before starting
  std::string sections = "round-trip,small,large,names";  // which to run
  std::string peer_wrapper; // e.g. "valgrind --tool=callgrind": runs the peers of sections 1-3 under it
  std::string output;          // the Markdown report; empty: stdout
  std::string command = "bash bench/run.sh";
  std::string revision;
};

// What the sections run against: the programs and the name server.
struct Setup {
  std::string bin_dir;          // where cm_bench, its peers and CmNameServer are
  std::string nameserver_endpoint;
  Child nameserver;
  void* zmq_context = nullptr;  // the driver's own, for the raw baselines
  std::unique_ptr<NameServerProbe> probe;

  std::vector<std::string> peer_wrapper;  // words put before a peer's command

  std::string Program(const std::string& name) const { return bin_dir + "/" + name; }
  // The command line of a peer program (under the wrapper, if any).
  std::vector<std::string> Peer(const std::string& program, const std::vector<std::string>& args) const {
    std::vector<std::string> argv = peer_wrapper;
    argv.push_back(Program(program));
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }
  std::vector<std::string> CmPeer(const std::vector<std::string>& args) const { return Peer("cm_bench_cm_peer", args); }
  std::vector<std::string> RawPeer(const std::vector<std::string>& args) const { return Peer("cm_bench_raw_peer", args); }
};

// The error of a section left out by --sections.
constexpr char kNotRun[] = "not run (--sections)";

// A section that cannot go on throws this; the report says why.
struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Starts a peer, waits for its "ready" line and returns what follows it.
std::string StartPeer(Child* child, const std::vector<std::string>& argv, int timeout_ms = 60000);

// Every name the name server lists that starts with `prefix`.
size_t CountNames(Setup& setup, const std::string& prefix, int timeout_ms = 2000);

// Progress on stderr.
void Say(const char* format, ...) __attribute__((format(printf, 1, 2)));

}  // namespace bench

#endif
