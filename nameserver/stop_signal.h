// StopSignal: SIGINT and SIGTERM (stop) and SIGHUP (reopen the log file) as
// one readable descriptor.
//
// The handler only records the signal and writes a byte to a pipe (the
// self-pipe trick), so the daemon's zmq_poll wakes up on it like on any
// socket: no signal can fall between "check the flag" and "go to sleep".
// SIGHUP used to end the daemon (its default action); logrotate sends it
// after moving the log file away, and the daemon goes on.
#ifndef CM_NAMESERVER_STOP_SIGNAL_H
#define CM_NAMESERVER_STOP_SIGNAL_H

#include "util/status.h"

namespace cm {

class StopSignal {
 public:
  // Installs the handlers (one StopSignal per process).
  static Status Install(StopSignal* out);
  // Readable once SIGINT, SIGTERM or SIGHUP has arrived.
  int fd() const { return read_fd_; }
  // The stop signal (SIGINT or SIGTERM) that arrived, or 0.
  static int Received();
  // Empties fd() and says whether SIGHUP arrived since the last call.
  bool TakeHangup();

 private:
  int read_fd_ = -1;
};

}  // namespace cm

#endif
