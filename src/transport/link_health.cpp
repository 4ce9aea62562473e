#include "transport/link_health.h"

#include <linux/tcp.h>  // struct tcp_info with tcpi_snd_wnd (glibc's netinet/tcp.h lacks it)
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstddef>

namespace cm {

bool SampleLink(int fd, LinkSample* sample) {
  struct tcp_info info {};
  socklen_t size = sizeof(info);
  if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &size) != 0) return false;
  if (size < offsetof(struct tcp_info, tcpi_rcv_rtt)) return false;
  sample->unacked = info.tcpi_unacked;
  sample->last_ack_ms = info.tcpi_last_ack_recv;
  sample->rto_ms = info.tcpi_rto / 1000;
  sample->probes = info.tcpi_probes;
  sample->window_known = size >= offsetof(struct tcp_info, tcpi_snd_wnd) + sizeof(info.tcpi_snd_wnd);
  sample->send_window = sample->window_known ? info.tcpi_snd_wnd : 0;
  return true;
}

LinkVerdict Judge(const LinkSample& s, uint32_t silence_ms) {
  bool closed = s.window_known && s.send_window == 0;
  if (s.unacked == 0 && !closed) return LinkVerdict::kIdle;
  if (s.last_ack_ms < silence_ms) return LinkVerdict::kWaiting;
  if (!closed) return LinkVerdict::kGone;  // unacknowledged data, no answer
  // The peer's last word was "my window is closed": it is alive as long as
  // it answers the probes, or the retransmissions its full buffers drop.
  if (s.probes >= 2) return LinkVerdict::kGone;
  if (s.unacked > 0 && s.last_ack_ms > 2 * s.rto_ms) return LinkVerdict::kGone;
  return LinkVerdict::kWaiting;
}

}  // namespace cm
