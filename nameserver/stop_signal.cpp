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
volatile sig_atomic_t g_signal = 0;

void OnSignal(int signal) {
  int saved = errno;  // a handler must leave errno as it found it
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
  for (int signal : {SIGINT, SIGTERM})
    if (sigaction(signal, &action, nullptr) != 0)
      return Status::Unavailable(std::string("cannot handle signals: ") + std::strerror(errno));
  return Status::Ok();
}

int StopSignal::Received() { return g_signal; }

}  // namespace cm
