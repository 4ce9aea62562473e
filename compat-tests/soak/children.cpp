#include "children.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

namespace soak {
namespace {

// A fixed table, not a container: KillAll runs in signal handlers.
constexpr int kSlots = 1024;
volatile pid_t g_children[kSlots];

void Remember(pid_t pid) {
  for (int i = 0; i < kSlots; ++i)
    if (g_children[i] == 0) {
      g_children[i] = pid;
      return;
    }
}

void OnSignal(int) {
  KillAll();
  _exit(130);
}

}  // namespace

pid_t Spawn(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(126);  // the harness died before prctl
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, 1);
      dup2(fd, 2);
      close(fd);
    }
    execv(args[0], args.data());
    _exit(127);
  }
  if (pid > 0) Remember(pid);
  return pid;
}

void Forget(pid_t pid) {
  for (int i = 0; i < kSlots; ++i)
    if (g_children[i] == pid) g_children[i] = 0;
}

void KillAll() {
  for (int i = 0; i < kSlots; ++i) {
    pid_t pid = g_children[i];
    if (pid <= 0) continue;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    g_children[i] = 0;
  }
}

void InstallCleanup() {
  std::atexit(KillAll);
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
}

}  // namespace soak
