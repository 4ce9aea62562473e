// Processes of the migration tests: programs started with their output in a
// file (read line by line as they run), name servers on free loopback
// ports, and the checks a kill -9 test needs (is that pid gone?).
#ifndef CM_MIGRATION_TESTS_PROCESSES_H
#define CM_MIGRATION_TESTS_PROCESSES_H

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "free_port.h"

extern char** environ;

namespace cm {
namespace test {

using Clock = std::chrono::steady_clock;

using ::cm::FreePort;  // compat-tests/unit/free_port.h

inline bool Accepts(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  close(fd);
  return ok;
}

// A pid that no longer runs: gone, or a zombie nobody reaped yet (an
// orphan's zombie waits for whatever reaps orphans here).
inline bool Gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(stat, text)) return true;
  size_t paren = text.rfind(')');
  return paren == std::string::npos || paren + 2 >= text.size() || text[paren + 2] == 'Z';
}

// user + system CPU time of `pid`, in seconds.
inline double CpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  std::istringstream rest(text.substr(text.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

template <typename Pred>
bool WaitUntil(Pred pred, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return pred();
}

// A program running in the background, stdout and stderr into a file.
class Process {
 public:
  Process() = default;
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  ~Process() { Kill(); }

  // `env`: "K=V" entries added to (and replacing those of) ours.
  bool Start(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
    char path[] = "/tmp/cm-mig-out.XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) return false;
    close(fd);
    log_ = path;
    std::vector<std::string> all_env;
    for (char** e = environ; *e != nullptr; ++e) {
      std::string entry = *e, key = entry.substr(0, entry.find('='));
      bool replaced = false;
      for (const std::string& x : env) replaced |= x.substr(0, x.find('=')) == key;
      if (!replaced) all_env.push_back(entry);
    }
    all_env.insert(all_env.end(), env.begin(), env.end());
    std::vector<char*> argv, envp;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    for (const std::string& e : all_env) envp.push_back(const_cast<char*>(e.c_str()));
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, path, O_WRONLY | O_APPEND, 0);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    int rc = posix_spawn(&pid_, args[0].c_str(), &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) pid_ = -1;
    return rc == 0;
  }

  pid_t pid() const { return pid_; }
  std::string Output() const {
    std::ifstream in(log_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // The first output line starting with `prefix`, waiting for it; "" if none came.
  std::string WaitLine(const std::string& prefix, std::chrono::milliseconds timeout) const {
    std::string found;
    WaitUntil([&] {
      std::istringstream lines(Output());
      for (std::string line; std::getline(lines, line);)
        if (line.rfind(prefix, 0) == 0) return found = line, true;
      return false;
    }, timeout);
    return found;
  }
  // Waits for the exit; its status (as waitpid's), or -1 after the time-out.
  int WaitExit(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return status_;
    int status = 0;
    if (!WaitUntil([&] { return waitpid(pid_, &status, WNOHANG) == pid_; }, timeout)) return -1;
    pid_ = -1;
    return status_ = status;
  }
  void Signal(int sig) { if (pid_ > 0) kill(pid_, sig); }
  void Kill() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (!log_.empty()) {
      if (std::getenv("CM_MIG_KEEP_LOGS") == nullptr) unlink(log_.c_str());
    }
  }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
  std::string log_;
};

// CmNameServer on `port` (a free one if 0), up and accepting.
inline bool StartNameServer(Process* ns, int* port) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    int p = *port > 0 ? *port : FreePort();
    ns->Start({std::string(CM_BIN_DIR) + "/CmNameServer", "--port", std::to_string(p)});
    if (WaitUntil([&] { return Accepts(p); }, std::chrono::milliseconds(5000))) return *port = p, true;
    ns->Kill();
  }
  return false;
}

}  // namespace test
}  // namespace cm

#endif
