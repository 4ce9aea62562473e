// Liveness: dropping the names of processes that are gone, without waiting
// for anyone to ask (a dead process must not stay listed).
//
// A name belongs to the connection (routing id) that registered it.  The
// listener's monitor reports the descriptor of every connection that closes;
// the owners recorded on that descriptor are then PROBED: a tiny NSProbe
// frame is sent to their routing id.  With ROUTER_MANDATORY, libzmq refuses
// it (EHOSTUNREACH) when no connection with that routing id is left: the
// owner is gone, its names are dropped.  When the probe goes out, the owner
// is still connected (it reconnected, or the descriptor was reused): keep.
// Clients ignore NSProbe frames (seq 0, no items).
#include <zmq.h>

#include <cerrno>
#include <iterator>

#include "name_server.h"
#include "util/log.h"

namespace cm {
namespace {

using std::chrono::milliseconds;

// When to probe an owner, counted from the report that its connection
// closed.  libzmq emits the monitor event before the ROUTER has dropped the
// connection's pipe, so the first probe can still be accepted for a dead
// peer: a delivered probe is repeated a few times before we believe it.
constexpr milliseconds kProbeSchedule[] = {milliseconds(0), milliseconds(50), milliseconds(300),
                                           milliseconds(1000)};
// Every owner is probed this often as well, in case a monitor event was
// lost (the monitor's queue is bounded: a mass disconnect can overflow it).
constexpr std::chrono::seconds kSweepInterval(60);

}  // namespace

NameServer::Clock::time_point NameServer::NextProbeTime(const PendingProbe& probe) {
  return probe.closed + kProbeSchedule[probe.attempt];
}

void NameServer::CheckClosedConnections() {
  std::vector<SocketEvent> events;
  listener_->TakeEvents(&events);
  std::vector<int> fds;
  for (const SocketEvent& event : events) {
    switch (event.event) {
      case ZMQ_EVENT_ACCEPTED:
        watch_.Accepted(event.value);
        break;
      case ZMQ_EVENT_DISCONNECTED:
        watch_.Closed(event.value);
        fds.push_back(event.value);
        break;
      default:  // ZMQ_EVENT_HANDSHAKE_FAILED_*
        watch_.HandshakeFailed(event.event, event.value);
        break;
    }
  }
  watch_busy_ = watch_.Check();
  Clock::time_point now = Clock::now();
  for (int fd : fds) {
    if (stopping_ && fd == stop_requester_fd_) stop_requester_gone_ = true;  // it has our reply
    std::vector<std::string> owners = registry_->OwnersOnConnection(fd);
    CM_DEBUG("connection fd %d closed: %zu owner(s) to probe", fd, owners.size());
    for (const std::string& owner : owners) probes_[owner] = PendingProbe{now, 0};
  }

  for (auto it = probes_.begin(); it != probes_.end();) {
    PendingProbe& probe = it->second;
    if (NextProbeTime(probe) > now) {
      ++it;
    } else if (!Probe(it->first)) {
      CM_DEBUG("probe %zu: the owner is gone", probe.attempt + 1);
      NoteGone(registry_->DropOwner(it->first));
      it = probes_.erase(it);
    } else {
      // Delivered: the closed descriptor is not (or no longer) this owner's;
      // its next request tells us which one is.
      CM_DEBUG("probe %zu: delivered", probe.attempt + 1);
      registry_->NoteOwnerFd(it->first, kUnknownFd);
      if (++probe.attempt == std::size(kProbeSchedule))
        it = probes_.erase(it);
      else
        ++it;
    }
  }
  if (now >= next_sweep_) Sweep();
}

bool NameServer::Probe(const std::string& owner) {
  // Not Listener::Reply: a probe must tell "gone" (EHOSTUNREACH) from "there,
  // but its queue is full" (EAGAIN), which Reply folds together.  A process
  // that is slow to read is alive.
  zmq::socket_t& socket = listener_->socket();
  zmq::message_t routing_id(owner.data(), owner.size());
  zmq::message_t frame(probe_.data(), probe_.size());
  try {
    if (!socket.send(routing_id, zmq::send_flags::sndmore | zmq::send_flags::dontwait)) return true;
    (void)socket.send(frame, zmq::send_flags::dontwait);
    return true;
  } catch (const zmq::error_t& e) {
    if (e.num() == EHOSTUNREACH) return false;
    CM_WARN("probe of a connection failed: %s", e.what());
    return true;  // not proof of death
  }
}

size_t NameServer::Sweep() {
  next_sweep_ = Clock::now() + kSweepInterval;
  std::vector<Entry> gone = registry_->Cleanup([this](const std::string& owner) { return Probe(owner); });
  NoteGone(gone);
  return gone.size();
}

void NameServer::NoteGone(const std::vector<Entry>& gone) {
  for (const Entry& entry : gone)
    CM_INFO("cleanup: %s (pid %d on %s) connection lost", entry.name.c_str(), entry.pid, entry.host.c_str());
  stats_.cleaned += static_cast<int64_t>(gone.size());
}

}  // namespace cm
