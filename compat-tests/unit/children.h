// Child processes of the tests: waiting for one to exit, and stopping one
// for good (killed and reaped, so that no zombie outlives its test).
#ifndef CM_COMPAT_TESTS_CHILDREN_H
#define CM_COMPAT_TESTS_CHILDREN_H

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

namespace cm {

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
