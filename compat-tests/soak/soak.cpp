// cm_soak: the soak test (`make soak`; not part of `make test`).
//
// A real CmNameServer on a free loopback port and N real processes
// (cm_soak_process, public C API only) that send numbered messages to each
// other.  For a bounded time the harness SIGKILLs processes at random and
// restarts them under the same name (a new incarnation), and SIGKILLs and
// restarts the name server.  Then it lets the domain settle, asks every
// process to stop (SIGTERM: they stop sending, drain, close, exit 0), and
// checks from the logs that every message a send reported delivered was
// handled exactly once and in order, or is a loss the library reported, or
// died with its killed sender (check.h).  Exit status 0 only then.
//
//   cm_soak [--seconds N] [--processes N] [--rate N] [--burst N] [--seed N] [--dir DIR] [--keep]
//   cm_soak --check DIR          the verdict on a kept run, again
//
// --seconds: of chaos (default 150; then 8 s of calm and about 10 s to stop);
// --rate: times per second each process sends to each of its 3 targets
// (default 20); --burst: messages it sends back to back each time (default
// 4: the library coalesces all but the first, so coalescing is soaked too).
// The environment can say the same: SOAK_SECONDS, SOAK_PROCESSES, SOAK_RATE,
// SOAK_BURST, SOAK_SEED, SOAK_DIR.  The run's directory (logs
// of every process incarnation, the name server and the harness) is removed
// after a pass unless --keep, and kept after a failure.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "children.h"
#include "free_port.h"
#include "logs.h"

namespace soak {
namespace {

constexpr long long kWarmupMs = 3000;      // before the first kill
constexpr long long kCalmMs = 8000;        // after the last one, before stopping
constexpr long long kStopTimeoutMs = 25000;  // a process takes up to ~9 s to stop
constexpr long long kKillEveryMs[2] = {800, 2000};
constexpr long long kNameServerKillEveryMs[2] = {15000, 30000};
constexpr long long kRestartAfterMs[2] = {0, 1000};
constexpr long long kNameServerDownMs[2] = {500, 3000};

struct Settings {
  int seconds = 150, processes = 50, rate = 20, burst = 4;
  unsigned seed = 0;
  std::string dir;
  bool keep = false;
};

struct Process {
  std::string name;
  int index = 0, gen = -1;
  pid_t pid = -1;
  long long restart_at = 0;
};

long long NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

std::string Describe(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

class Harness {
 public:
  explicit Harness(const Settings& s) : s_(s), rng_(s.seed) {}
  bool Run();

 private:
  void Log(const char* format, ...) __attribute__((format(printf, 2, 3)));
  long long Random(const long long (&range)[2]) {
    return std::uniform_int_distribution<long long>(range[0], range[1])(rng_);
  }
  std::string PathOf(const Process& p) const { return s_.dir + "/" + p.name + "." + std::to_string(p.gen) + ".log"; }
  bool Ready(const Process& p) const;
  void StartNameServer();
  void StartProcess(Process& p);
  void KillProcess(Process& p);
  void KillNameServer();
  void Reap(bool stopping);
  void Chaos();
  void Stop();

  Settings s_;
  std::mt19937 rng_;
  std::string bin_;
  int port_ = -1, log_ = -1;
  pid_t ns_ = -1;
  int ns_gen_ = -1;
  long long ns_restart_at_ = 0;
  std::vector<Process> processes_;
  int kills_ = 0, ns_kills_ = 0;
};

void Harness::Log(const char* format, ...) {
  char line[512];
  int n = std::snprintf(line, sizeof line, "%lld ", NowMs());
  va_list args;
  va_start(args, format);
  n += std::vsnprintf(line + n, sizeof line - n - 1, format, args);
  va_end(args);
  line[n++] = '\n';
  if (write(log_, line, n) != n) std::perror("harness.log");
  if (std::strncmp(line + std::strcspn(line, " ") + 1, "FAIL", 4) == 0) std::fwrite(line, 1, n, stderr);
}

// A process is killed only once it has registered: its address is in its
// log, so the check can tell its incarnation in the senders' reports.
bool Harness::Ready(const Process& p) const {
  std::ifstream in(PathOf(p));
  char head[4096] = {};
  in.read(head, sizeof head - 1);
  return std::strstr(head, " READY\n") != nullptr;
}

void Harness::StartNameServer() {
  ++ns_gen_;
  std::string port = std::to_string(port_);
  ns_ = Spawn({bin_ + "/CmNameServer", "--port", port, "--log-level", "warn"},
              s_.dir + "/ns." + std::to_string(ns_gen_) + ".log");
  Log("NSSTART %d %d", ns_gen_, ns_);
}

void Harness::StartProcess(Process& p) {
  ++p.gen;
  std::string log = PathOf(p);
  p.pid = Spawn({bin_ + "/cm_soak_process", p.name, std::to_string(p.index), std::to_string(s_.processes), log,
                 std::to_string(s_.rate), std::to_string(s_.burst)},
                log);
  Log("START %s %d %d", p.name.c_str(), p.gen, p.pid);
}

// Logged before the signal: a loaded machine may take a second or more to
// tear a killed process down, and the check needs the moment it stopped.
void Harness::KillProcess(Process& p) {
  Log("KILL %s %d %d", p.name.c_str(), p.gen, p.pid);
  kill(p.pid, SIGKILL);
  int status;
  waitpid(p.pid, &status, 0);
  Forget(p.pid);
  ++kills_;
  p.pid = -1;
  p.restart_at = NowMs() + Random(kRestartAfterMs);
}

void Harness::KillNameServer() {
  Log("NSKILL %d %d", ns_gen_, ns_);
  kill(ns_, SIGKILL);
  int status;
  waitpid(ns_, &status, 0);
  Forget(ns_);
  ++ns_kills_;
  ns_ = -1;
  ns_restart_at_ = NowMs() + Random(kNameServerDownMs);
}

// Children that exited by themselves: a failure, except an exit 0 when asked
// to stop.  During the chaos a crashed process is restarted and the run goes on.
void Harness::Reap(bool stopping) {
  int status;
  pid_t pid;
  while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
    Forget(pid);
    if (pid == ns_) {
      if (!stopping) Log("FAIL the name server (pid %d) exited by itself: %s", pid, Describe(status).c_str());
      ns_ = -1;
      ns_restart_at_ = NowMs() + 1000;
      continue;
    }
    for (Process& p : processes_) {
      if (p.pid != pid) continue;
      if (!stopping || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        Log("FAIL %s %d (pid %d) exited by itself: %s", p.name.c_str(), p.gen, pid, Describe(status).c_str());
      p.pid = -1;
      p.restart_at = NowMs() + 500;
    }
  }
}

void Harness::Chaos() {
  long long start = NowMs(), end = start + s_.seconds * 1000LL;
  long long next_kill = start + kWarmupMs, next_ns_kill = start + Random(kNameServerKillEveryMs);
  long long next_progress = start + 30000;
  while (NowMs() < end) {
    Reap(false);
    long long now = NowMs();
    for (Process& p : processes_)
      if (p.pid < 0 && now >= p.restart_at) StartProcess(p);
    if (ns_ < 0 && now >= ns_restart_at_) StartNameServer();
    if (now >= next_kill) {
      std::vector<Process*> ready;
      for (Process& p : processes_)
        if (p.pid > 0 && Ready(p)) ready.push_back(&p);
      if (!ready.empty()) KillProcess(*ready[std::uniform_int_distribution<size_t>(0, ready.size() - 1)(rng_)]);
      next_kill = now + Random(kKillEveryMs);
    }
    if (now >= next_ns_kill && ns_ > 0) {
      KillNameServer();
      next_ns_kill = now + Random(kNameServerKillEveryMs);
    }
    if (now >= next_progress) {
      std::printf("soak: %lld s, %d process kills, %d name server kills\n", (now - start) / 1000, kills_, ns_kills_);
      std::fflush(stdout);
      next_progress += 30000;
    }
    usleep(10000);
  }
}

void Harness::Stop() {
  Log("CALM");
  long long calm_end = NowMs() + kCalmMs;
  while (NowMs() < calm_end) {
    Reap(false);
    for (Process& p : processes_)
      if (p.pid < 0) StartProcess(p);
    if (ns_ < 0) StartNameServer();
    usleep(10000);
  }
  Log("STOP");
  for (Process& p : processes_)
    if (p.pid > 0) kill(p.pid, SIGTERM);
  long long deadline = NowMs() + kStopTimeoutMs;
  auto running = [this] {
    for (const Process& p : processes_)
      if (p.pid > 0) return true;
    return false;
  };
  while (running() && NowMs() < deadline) {
    Reap(true);
    usleep(10000);
  }
  for (Process& p : processes_) {
    if (p.pid < 0) continue;
    Log("FAIL %s %d (pid %d) still running %lld s after SIGTERM (a hang): killed", p.name.c_str(), p.gen, p.pid,
        kStopTimeoutMs / 1000);
    kill(p.pid, SIGKILL);
    waitpid(p.pid, nullptr, 0);
    Forget(p.pid);
    p.pid = -1;
  }
  if (ns_ > 0) {
    kill(ns_, SIGTERM);
    for (int i = 0; i < 300 && waitpid(ns_, nullptr, WNOHANG) == 0; ++i) usleep(10000);
    KillAll();  // the name server, if it is still there
    ns_ = -1;
  }
  Log("DONE");
}

bool Harness::Run() {
  log_ = open((s_.dir + "/harness.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  char self[4096] = {};
  if (log_ < 0 || readlink("/proc/self/exe", self, sizeof self - 1) <= 0) return false;
  // Run copies: others may rebuild build/ while the soak runs.
  std::filesystem::path built = std::filesystem::path(self).parent_path();
  bin_ = s_.dir + "/bin";
  std::error_code error;
  std::filesystem::create_directories(bin_, error);
  for (const auto& [from, to] : {std::pair{built / "CmNameServer", "CmNameServer"},
                                 std::pair{built / "cm_soak_process", "cm_soak_process"},
                                 std::pair{built.parent_path() / CM_LIBRARY_SONAME, CM_LIBRARY_SONAME}})
    if (!std::filesystem::copy_file(from, bin_ + "/" + to, std::filesystem::copy_options::overwrite_existing, error)) {
      std::cerr << "cm_soak: cannot copy " << from << ": " << error.message() << "\n";
      return false;
    }
  setenv("LD_LIBRARY_PATH", bin_.c_str(), 1);  // before the RUNPATH into build/
  port_ = cm::FreePort();
  std::string endpoint = "tcp://127.0.0.1:" + std::to_string(port_);
  // A site's domain settings must not leak in; CM_LOG=info puts each
  // process's address ("registered as") in its log.
  for (const char* v : {"CMDOMAIN", "CMDOMAIN_DATABASE", "CMMGR", "CMROOT", "CM_HOST", "CM_SECRET"}) unsetenv(v);
  setenv("CM_NAMESERVER", endpoint.c_str(), 1);
  setenv("CM_LOG", "info", 1);
  Log("BEGIN processes=%d rate=%d burst=%d seconds=%d seed=%u nameserver=%s", s_.processes, s_.rate, s_.burst,
      s_.seconds, s_.seed,
      endpoint.c_str());
  StartNameServer();
  for (int i = 0; i < s_.processes; ++i) {
    Process p;
    char name[16];
    std::snprintf(name, sizeof name, "p%02d", i);
    p.name = name;
    p.index = i;
    processes_.push_back(p);
  }
  for (Process& p : processes_) StartProcess(p);
  Chaos();
  Stop();
  return true;
}

int Usage() {
  std::cerr << "usage: cm_soak [--seconds N] [--processes N] [--rate N] [--burst N] [--seed N] [--dir DIR] [--keep]\n"
               "       cm_soak --check DIR\n";
  return 2;
}

int Judge(const std::string& dir) {
  soak::Run run;
  std::string error;
  if (!ReadRun(dir, &run, &error)) {
    std::cerr << "cm_soak: " << error << "\n";
    return 2;
  }
  soak::Verdict v = Check(run);
  PrintSummary(run, v, std::cout);
  return v.failures.empty() ? 0 : 1;
}

}  // namespace
}  // namespace soak

int main(int argc, char** argv) {
  soak::Settings s;
  auto env = [](const char* name, long otherwise) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? std::atol(v) : otherwise;
  };
  s.seconds = static_cast<int>(env("SOAK_SECONDS", s.seconds));
  s.processes = static_cast<int>(env("SOAK_PROCESSES", s.processes));
  s.rate = static_cast<int>(env("SOAK_RATE", s.rate));
  s.burst = static_cast<int>(env("SOAK_BURST", s.burst));
  s.seed = static_cast<unsigned>(env("SOAK_SEED", static_cast<long>(time(nullptr))));
  if (const char* d = std::getenv("SOAK_DIR")) s.dir = d;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    bool has_value = i + 1 < argc;
    if (a == "--keep") s.keep = true;
    else if (a == "--check" && has_value) return soak::Judge(argv[++i]);
    else if (a == "--seconds" && has_value) s.seconds = std::atoi(argv[++i]);
    else if (a == "--processes" && has_value) s.processes = std::atoi(argv[++i]);
    else if (a == "--rate" && has_value) s.rate = std::atoi(argv[++i]);
    else if (a == "--burst" && has_value) s.burst = std::atoi(argv[++i]);
    else if (a == "--seed" && has_value) s.seed = static_cast<unsigned>(std::atol(argv[++i]));
    else if (a == "--dir" && has_value) s.dir = argv[++i];
    else return soak::Usage();
  }
  if (s.seconds < 1 || s.processes < 2 || s.processes > 100 || s.rate < 1 || s.rate > 1000 || s.burst < 1 ||
      s.burst > 100)
    return soak::Usage();
  if (s.dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp ? tmp : "/tmp") + "/cm-soak.XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
      std::perror("cm_soak: mkdtemp");
      return 2;
    }
    s.dir = pattern;
  } else {
    std::filesystem::create_directories(s.dir);
  }
  soak::InstallCleanup();
  std::printf("soak: %d processes, %d s of chaos, seed %u, logs in %s\n", s.processes, s.seconds, s.seed,
              s.dir.c_str());
  std::fflush(stdout);
  soak::Harness harness(s);
  if (!harness.Run()) {
    std::cerr << "cm_soak: could not start in " << s.dir << "\n";
    return 2;
  }
  int status = soak::Judge(s.dir);
  if (status == 0 && !s.keep)
    std::filesystem::remove_all(s.dir);
  else
    std::printf("soak: logs kept in %s\n", s.dir.c_str());
  return status;
}
