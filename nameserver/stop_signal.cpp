#include "stop_signal.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace cm {
namespace {

int g_write_fd = -1;
volatile sig_atomic_t g_signal = 0;   // SIGINT or SIGTERM
volatile sig_atomic_t g_hangup = 0;  // SIGHUP, until TakeHangup

void OnSignal(int signal) {
  int saved = errno;  // a handler must leave errno as it found it
  if (signal == SIGHUP)
    g_hangup = 1;
  else
    g_signal = signal;
  char byte = 1;
  (void)!write(g_write_fd, &byte, 1);  // non-blocking: one byte is enough
  errno = saved;
}

}  // namespace

Status StopSignal::Install(StopSignal* out) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0)
    return Status::Unavailable(std::string("cannot create the signal pipe: ") + std::strerror(errno));
  g_write_fd = fds[1];
  out->read_fd_ = fds[0];
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGINT, SIGTERM, SIGHUP})
    if (sigaction(signal, &action, nullptr) != 0)
      return Status::Unavailable(std::string("cannot handle signals: ") + std::strerror(errno));
  return Status::Ok();
}

int StopSignal::Received() { return g_signal; }

bool StopSignal::TakeHangup() {
  // The pipe first: a SIGHUP after this leaves a byte, and the next poll
  // wakes for it.
  char bytes[64];
  while (read(read_fd_, bytes, sizeof bytes) > 0) {
  }
  if (g_hangup == 0) return false;
  g_hangup = 0;
  return true;
}

}  // namespace cm
