// StopSignal: SIGINT and SIGTERM as a readable descriptor.
//
// The handler only writes a byte to a pipe (the self-pipe trick), so the
// daemon's zmq_poll wakes up on it like on any socket: no signal can fall
// between "check the flag" and "go to sleep".
#ifndef CM_NAMESERVER_STOP_SIGNAL_H
#define CM_NAMESERVER_STOP_SIGNAL_H

#include "util/status.h"

namespace cm {

class StopSignal {
 public:
  // Installs the handlers (one StopSignal per process).
  static Status Install(StopSignal* out);
  // Readable once SIGINT or SIGTERM has arrived.
  int fd() const { return read_fd_; }
  // The signal that arrived, or 0.
  static int Received();

 private:
  int read_fd_ = -1;
};

}  // namespace cm

#endif
