// LinkHealth: whether the host at the other end of a busy TCP connection is
// still there, told apart from a receiver that is merely not reading, from
// what the kernel knows of the connection (getsockopt TCP_INFO).
//
// Measured on Linux 6.18 (a veth pair into a network namespace, and loopback):
// - the receiver's host is gone, data in flight: tcpi_unacked > 0 and no ACK
//   comes any more, tcpi_last_ack_recv grows with the clock while the kernel
//   retransmits (for up to 15 minutes);
// - the receiver is alive but reads nothing: its window closes, everything
//   sent is acknowledged (tcpi_unacked = 0, tcpi_snd_wnd = 0) and the kernel
//   sends zero-window probes that the receiver's kernel answers
//   (tcpi_probes, the probes unanswered, is 0 or 1).  The probes back off
//   (0.2 s, 0.4 s, ... up to 2 minutes), so tcpi_last_ack_recv alone says
//   nothing here: it passed 3 s after 6 s of zero window;
// - the receiver's host vanishes while its window is closed: the probes go
//   unanswered, tcpi_probes climbs (2 within 0.3 s of the loss there, after
//   1.5 s of zero window; later the longer the window had been closed).
// TCP_USER_TIMEOUT cannot tell the first two apart: Linux aborts a
// connection whose window stayed closed that long too (tcp(7); 3.5 s for
// 3000 ms, measured), which is why peer links do not set it (tuning.h).
#ifndef CM_TRANSPORT_LINK_HEALTH_H
#define CM_TRANSPORT_LINK_HEALTH_H

#include <cstdint>

namespace cm {

// What TCP_INFO says of one connection.
struct LinkSample {
  uint32_t unacked = 0;        // segments sent and not acknowledged
  uint32_t last_ack_ms = 0;    // since the last ACK received
  uint32_t rto_ms = 0;         // the retransmission time-out now (backed off)
  uint32_t probes = 0;         // zero-window probes sent and not answered
  bool window_known = false;   // the kernel reports the peer's window (Linux 5.4 on)
  uint32_t send_window = 0;    // the peer's advertised window (bytes)
};

enum class LinkVerdict {
  kIdle,     // nothing waits for the peer: TCP keepalive watches it
  kWaiting,  // data waits for the peer, and it answers (or has not been silent long)
  kGone,     // data waits and nothing has answered for `silence_ms`: retransmitting into the void
};

// False if `fd` is not (or no longer) a TCP socket.
bool SampleLink(int fd, LinkSample* sample);

// A peer that answers is alive, however long its window stays closed.
// Gone: data in flight (the window open) and no ACK for `silence_ms`; or
// the window closed and two probes in a row unanswered, or data in flight
// that a full receiver keeps dropping (it ACKs each retransmission) with no
// ACK for twice the retransmission time-out, either for `silence_ms` too.
LinkVerdict Judge(const LinkSample& sample, uint32_t silence_ms);

}  // namespace cm

#endif
