// Child processes of the tests: starting the real name server, waiting for
// one to exit, and stopping one for good (killed and reaped, so that no
// zombie outlives its test).
#ifndef CM_COMPAT_TESTS_CHILDREN_H
#define CM_COMPAT_TESTS_CHILDREN_H

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

namespace cm {

// In a child, before exec: a test that crashes (an ASan report, say) takes
// its children along, instead of leaving them to hold ctest's output pipe,
// their names and their ports.
inline void DieWithParent(pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // it died before prctl
}

#ifdef CM_BIN_DIR
// The real CmNameServer of this build on `port`, logging warnings only.
inline pid_t StartNameServer(int port) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    DieWithParent(parent);
    std::string p = std::to_string(port);
    execl(CM_BIN_DIR "/CmNameServer", "CmNameServer", "--port", p.c_str(), "--log-level", "warn", (char*)nullptr);
    _exit(127);
  }
  return pid;
}
#endif

// Waits up to `timeout` for `pid` to exit; true (with its wait status) if it did.
inline bool WaitExit(pid_t pid, std::chrono::milliseconds timeout, int* status) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    if (waitpid(pid, status, WNOHANG) == pid) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (std::chrono::steady_clock::now() < deadline);
  return false;
}

// SIGKILL, then reap; nothing for pid <= 0.
inline void Stop(pid_t pid) {
  if (pid <= 0) return;
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

}  // namespace cm

#endif
