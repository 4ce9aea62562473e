// Sections 4 and 5: the name server under 500 registered processes, and
// what an idle registered process and the loaded name server cost in memory.
//
// The processes are real (cm_bench_cm_peer echo bench_idle_<i>), started in
// a tight loop; "registered" is when the name server holds all of them (its
// count polled every few milliseconds, then its list to confirm).  Two more figures put
// that time in proportion: how long the machine takes to start as many
// processes that exit at once, and how long as many processes that are
// already running take to register when released together.  Each of the two
// registrations is measured in plain libzmq as well, just before: processes
// that make the same sockets and send one request to a ROUTER in the driver
// that answers at once (what any libzmq process pays to register, the
// library and the name server aside).
#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CmConnect.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "driver/cm_client.h"
#include "driver/raw_registry.h"
#include "driver/results.h"

namespace bench {
namespace {

const std::string kPrefix = "bench_idle_";
constexpr int kPollMs = 5;
constexpr double kRegisterTimeoutS = 60;

std::string IdleName(size_t i) { return kPrefix + std::to_string(i); }

Latency Summarize(std::vector<double>& us) {
  Latency l;
  l.samples = us.size();
  l.median_us = Percentile(us, 50);
  l.p99_us = Percentile(us, 99);
  return l;
}

long MedianKb(std::vector<double> kb) { return static_cast<long>(Median(std::move(kb))); }

// Polls the name server until `want` names with our prefix are listed, or,
// with `children`, until every child is either listed or gone (a process that
// could not register exits).  The seconds since t0, or -1 on timeout.  It
// polls the count of all names (NSGetStatistics), cheap for the name server,
// and lists the names (NSGetNames: 500 entries cost the name server about
// 0.5 ms) only to confirm: asking for the list every few milliseconds took
// up to 15% of the name server's CPU in the middle of what is measured.
double WaitUntilListed(Setup& setup, size_t want, Clock::time_point t0, size_t* listed,
                       std::vector<Child>* children = nullptr, size_t* exited = nullptr) {
  auto total = [&setup] {
    size_t n = 0;
    if (!setup.probe->Count(&n, 2000)) throw Failure("the name server did not answer NSGetStatistics");
    return n;
  };
  size_t all = total();
  *listed = CountNames(setup, kPrefix);
  size_t others = all >= *listed ? all - *listed : 0;  // names not ours (the driver's, a peer's)
  for (;;) {
    size_t gone = 0;
    if (children != nullptr)
      for (Child& c : *children) gone += c.Exited();
    if (exited != nullptr) *exited = gone;
    size_t ours = all >= others ? all - others : 0;
    if (ours == want || (children != nullptr && ours + gone >= want)) {
      double seconds = SecondsSince(t0);
      *listed = CountNames(setup, kPrefix);  // confirm by name
      if (*listed == want || (children != nullptr && *listed + gone >= want)) return seconds;
      others = all >= *listed ? all - *listed : 0;  // another name came or went meanwhile
    }
    if (SecondsSince(t0) > kRegisterTimeoutS) {
      *listed = CountNames(setup, kPrefix);
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
    all = total();
  }
}

// The names with our prefix that the name server lists, sorted.
std::vector<std::string> ListedNames(Setup& setup) {
  std::vector<NameEntry> entries;
  if (!setup.probe->Names(&entries, 2000)) throw Failure("the name server did not answer NSGetNames");
  std::vector<std::string> names;
  for (const NameEntry& e : entries)
    if (e.name.compare(0, kPrefix.size(), kPrefix) == 0) names.push_back(e.name);
  std::sort(names.begin(), names.end());
  return names;
}

void KillAndReap(std::vector<Child>& children) {
  for (Child& c : children) c.Kill();
  for (Child& c : children) c.Stop();
}

// Kills them all; the seconds until the name server lists none of them.
double KillAndWaitDropped(Setup& setup, std::vector<Child>& children) {
  Clock::time_point t0 = Clock::now();
  KillAndReap(children);
  size_t left = 0;
  return WaitUntilListed(setup, 0, t0, &left);
}

// Waits until the raw registry has answered `want` processes, or every
// child is either answered or gone.  The seconds since t0, or -1 on timeout.
double WaitUntilCounted(const RawRegistry& registry, size_t want, Clock::time_point t0, std::vector<Child>& children,
                        size_t* failed) {
  for (;;) {
    size_t gone = 0;
    for (Child& c : children) gone += c.Exited();
    *failed = gone;
    if (registry.count() + gone >= want) return SecondsSince(t0);
    if (SecondsSince(t0) > kRegisterTimeoutS) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(kPollMs));
  }
}

// Counts the CPU used from construction until Stop(), by whom.
class SpawnCpuMeter {
 public:
  explicit SpawnCpuMeter(pid_t name_server = -1)
      : name_server_(name_server), machine0_(SampleCpu()), driver0_(TaskCpu(0)), name_server0_(NameServerCpu()) {}
  SpawnCpu Stop(std::vector<Child>& children) const {
    SpawnCpu cpu;
    CpuSample machine1 = SampleCpu();
    for (const Child& c : children) {
      if (!c.running()) continue;  // exited unregistered (counted as failed)
      TaskTimes t = TaskCpu(c.pid());
      if (t.on_cpu_s < 0) continue;
      cpu.children_s += t.on_cpu_s;
      cpu.children_main_s += t.main_on_cpu_s;
      cpu.children_waiting_s += t.waiting_s;
    }
    cpu.driver_s = TaskCpu(0).on_cpu_s - driver0_.on_cpu_s;
    cpu.name_server_s = name_server_ < 0 ? 0 : NameServerCpu().on_cpu_s - name_server0_.on_cpu_s;
    cpu.machine_s = machine1.busy_s - machine0_.busy_s;
    cpu.measured = true;
    return cpu;
  }

 private:
  TaskTimes NameServerCpu() const { return name_server_ < 0 ? TaskTimes{0, 0} : TaskCpu(name_server_); }
  pid_t name_server_;
  CpuSample machine0_;
  TaskTimes driver0_, name_server0_;
};

// True once the process sleeps in read(2) (x86-64 syscall 0) on its stdin.
bool BlockedInRead(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/syscall");
  long number = -1;
  return static_cast<bool>(in >> number) && number == 0;
}

void Start(std::vector<Child>* children, const std::vector<std::string>& argv, int stdin_fd = -1) {
  Child c;
  if (!c.Start(argv, Child::Output::kDiscard, stdin_fd)) throw Failure("cannot start " + argv[0]);
  children->push_back(std::move(c));
}

// Starts `count` processes, argv(i) each, held in a read of one pipe; returns
// that pipe's write end once all of them wait on it (closing it releases them).
int StartHeld(std::vector<Child>* held, size_t count, const std::function<std::vector<std::string>(size_t)>& argv) {
  int hold[2];
  if (pipe2(hold, O_CLOEXEC) != 0) throw Failure("pipe2 failed");
  for (size_t i = 0; i < count; ++i) Start(held, argv(i), hold[0]);
  close(hold[0]);
  Clock::time_point t0 = Clock::now();
  for (Child& c : *held)
    while (!BlockedInRead(c.pid())) {
      if (SecondsSince(t0) > kRegisterTimeoutS) throw Failure("held processes did not all start");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  return hold[1];
}

// The same in plain libzmq.
void MeasureRawBurst(Setup& setup, NameServerResults* r) {
  RawRegistry registry(setup.zmq_context);
  const std::string raw_peer = setup.Program("cm_bench_raw_peer");
  std::vector<Child> held;
  int release = StartHeld(&held, r->processes, [&](size_t i) {
    return std::vector<std::string>{raw_peer, "held-zmq-register", registry.endpoint(), IdleName(i)};
  });
  Clock::time_point t0 = Clock::now();
  close(release);
  r->raw_burst_s = WaitUntilCounted(registry, r->processes, t0, held, &r->raw_burst_failed);
  Say("raw libzmq burst: %zu of %zu processes answered in %.3f s, %zu failed", registry.count(), r->processes,
      r->raw_burst_s, r->raw_burst_failed);
  KillAndReap(held);
}

// The processes registered at once: started, held before their first Cm call
// until every one of them waits, then released together.
void MeasureBurst(Setup& setup, const std::string& peer, NameServerResults* r) {
  std::vector<Child> held;
  int release = StartHeld(&held, r->processes, [&](size_t i) {
    return std::vector<std::string>{peer, "held-echo", IdleName(i)};
  });
  long overflows = TcpExtCounter("ListenOverflows");
  Clock::time_point t0 = Clock::now();
  close(release);  // end of file for all of them at once
  r->burst_s = WaitUntilListed(setup, r->processes, t0, &r->burst_registered, &held, &r->burst_failed);
  r->burst_overflows = TcpExtCounter("ListenOverflows") - overflows;
  Say("burst: %zu of %zu already-running processes registered in %.3f s, %zu failed", r->burst_registered,
      r->processes, r->burst_s, r->burst_failed);
  KillAndWaitDropped(setup, held);
}

// CPU per process (user + system, every thread) of `count` processes run one
// after another, argv(i) each; each must exit with status 0.
double CpuPerProcessMs(size_t count, const std::function<std::vector<std::string>(size_t)>& argv) {
  double before = ChildrenCpuMs();
  for (size_t i = 0; i < count; ++i) {
    Child c;
    if (!c.Start(argv(i), Child::Output::kDiscard)) throw Failure("cannot start " + argv(i)[0]);
    if (c.Join() != 0) throw Failure(argv(i)[0] + " " + argv(i)[1] + " failed");
  }
  return (ChildrenCpuMs() - before) / static_cast<double>(count);
}

// The CPU a registration costs a process, through the library and in plain
// libzmq, beside that of a process that only starts and exits.
void MeasureRegistrationCpu(Setup& setup, const std::string& peer, NameServerResults* r) {
  RawRegistry registry(setup.zmq_context);
  const std::string raw_peer = setup.Program("cm_bench_raw_peer");
  r->cpu_processes = std::min<size_t>(r->processes, 100);
  r->cpu_exit_ms = CpuPerProcessMs(r->cpu_processes, [&](size_t) { return std::vector<std::string>{peer, "exit"}; });
  r->cpu_cm_ms = CpuPerProcessMs(r->cpu_processes, [&](size_t i) {
    return std::vector<std::string>{peer, "register-exit", "bench_cpu_" + std::to_string(i)};
  });
  r->cpu_raw_ms = CpuPerProcessMs(r->cpu_processes, [&](size_t i) {
    return std::vector<std::string>{raw_peer, "zmq-register-exit", registry.endpoint(), IdleName(i)};
  });
  Say("CPU per process, %zu one after another: exit %.1f ms, register through the library %.1f ms, in plain "
      "libzmq %.1f ms",
      r->cpu_processes, r->cpu_exit_ms, r->cpu_cm_ms, r->cpu_raw_ms);
}

// What registered processes cost the machine while they wait with nothing
// to do: the heartbeats of the name server's links, and any wake-up of
// their own.
void MeasureIdleCpu(Setup& setup, std::vector<Child>& idle, NameServerResults* r) {
  constexpr double kWindowS = 5;
  auto sample = [&](std::vector<TaskTimes>* out) {
    out->clear();
    for (const Child& c : idle) out->push_back(TaskCpu(c.pid()));
    out->push_back(TaskCpu(setup.nameserver.pid()));
  };
  std::vector<TaskTimes> before, after;
  sample(&before);
  Clock::time_point t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(kWindowS * 1000)));
  sample(&after);
  double seconds = SecondsSince(t0);
  std::vector<double> us, runs;
  for (size_t i = 0; i + 1 < before.size(); ++i) {
    if (before[i].runs < 0 || after[i].runs < 0) continue;
    us.push_back((after[i].on_cpu_s - before[i].on_cpu_s) * 1e6 / seconds);
    runs.push_back(static_cast<double>(after[i].runs - before[i].runs) / seconds);
  }
  if (us.empty()) return;
  r->idle_cpu_window_s = seconds;
  r->idle_cpu_us_per_s = Median(us);
  r->idle_runs_per_s = Median(runs);
  r->ns_idle_cpu_us_per_s = (after.back().on_cpu_s - before.back().on_cpu_s) * 1e6 / seconds;
  r->ns_idle_runs_per_s = static_cast<double>(after.back().runs - before.back().runs) / seconds;
  Say("idle: %.0f us of CPU and %.1f wake-ups per second per process (median), name server %.0f us/s", r->idle_cpu_us_per_s,
      r->idle_runs_per_s, r->ns_idle_cpu_us_per_s);
}

}  // namespace

NameServerResults MeasureNameServer(Setup& setup, const Options& options) {
  NameServerResults r;
  r.processes = static_cast<size_t>(options.processes);
  // Never under the peer wrapper: 500 processes under valgrind would say
  // nothing about the library.
  const std::string peer = setup.Program("cm_bench_cm_peer");

  // What starting that many processes costs by itself: the same program,
  // linked to the same libraries, exiting at once.
  {
    std::vector<Child> quick;
    Clock::time_point t0 = Clock::now();
    for (size_t i = 0; i < r.processes; ++i) Start(&quick, {peer, "exit"});
    for (Child& c : quick) c.Join();
    r.exit_only_s = SecondsSince(t0);
  }

  MeasureRegistrationCpu(setup, peer, &r);

  // The same steps in plain libzmq, against a registry that only answers.
  {
    RawRegistry registry(setup.zmq_context);
    const std::string raw_peer = setup.Program("cm_bench_raw_peer");
    std::vector<Child> raw;
    SpawnCpuMeter meter;
    Clock::time_point t0 = Clock::now();
    for (size_t i = 0; i < r.processes; ++i) Start(&raw, {raw_peer, "zmq-register", registry.endpoint(), IdleName(i)});
    r.raw_registered_s = WaitUntilCounted(registry, r.processes, t0, raw, &r.raw_failed);
    r.raw_spawn_cpu = meter.Stop(raw);
    Say("raw libzmq: %zu of %zu processes answered in %.3f s, %zu failed", registry.count(), r.processes,
        r.raw_registered_s, r.raw_failed);
    KillAndReap(raw);
  }

  // The figure of the target: from the first spawn until all are listed.
  r.ns_rss_before_kb = StatusKb(setup.nameserver.pid(), "VmRSS");
  std::vector<Child> idle;
  long overflows = TcpExtCounter("ListenOverflows");
  SpawnCpuMeter meter(setup.nameserver.pid());
  Clock::time_point t0 = Clock::now();
  for (size_t i = 0; i < r.processes; ++i) Start(&idle, {peer, "echo", IdleName(i)});
  r.spawn_s = SecondsSince(t0);
  r.registered_s = WaitUntilListed(setup, r.processes, t0, &r.registered, &idle, &r.failed);
  r.overflows = TcpExtCounter("ListenOverflows") - overflows;
  r.spawn_cpu = meter.Stop(idle);
  if (r.registered_s < 0)
    throw Failure("only " + std::to_string(r.registered) + " of " + std::to_string(r.processes) +
                  " processes registered within " + std::to_string(static_cast<int>(kRegisterTimeoutS)) + " s");
  Say("%zu of %zu processes registered in %.3f s, %zu failed (spawn loop %.3f s; %zu exit-only processes: %.3f s)",
      r.registered, r.processes, r.registered_s, r.failed, r.spawn_s, r.processes, r.exit_only_s);
  if (r.registered < 2) throw Failure("fewer than 2 processes registered");
  // The rest uses the processes that did register.
  idle.erase(std::remove_if(idle.begin(), idle.end(), [](const Child& c) { return !c.running(); }), idle.end());
  std::vector<std::string> names = ListedNames(setup);

  // Memory, now that every process sits registered and idle in CmMessageWait.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::vector<double> rss, anon;
  for (Child& c : idle) {
    rss.push_back(static_cast<double>(StatusKb(c.pid(), "VmRSS")));
    anon.push_back(static_cast<double>(StatusKb(c.pid(), "RssAnon")));
  }
  r.idle_rss_median_kb = MedianKb(rss);
  r.idle_rss_max_kb = static_cast<long>(*std::max_element(rss.begin(), rss.end()));
  r.idle_anon_median_kb = MedianKb(anon);
  r.idle_threads = StatusKb(idle[0].pid(), "Threads");
  r.idle_measured = idle.size();
  r.ns_rss_loaded_kb = StatusKb(setup.nameserver.pid(), "VmRSS");
  MeasureIdleCpu(setup, idle, &r);

  // Lookups: names of the second half (the first half is kept cold).
  size_t half = names.size() / 2;
  std::vector<double> us;
  Clock::time_point start = Clock::now();
  for (int k = 0; k < options.lookups; ++k) {
    const std::string& name = names[half + static_cast<size_t>(k) % (names.size() - half)];
    Clock::time_point a = Clock::now();
    if (CmConnectGetReference(const_cast<char*>(name.c_str())) == nullptr) throw Failure("lookup of " + name + " failed");
    us.push_back(NanosBetween(a, Clock::now()) / 1000.0);
  }
  r.lookups_per_s = options.lookups / SecondsSince(start);
  r.lookup = Summarize(us);

  // Cold first sends: names never looked up nor sent to.
  CmMessage ping = NewPing(64);
  std::vector<double> send_us, reply_us;
  for (size_t k = 0; k < std::min<size_t>(options.cold_sends, half); ++k) {
    const std::string& name = names[k];
    Clock::time_point a = Clock::now(), sent;
    if (!CmRoundTrip(ping, name.c_str(), 5.0, &sent)) throw Failure("cold send to " + name + " failed");
    Clock::time_point b = Clock::now();
    send_us.push_back(NanosBetween(a, sent) / 1000.0);
    reply_us.push_back(NanosBetween(a, b) / 1000.0);
  }
  CmMessageDelete(ping);
  r.cold_send = Summarize(send_us);
  r.cold_reply = Summarize(reply_us);
  Say("lookups %.0f/s; cold send %.0f us, reply after %.0f us (medians)", r.lookups_per_s, r.cold_send.median_us,
      r.cold_reply.median_us);

  r.dropped_s = KillAndWaitDropped(setup, idle);
  MeasureRawBurst(setup, &r);
  MeasureBurst(setup, peer, &r);
  return r;
}

}  // namespace bench
