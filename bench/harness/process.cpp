#include "harness/process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <dirent.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

extern char** environ;

namespace bench {
namespace {

// Running children, in a fixed array so that the signal handler can walk it
// without allocating.  A stopped child's slot is set to 0.
constexpr size_t kMaxChildren = 4096;
pid_t g_children[kMaxChildren];
size_t g_child_count = 0;

void Remember(pid_t pid) {
  for (size_t i = 0; i < g_child_count; ++i)
    if (g_children[i] == 0) {
      g_children[i] = pid;
      return;
    }
  if (g_child_count < kMaxChildren) g_children[g_child_count++] = pid;
}

void Forget(pid_t pid) {
  for (size_t i = 0; i < g_child_count; ++i)
    if (g_children[i] == pid) g_children[i] = 0;
}

void OnSignal(int sig) {
  for (size_t i = 0; i < g_child_count; ++i)
    if (g_children[i] > 0) kill(g_children[i], SIGKILL);
  _exit(128 + sig);
}

}  // namespace

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    Stop();
    pid_ = std::exchange(other.pid_, -1);
    out_ = std::exchange(other.out_, -1);
    buffer_ = std::move(other.buffer_);
  }
  return *this;
}

Child::~Child() { Stop(); }

bool Child::Start(const std::vector<std::string>& argv, Output output, int stdin_fd) {
  Stop();
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  int fds[2] = {-1, -1};
  if (output == Output::kPipe) {
    // O_CLOEXEC: other children must not hold this pipe open (no EOF otherwise).
    if (pipe2(fds, O_CLOEXEC) != 0) {
      std::perror("pipe2");
      return false;
    }
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  } else {
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  }
  if (stdin_fd >= 0) posix_spawn_file_actions_adddup2(&actions, stdin_fd, STDIN_FILENO);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (fds[1] >= 0) close(fds[1]);
  if (rc != 0) {
    std::fprintf(stderr, "cm_bench: cannot start %s: %s\n", args[0], std::strerror(rc));
    if (fds[0] >= 0) close(fds[0]);
    return false;
  }
  pid_ = pid;
  out_ = fds[0];
  buffer_.clear();
  Remember(pid);
  return true;
}

bool Child::ReadLine(std::string* line, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      *line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return true;
    }
    if (out_ < 0) return false;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd p{out_, POLLIN, 0};
    int n = poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    char chunk[4096];
    ssize_t got = read(out_, chunk, sizeof chunk);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return false;  // the child closed its stdout (exited)
    buffer_.append(chunk, static_cast<size_t>(got));
  }
}

bool Child::WaitFor(const std::string& prefix, std::string* rest, int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::string line;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 || !ReadLine(&line, static_cast<int>(left.count()))) return false;
    if (line.compare(0, prefix.size(), prefix) == 0) {
      *rest = line.substr(prefix.size());
      return true;
    }
  }
}

int Child::Join() {
  if (pid_ <= 0) return -1;
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  Forget(pid_);
  pid_ = -1;
  if (out_ >= 0) close(out_);
  out_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool Child::Exited() {
  if (pid_ <= 0) return true;
  int status;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return false;
  Forget(pid_);
  pid_ = -1;
  if (out_ >= 0) close(out_);
  out_ = -1;
  return true;
}

void Child::Kill() {
  if (pid_ > 0) kill(pid_, SIGKILL);
}

void Child::Stop() {
  if (pid_ <= 0) return;
  // SIGTERM first: a peer under valgrind writes its profile on the way out.
  kill(pid_, SIGTERM);
  for (int waited_ms = 0; waited_ms < 10000; ++waited_ms) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      Forget(pid_);
      pid_ = -1;
      if (out_ >= 0) close(out_);
      out_ = -1;
      return;
    }
    usleep(1000);
  }
  Kill();
  Join();
}

void KillAll() {
  for (size_t i = 0; i < g_child_count; ++i)
    if (g_children[i] > 0) kill(g_children[i], SIGKILL);
  for (size_t i = 0; i < g_child_count; ++i)
    if (g_children[i] > 0) {
      waitpid(g_children[i], nullptr, 0);
      g_children[i] = 0;
    }
}

void InstallCleanup() {
  std::atexit(KillAll);
  struct sigaction sa{};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
}

void DieWithParent() {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() == 1) _exit(1);  // the driver is already gone
}

long StatusKb(pid_t pid, const char* field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string key = std::string(field) + ":";
  std::string line;
  while (std::getline(in, line))
    if (line.compare(0, key.size(), key) == 0) return std::atol(line.c_str() + key.size());
  return -1;
}

double CpuSeconds(pid_t pid) {
  std::ifstream in(pid == 0 ? std::string("/proc/self/stat") : "/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  size_t paren = stat.rfind(')');  // the command name may hold spaces
  if (paren == std::string::npos) return -1;
  std::istringstream fields(stat.substr(paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> field; ++i) {  // fields 14 and 15: utime, stime
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

TaskTimes TaskCpu(pid_t pid) {
  const std::string dir = (pid == 0 ? std::string("/proc/self") : "/proc/" + std::to_string(pid)) + "/task";
  DIR* tasks = opendir(dir.c_str());
  TaskTimes t;
  if (tasks == nullptr) return t;
  unsigned long long on_cpu = 0, waiting = 0, runs = 0, main_on_cpu = 0;
  const std::string main_tid = std::to_string(pid == 0 ? getpid() : pid);
  bool any = false;
  while (dirent* e = readdir(tasks)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream in(dir + "/" + e->d_name + "/schedstat");
    unsigned long long run = 0, wait = 0, slices = 0;
    if (in >> run >> wait >> slices) {  // a thread that just ended has no file: it counts no more
      on_cpu += run;
      waiting += wait;
      runs += slices;
      if (main_tid == e->d_name) main_on_cpu = run;
      any = true;
    }
  }
  closedir(tasks);
  if (any)
    t = TaskTimes{static_cast<double>(on_cpu) / 1e9, static_cast<double>(waiting) / 1e9, static_cast<long>(runs),
                  static_cast<double>(main_on_cpu) / 1e9};
  return t;
}

double ChildrenCpuMs() {
  rusage usage{};
  getrusage(RUSAGE_CHILDREN, &usage);
  auto ms = [](const timeval& t) { return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_usec) / 1e3; };
  return ms(usage.ru_utime) + ms(usage.ru_stime);
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = -1;
  if (fd >= 0 && bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0)
    port = ntohs(addr.sin_port);
  if (fd >= 0) close(fd);
  return port;
}

}  // namespace bench
