#include "transport/dialer.h"

#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "transport/context.h"
#include "transport/link_health.h"
#include "transport/tuning.h"
#include "util/log.h"

namespace cm {

Dialer::Dialer(const std::string& own_incarnation, const Security& security, bool coalesce)
    : coalesce_(coalesce), socket_(ZmqContext(), zmq::socket_type::router) {
  ApplyCommonOptions(socket_, /*user_timeout=*/false);  // CheckStalled instead (tuning.h)
  ApplyClientSecurity(security, socket_);
  socket_.set(zmq::sockopt::routing_id, own_incarnation);
  socket_.set(zmq::sockopt::immediate, 1);
  socket_.set(zmq::sockopt::router_mandatory, 1);
  // A peer restarted under the same incarnation cannot happen (ids are
  // random), but a reconnect to the same one must replace the old link.
  socket_.set(zmq::sockopt::router_handover, 1);
  // A failed attempt (CLOSED: libzmq closes the socket of an attempt that
  // failed; CONNECT_RETRIED is not it, it comes after every disconnection
  // too) says nobody listens there any more:
  // the session checks a peer it suspects gone by connecting to it
  // (docs/architecture.md, "Learning that a peer is gone").  CONNECTED
  // gives each connection's descriptor, for CheckStalled.
  monitor_ = std::make_unique<Monitor>(socket_, ZMQ_EVENT_CONNECTED | ZMQ_EVENT_HANDSHAKE_SUCCEEDED |
                                                    ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_CLOSED);
}

Dialer::~Dialer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    (void)FlushLocked();  // Flush() before, with time to retry, if it matters (the session's Close does)
  }
  wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  zmq_socket_monitor(socket_.handle(), nullptr, 0);
  monitor_.reset();
}

void Dialer::Connect(const std::string& endpoint) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!endpoints_.insert(endpoint).second) return;
  CM_DEBUG("dialing %s", endpoint.c_str());
  try {
    socket_.connect(endpoint);
  } catch (const zmq::error_t& e) {
    // A bad endpoint from the network must not end the process; sends to it
    // stay kNotConnected and time out.  Said once, until Disconnect.
    CM_WARN("cannot connect to '%s': %s", endpoint.c_str(), e.what());
  }
}

void Dialer::Disconnect(const std::string& endpoint) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (endpoints_.erase(endpoint) == 0) return;
  links_.erase(endpoint);
  try {
    socket_.disconnect(endpoint);
  } catch (const zmq::error_t&) {
    // ENOENT: libzmq already forgot it; nothing to undo.
  }
}

void Dialer::SetLinger(int ms) {
  std::lock_guard<std::mutex> lock(mutex_);
  socket_.set(zmq::sockopt::linger, ms);
}

Dialer::SendResult Dialer::Send(const Address& to, const char* frame, size_t size) {
  const std::string& peer = to.incarnation;
  bool consecutive = burst_ && last_to_ == peer;  // no Pause or Flush since the last frame, which went there
  std::unique_lock<std::mutex> lock(mutex_, std::defer_lock);
  if (flusher_.joinable()) lock.lock();  // else batch_ is empty and nobody else uses the socket
  if (!batch_.to.empty()) {
    if (batch_.to == peer) {
      if (batch_.bytes.size() + size <= kMaxBatchBytes) {
        batch_.bytes.append(frame, size);
        ++batch_.frames;
        return SendResult::kSent;
      }
      // Full: out it goes, and this frame opens the next one (a stream).
      // Refused (the peer's queue is full, or it is gone): this frame is not
      // taken, and the caller waits or asks the name server, as for any frame.
      SendResult r = FlushLocked();
      if (r == SendResult::kSent) OpenBatch(peer, frame, size, Clock::now());
      return r;
    }
    // Another peer's batch goes first if it can; one its full queue refuses
    // is left to the flusher, and this frame goes alone.
    (void)FlushLocked();
  }
  Clock::time_point now{};  // unset: not read
  if (coalesce_ && consecutive && size <= kMaxCoalescedFrame) {
    now = Clock::now();
    if (batch_.to.empty() && last_at_ != Clock::time_point{} && now - last_at_ < kCoalesceWindow) {
      if (!lock.owns_lock()) lock.lock();  // the flusher is about to start
      OpenBatch(peer, frame, size, now);
      return SendResult::kSent;
    }
  }
  zmq::message_t message(frame, size);
  SendResult r = SendAlone(peer, message);
  if (r == SendResult::kSent) Sent(peer, now);
  return r;
}

// A frame went alone to `peer`: the next one may be part of a burst.  `now`
// is unset when the clock was not read (after a pause: the second frame of a
// burst then goes alone too, and times the third).
void Dialer::Sent(const std::string& peer, Clock::time_point now) {
  if (last_to_ != peer) last_to_ = peer;
  burst_ = true;
  last_at_ = now;
}

// Called with the lock held and no batch open.
void Dialer::OpenBatch(const std::string& peer, const char* frame, size_t size, Clock::time_point now) {
  batch_.to = peer;
  batch_.bytes.assign(frame, size);
  batch_.frames = 1;
  batch_.opened = now;
  pending_.store(true, std::memory_order_relaxed);
  if (!flusher_.joinable())
    StartFlusher();
  else if (flusher_idle_)
    wake_.notify_one();
}

Dialer::SendResult Dialer::Send(const Address& to, zmq::message_t& frame) {
  std::unique_lock<std::mutex> lock(mutex_, std::defer_lock);
  if (flusher_.joinable()) lock.lock();
  if (batch_.to == to.incarnation) {
    SendResult r = FlushLocked();
    if (r != SendResult::kSent) return r;
  }
  SendResult r = SendAlone(to.incarnation, frame);
  if (r == SendResult::kSent) Sent(to.incarnation, Clock::time_point{});
  return r;
}

Dialer::SendResult Dialer::Flush() {
  burst_ = false;
  if (!flusher_.joinable()) return SendResult::kSent;  // nothing was ever coalesced
  std::lock_guard<std::mutex> lock(mutex_);
  return FlushLocked();
}

// The monitor socket is this thread's alone (the flusher never reads it).
void Dialer::TakeEvents(std::vector<LinkEvent>* events) {
  SocketEvent event;
  while (monitor_->Next(&event)) {
    if (event.event == ZMQ_EVENT_CONNECTED) {
      Link& link = links_[event.endpoint];
      link = Link();
      link.fd = event.value;
      link.local_size = sizeof(link.local);
      link.peer_size = sizeof(link.peer);
      // Already closed again (its DISCONNECTED follows): nothing to watch.
      if (getsockname(link.fd, reinterpret_cast<sockaddr*>(&link.local), &link.local_size) != 0 ||
          getpeername(link.fd, reinterpret_cast<sockaddr*>(&link.peer), &link.peer_size) != 0)
        links_.erase(event.endpoint);
      continue;
    }
    LinkEvent change;
    change.up = event.event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED;
    change.refused = event.event == ZMQ_EVENT_CLOSED;
    change.endpoint = event.endpoint;
    if (event.event == ZMQ_EVENT_DISCONNECTED) {
      auto it = links_.find(event.endpoint);
      if (it != links_.end() && it->second.fd == event.value) {
        change.stalled = it->second.shut;
        links_.erase(it);
      }
    }
    events->push_back(std::move(change));
  }
}

// Whether `link`'s descriptor is still the connection the monitor reported
// (libzmq closes a lost one, and the number may be reused at once).
bool Dialer::SameConnection(const Link& link) const {
  sockaddr_storage local{}, peer{};
  socklen_t local_size = sizeof(local), peer_size = sizeof(peer);
  return getsockname(link.fd, reinterpret_cast<sockaddr*>(&local), &local_size) == 0 &&
         getpeername(link.fd, reinterpret_cast<sockaddr*>(&peer), &peer_size) == 0 &&
         local_size == link.local_size && peer_size == link.peer_size &&
         std::memcmp(&local, &link.local, local_size) == 0 && std::memcmp(&peer, &link.peer, peer_size) == 0;
}

void Dialer::CheckStalled() {
  if (links_.empty()) return;
  Clock::time_point now = Clock::now();
  if (now < next_stall_check_) return;
  next_stall_check_ = now + std::chrono::milliseconds(kStallCheckMs);
  bool sent = sent_.exchange(false, std::memory_order_relaxed);
  if (!sent && !busy_links_) return;  // an idle process pays one clock read
  busy_links_ = false;
  for (auto& [endpoint, link] : links_) {
    if (link.shut) continue;
    LinkSample sample;
    if (!SampleLink(link.fd, &sample)) continue;
    LinkVerdict verdict = Judge(sample, kSilentPeerMs);
    if (verdict == LinkVerdict::kIdle) continue;
    busy_links_ = true;
    if (verdict != LinkVerdict::kGone) continue;
    // A DISCONNECTED not yet taken may mean the descriptor is another
    // connection's now: decide at the next check, after TakeEvents.
    if (monitor_->Pending() || !SameConnection(link)) continue;
    CM_WARN("connection to %s: %u segment(s) unacknowledged and no answer for %u ms (window %u, %u probe(s) "
            "unanswered): its host is gone; closing it",
            endpoint.c_str(), sample.unacked, sample.last_ack_ms, sample.send_window, sample.probes);
    // libzmq then reads an end of stream and reports the connection lost.
    if (shutdown(link.fd, SHUT_RDWR) == 0) {
      link.shut = true;
      std::lock_guard<std::mutex> lock(mutex_);
      ++counters_.stalled_links;
    }
  }
}

Dialer::Counters Dialer::counters() {
  std::lock_guard<std::mutex> lock(mutex_);
  return counters_;
}

Dialer::SendResult Dialer::SendAlone(const std::string& peer, zmq::message_t& frame) {
  // Both parts go out or neither: ROUTER checks routability on the first.
  int rc = zmq_send(socket_.handle(), peer.data(), peer.size(), ZMQ_SNDMORE | ZMQ_DONTWAIT);
  if (rc < 0 && zmq_errno() == EHOSTUNREACH) {
    // A connection whose handshake has just finished joins the socket by a
    // command that zmq_send reads only about once a millisecond (it saves
    // system calls); asking for ZMQ_EVENTS reads it now.  Only a failed send
    // pays this: a first send to a new peer no longer waits that millisecond.
    (void)socket_.get(zmq::sockopt::events);
    rc = zmq_send(socket_.handle(), peer.data(), peer.size(), ZMQ_SNDMORE | ZMQ_DONTWAIT);
  }
  if (rc < 0) return zmq_errno() == EAGAIN ? SendResult::kFull : SendResult::kNotConnected;
  rc = zmq_msg_send(frame.handle(), socket_.handle(), ZMQ_DONTWAIT);
  sent_.store(true, std::memory_order_relaxed);  // a plain store: CheckStalled looks again
  // After a routable first part the second is accepted (same pipe, no HWM
  // check between parts of one message).
  return rc < 0 ? SendResult::kNotConnected : SendResult::kSent;
}

// kFull keeps the batch (to be tried again); kNotConnected drops it: the
// peer's connection went down after its frames were taken, as it can after
// ZeroMQ took them (the session's unacknowledged count reports both).
Dialer::SendResult Dialer::FlushLocked() {
  if (batch_.to.empty()) return SendResult::kSent;
  zmq::message_t message(batch_.bytes.data(), batch_.bytes.size());
  SendResult r = SendAlone(batch_.to, message);
  if (r == SendResult::kFull) return r;
  if (r == SendResult::kSent) {
    counters_.coalesced_frames += batch_.frames;
    ++counters_.batches;
  } else {
    counters_.dropped_frames += batch_.frames;
    CM_WARN("%u message(s) for incarnation %s dropped: its connection was lost before they went out",
            batch_.frames, batch_.to.c_str());
  }
  batch_.to.clear();
  batch_.bytes.clear();
  batch_.frames = 0;
  pending_.store(false, std::memory_order_relaxed);
  return r;
}

// The program's signals must keep reaching its own thread (a legacy program
// may rely on alarm() interrupting it), so the flusher blocks them all, as
// ZeroMQ's I/O thread does.
void Dialer::StartFlusher() {
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  flusher_ = std::thread(&Dialer::FlusherLoop, this);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
}

void Dialer::FlusherLoop() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    if (batch_.to.empty()) {
      flusher_idle_ = true;
      wake_.wait(lock);
      flusher_idle_ = false;
      continue;
    }
    Clock::time_point due = std::max(batch_.opened + kFlushDelay, retry_at_);
    if (Clock::now() < due) {
      wake_.wait_until(lock, due);
      continue;
    }
    if (FlushLocked() == SendResult::kFull) retry_at_ = Clock::now() + std::chrono::milliseconds(1);
  }
}

}  // namespace cm
