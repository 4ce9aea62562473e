// cm_bench: measures libCm-zmq against raw TCP and raw libzmq in one run and
// writes the Markdown report (bench/BENCHMARKS.md).  bench/run.sh builds and
// runs it; see the report for what each section measures.
#include <unistd.h>
#include <zmq.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <boost/program_options.hpp>

#include "driver/cm_client.h"
#include "driver/results.h"

namespace po = boost::program_options;

namespace bench {

void Say(const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  std::fprintf(stderr, "cm_bench: ");
  std::vfprintf(stderr, format, args);
  std::fprintf(stderr, "\n");
  va_end(args);
}

std::string StartPeer(Child* child, const std::vector<std::string>& argv, int timeout_ms) {
  if (!child->Start(argv, Child::Output::kPipe)) throw Failure("cannot start " + argv[0]);
  std::string rest;
  if (!child->WaitFor("ready", &rest, timeout_ms)) throw Failure(argv[0] + " " + argv[1] + " did not become ready");
  return rest.empty() ? rest : rest.substr(1);  // after "ready "
}

size_t CountNames(Setup& setup, const std::string& prefix, int timeout_ms) {
  std::vector<NameEntry> names;
  if (!setup.probe->Names(&names, timeout_ms)) throw Failure("the name server did not answer NSGetNames");
  size_t n = 0;
  for (const NameEntry& e : names) n += e.name.compare(0, prefix.size(), prefix) == 0;
  return n;
}

double Rate::Median() const { return bench::Median(runs); }

namespace {

std::string BinDir() {
  char path[4096];
  ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
  std::string exe(path, n > 0 ? static_cast<size_t>(n) : 0);
  return exe.substr(0, exe.rfind('/'));
}

// The name server on a free port, then this process registered as a Cm
// server (the senders in every section are this process).
void StartNameServer(Setup& setup) {
  int port = FreePort();
  setup.nameserver_endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  // Inherited by every peer started from now on.
  setenv("CM_NAMESERVER", setup.nameserver_endpoint.c_str(), 1);
  if (!setup.nameserver.Start({setup.Program("CmNameServer"), "--port", std::to_string(port), "--log-level", "warn"},
                              Child::Output::kDiscard))
    throw Failure("cannot start CmNameServer");
  setup.probe = std::make_unique<NameServerProbe>(setup.zmq_context, setup.nameserver_endpoint);
  std::vector<NameEntry> names;
  Clock::time_point t0 = Clock::now();
  while (!setup.probe->Names(&names, 200))
    if (SecondsSince(t0) > 10) throw Failure("CmNameServer did not answer within 10 s");
  if (!OpenCmClient("bench_driver")) throw Failure("CmMessageOpenServer(\"bench_driver\") failed");
}

// Waits (at most --quiet-wait seconds) for a second in which other processes
// use less than a quarter of the CPUs: compilers running beside a benchmark
// make its figures noise.
void WaitForQuiet(const Options& o, Machine* machine) {
  Clock::time_point t0 = Clock::now();
  for (bool said = false;; said = true) {
    CpuSample a = SampleCpu();
    std::this_thread::sleep_for(std::chrono::seconds(1));
    machine->before = LoadBetween(a, SampleCpu(), machine->cpus);
    if (machine->before.others_share < 0.25 || SecondsSince(t0) >= o.quiet_wait) break;
    if (!said)
      Say("other processes use %.0f%% of the CPUs; waiting up to %d s for a quieter machine",
          100 * machine->before.others_share, o.quiet_wait);
  }
  machine->waited_s = SecondsSince(t0) - 1;
}

template <typename Section>
void Run(const char* what, std::string* error, Section section) {
  Say("%s...", what);
  try {
    section();
  } catch (const std::exception& e) {
    *error = e.what();
    Say("%s failed: %s", what, e.what());
  }
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  using namespace bench;
  Options o;
  po::options_description options("Options");
  options.add_options()
      ("help,h", "print this help and exit")
      ("output,o", po::value(&o.output)->value_name("FILE"), "write the Markdown report there (default: stdout)")
      ("command", po::value(&o.command)->value_name("TEXT"), "the command line to record in the report")
      ("revision", po::value(&o.revision)->value_name("TEXT"), "the source revision to record in the report")
      ("sections", po::value(&o.sections)->value_name("LIST"),
       "comma-separated sections to run: round-trip, small, large, names (default: all)")
      ("peer-wrapper", po::value(&o.peer_wrapper)->value_name("COMMAND"),
       "run the peers of the first three sections under COMMAND (for profiling, e.g.\n"
       "'valgrind --tool=callgrind')")
      ("quiet-wait", po::value(&o.quiet_wait)->value_name("SECONDS"),
       "wait at most this long for other processes to use less than 25% of the CPUs (default 60)")
      ("round-trips", po::value(&o.round_trips), "round trips measured per transport")
      ("small-messages", po::value(&o.small_messages), "small messages per throughput run")
      ("large-messages", po::value(&o.large_messages), "8 MiB arrays per bandwidth run")
      ("runs", po::value(&o.runs),
       "timed runs per throughput figure (the median is reported), and of the round trips\n"
       "(pooled; each run's ratio is reported too)")
      ("instruction-messages", po::value(&o.instruction_messages)->value_name("N"),
       "section 2's instruction counts: each side runs N and 2N messages under callgrind\n"
       "(default 20000; 0 skips them)")
      ("processes", po::value(&o.processes), "processes registered in the name server section");
  po::variables_map args;
  try {
    po::store(po::parse_command_line(argc, argv, options), args);
    po::notify(args);
  } catch (const po::error& e) {
    std::fprintf(stderr, "cm_bench: %s (try --help)\n", e.what());
    return 2;
  }
  if (args.count("help")) {
    std::cout << "Usage: cm_bench [options]\n\nMeasures libCm-zmq against raw TCP and raw libzmq between separate\n"
                 "processes on loopback, and writes a Markdown report.\n\n"
              << options;
    return 0;
  }
  if (o.round_trips < 1 || o.small_messages < 1 || o.large_messages < 1 || o.runs < 1 || o.processes < 2 ||
      o.instruction_messages < 0) {
    std::fprintf(stderr, "cm_bench: counts must be positive (and --processes at least 2)\n");
    return 2;
  }

  InstallCleanup();
  Results results;
  results.options = o;
  results.machine = DescribeMachine();
  WaitForQuiet(o, &results.machine);
  CpuSample cpu_start = SampleCpu();
  results.machine.load_start = LoadAverage();
  Clock::time_point t0 = Clock::now();
  Setup setup;
  setup.bin_dir = BinDir();
  std::istringstream words(o.peer_wrapper);
  for (std::string w; words >> w;) setup.peer_wrapper.push_back(w);
  auto wanted = [&](const char* section) { return ("," + o.sections + ",").find(std::string(",") + section + ",") != std::string::npos; };
  setup.zmq_context = zmq_ctx_new();
  try {
    StartNameServer(setup);
  } catch (const Failure& e) {
    Say("%s", e.what());
    return 1;
  }
  if (wanted("round-trip"))
    Run("round trip", &results.round_trip.error, [&] { results.round_trip = MeasureRoundTrip(setup, o); });
  else
    results.round_trip.error = kNotRun;
  if (wanted("small"))
    Run("small-message throughput", &results.throughput.error, [&] { results.throughput = MeasureThroughput(setup, o); });
  else
    results.throughput.error = kNotRun;
  if (wanted("large"))
    Run("large arrays", &results.large.error, [&] { results.large = MeasureLarge(setup, o); });
  else
    results.large.error = kNotRun;
  if (wanted("names"))
    Run("name server and memory", &results.names.error, [&] { results.names = MeasureNameServer(setup, o); });
  else
    results.names.error = kNotRun;
  results.total_s = SecondsSince(t0);
  results.machine.load_end = LoadAverage();

  CmMessageCloseServer();
  setup.nameserver.Stop();
  results.machine.during = LoadBetween(cpu_start, SampleCpu(), results.machine.cpus);
  if (o.output.empty()) {
    WriteReport(results, std::cout);
  } else {
    std::string temporary = o.output + ".tmp";
    std::ofstream out(temporary);
    WriteReport(results, out);
    out.close();
    if (!out || std::rename(temporary.c_str(), o.output.c_str()) != 0) {
      Say("cannot write %s", o.output.c_str());
      return 1;
    }
    Say("wrote %s (%.0f s)", o.output.c_str(), results.total_s);
  }
  bool failed = false;
  for (const std::string* e : {&results.round_trip.error, &results.throughput.error, &results.large.error,
                               &results.names.error})
    failed = failed || (!e->empty() && *e != kNotRun);
  return failed ? 1 : 0;
}
