// Children: the processes the soak test starts, and the promise that none
// outlives it.
//
// A child is started with fork + exec (a bare fork would share ZeroMQ state)
// and asks the kernel to SIGKILL it when the harness dies (PR_SET_PDEATHSIG),
// so even a SIGKILLed harness leaves nothing behind.  On a normal exit, a
// failure or SIGINT/SIGTERM/SIGHUP, the harness kills every child it still
// has (KillAll, registered by InstallCleanup).
#ifndef CM_SOAK_CHILDREN_H
#define CM_SOAK_CHILDREN_H

#include <sys/types.h>

#include <string>
#include <vector>

namespace soak {

// Starts argv[0] (a path) with argv, stdout and stderr appended to `log`.
// Returns the pid, or -1.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& log);

// The child exited (waitpid said so): no longer ours to kill.
void Forget(pid_t pid);

// SIGKILL and reap every child still running.  Async-signal-safe.
void KillAll();

// KillAll at exit and on SIGINT, SIGTERM, SIGHUP (then exit 130).
void InstallCleanup();

}  // namespace soak

#endif
