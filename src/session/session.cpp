// Session: start, open, close; the wait loop and housekeeping, which
// orchestrate the rest (session.h lists which file holds what).
#include "session/session.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <unordered_set>

#include "transport/context.h"
#include "transport/tuning.h"
#include "session/timing.h"
#include "util/log.h"
#include "util/open_files.h"
#include "util/settings.h"
#include "util/version.h"

namespace cm {
namespace {

constexpr int kRegisterTimeoutMs = 5000;  // to reach a name server; answers may take 10 s
constexpr int kUnregisterTimeoutMs = 500;
constexpr int kCloseLingerMs = 1000;
constexpr int kHousekeepingMs = 1000;  // connect reports, re-registration
constexpr int kDispatchBudget = 65536;
constexpr int kLinkCheckMs = 100;  // see Wait()  // per pass of a zero-timeout wait
constexpr int kMaxSendTimeoutS = 10 * 86400;  // CM_SEND_TIMEOUT
// An idle process sleeps on all its sockets, waking for a message or a link
// event; while it has sends to report to the name server, at least this
// often.  With none, it sleeps without a time limit: a wake-up that finds
// nothing to do cost 155 µs of CPU here, 500 idle processes 8% of a CPU.
constexpr int kIdleSleepMs = 1000;

// A feature on by default that `variable`=0 turns off (docs/api.md, environment).
bool NotTurnedOff(const char* variable) { return SwitchSetting(variable, true); }

void CloseAtExit() { Session::Instance().Close(); }

}  // namespace

Session& Session::Instance() {
  static Session* session = new Session();  // never destroyed: atexit closes it
  return *session;
}

Status Session::StartListening() {
  Status s = LoadDomain("", &domain_);
  if (!s.ok()) {
    CM_ERROR("%s", s.message().c_str());
    return s;
  }
  host_ = LocalHostName();
  // Two descriptors per peer that sends to us and that we answer: the
  // usual 1024 ends at ~500 peers.
  RaiseOpenFileLimit();
  ListenSpec spec;
  spec.advertised_host = AdvertisedHost(domain_.name_servers.front().host);
  spec.first_port = domain_.first_port;
  spec.port_count = domain_.port_count;
  spec.answers = false;  // peers answer through their own dialer
  spec.security = domain_.security;
  spec.alarm = NotTurnedOff("CM_RECEIVE_ALARM");  // "0": receives with time-outs
  // "*", not "0.0.0.0": the same address, but libzmq takes any other text
  // for a possible interface name and lists the interfaces (a netlink
  // round trip, 0.15 ms per process start) before it parses it.
  spec.bind_host = "*";
  s = Listener::Open(spec, &listener_);
  if (!s.ok()) {
    CM_ERROR("%s", s.message().c_str());
    return s;
  }
  address_text_ = listener_->address().ToString();
  dialer_ = std::make_unique<Dialer>(listener_->address().incarnation, domain_.security,
                                     // "0": every message alone; protocol 1 has one frame per part
                                     NotTurnedOff("CM_COALESCE") && WriteProtocolVersion() >= 2);
  names_ = std::make_unique<NameClient>(domain_, listener_->address().incarnation);
  if (name_.empty()) name_ = host_ + "_" + std::to_string(getpid());
  names_->set_sender(name_);
  SetLogName(name_);
  // Time-outs are kept in int milliseconds: a longer one would wrap.
  double seconds = PositiveNumberSetting("CM_SEND_TIMEOUT", "seconds", send_timeout_ms_ / 1000.0, 0.001, kMaxSendTimeoutS);
  send_timeout_ms_ = std::max(1, static_cast<int>(std::lround(seconds * 1000)));
  // At least twice what a receiver reads between acknowledgements, or a
  // receiver that keeps up would hold its senders back too.
  double least = 2.0 * SendWindow::kAckEveryBytes / (1 << 20);
  double mib = PositiveNumberSetting("CM_SEND_WINDOW", "MiB", send_window_bytes_ / 1048576.0, least, 1048576.0);
  send_window_bytes_ = static_cast<uint64_t>(mib * (1 << 20));
  poll_items_ = {{listener_->socket().handle(), 0, ZMQ_POLLIN, 0},
                 {listener_->monitor_socket().handle(), 0, ZMQ_POLLIN, 0},
                 {dialer_->monitor_socket().handle(), 0, ZMQ_POLLIN, 0}};
  names_->AppendPollItems(&poll_items_);
  StartForeign();  // migration mode, if asked for (foreign.cpp)
  static bool atexit_done = false;
  if (!atexit_done) {
    std::atexit(CloseAtExit);
    atexit_done = true;
  }
  started_ = true;
  closing_ = false;
  pid_ = getpid();
  next_report_ = Clock::now() + std::chrono::milliseconds(kHousekeepingMs);
  CM_DEBUG("listening at %s (domain %s, name servers from %s)", address_text_.c_str(), domain_.name.c_str(),
           domain_.source.c_str());
  return Status::Ok();
}

Status Session::Open(const std::string& name) {
  if (registered_) {
    if (name == name_) return Status::Ok();
    return Status::Invalid("already registered as '" + name_ + "'; cannot also be '" + name + "'");
  }
  Status s = Start();
  if (!s.ok()) return s;
  NameRecord record;
  record.name = name;
  record.address = address_text_;
  record.host = host_;
  record.pid = getpid();
  s = names_->Register(record, kRegisterTimeoutMs);
  if (!s.ok()) return s;
  // A name is one process in both domains (migration mode): taken there
  // too, or given back here.
  if (foreign_failed_ || foreign_) {
    s = foreign_ ? foreign_->Open(name)
                 : Status::Unavailable("migration mode is asked for (CM_LEGACY_LIBRARY) but could not start");
    if (!s.ok()) {
      (void)names_->Unregister(name, kUnregisterTimeoutMs);
      return Status::Refused("'" + name + "' in the legacy domain: " + s.message());
    }
  }
  name_ = name;
  names_->set_sender(name_);
  SetLogName(name_);
  registered_ = true;
  SendReport(Clock::now());  // report.cpp
  CM_INFO("registered as '%s' at %s in domain %s", name_.c_str(), address_text_.c_str(), domain_.name.c_str());
  return Status::Ok();
}

void Session::Close() {
  if (!started_ || closing_) return;
  // A forked child that exits runs our atexit hook with copies of its
  // parent's sockets and no threads behind them: closing would unregister
  // the parent, and wait for threads the child does not have.
  if (getpid() != pid_) return;
  closing_ = true;
  // Coalesced frames go to ZeroMQ first; a full queue gets the linger time to drain.
  auto flush_until = Clock::now() + std::chrono::milliseconds(kCloseLingerMs);
  while (dialer_->Flush() == Dialer::SendResult::kFull && Clock::now() < flush_until) WaitForLinks(1);
  // What we dispatched is acknowledged, so our senders do not count it as
  // maybe lost when our links close.  An acknowledgement to a sender we
  // never answered needs a connection first: waited for, within the linger
  // time (a sender found gone owes nothing: LinkLost).
  SendAcks();
  while (!acks_owed_.empty() && Clock::now() < flush_until) {
    WaitForLinks(5);
    if (!suspects_.empty()) CheckSuspects();
    SendAcks();
  }
  if (registered_) {
    ReportConnects();
    Status s = names_->Unregister(name_, kUnregisterTimeoutMs);
    if (!s.ok()) CM_INFO("unregister '%s': %s (the name server drops it anyway when we leave)", name_.c_str(),
                         s.message().c_str());
  }
  // What was handed to ZeroMQ still goes out, for at most kCloseLingerMs.
  dialer_->SetLinger(kCloseLingerMs);
  ReadLastAcks();
  stats_.unacked += unacked_.ReportAll();
  acks_owed_.clear();
  peers_.Clear();
  suspects_.clear();
  pending_replies_.clear();
  gaps_.clear();
  callbacks_.clear();
  read_ahead_.clear();
  inbox_ = Incoming();
  inbox_at_ = inbox_size_ = 0;
  retired_.clear();
  handlers_.Clear();
  on_connect_ = nullptr;
  on_disconnect_ = nullptr;
  if (foreign_) foreign_->Close();
  StopForeign();  // its socket is in our ZeroMQ context
  poll_items_.clear();
  names_.reset();
  listener_.reset();
  dialer_.reset();
  TerminateZmqContext();
  started_ = false;
  registered_ = false;
  name_.clear();
  closing_ = false;
}

// The peer table (peer_table.h) trims itself only when asked: what the
// session still points to (queued callbacks, pending replies) stays.
Peer* Session::PeerNamed(std::string_view name) {
  if (Peer* known = peers_.Find(name)) return known;
  if (peers_.TrimDue()) {
    std::unordered_set<const Peer*> busy;
    for (const auto& [connected, peer] : callbacks_) busy.insert(peer);
    for (const PendingReply& r : pending_replies_) busy.insert(r.to);
    peers_.Trim(busy);
  }
  return peers_.Add(name);
}

Peer* Session::Reference(const std::string& name) {
  if (!Start().ok() || name.empty()) return nullptr;
  Peer* known = PeerNamed(name);
  if (known == nullptr) return nullptr;
  Peer& peer = *known;
  peer.escaped = true;  // a CmConnect points to it
  if (peer.foreign && ForeignKnows(peer)) return &peer;
  Status s = Resolve(peer);
  if (!s.ok()) {
    if (s.IsNotFound() && ForeignKnows(peer)) return &peer;
    if (!s.IsNotFound()) CM_WARN("look up '%s': %s", name.c_str(), s.message().c_str());
    return nullptr;
  }
  return &peer;
}

void Session::Kill(Peer* peer) {
  if (!started_ || peer == nullptr) return;
  if (!peer->address.endpoint.empty() && !peers_.EndpointShared(peer->address.endpoint, *peer))
    dialer_->Disconnect(peer->address.endpoint);
  peer->link_up = false;
  LinkLost(*peer);
}

void Session::Housekeeping() {
  auto now = Clock::now();
  if (!gaps_.empty()) CloseGaps(/*queue_empty=*/false);
  SendAcks();
  if (!unacked_.empty()) stats_.unacked += unacked_.ReportDue(now, drained_at_);
  if (now >= next_report_) {
    ReportConnects();
    ReportIfDue(now);  // report.cpp
    next_report_ = now + std::chrono::milliseconds(kHousekeepingMs);
  }
  if (registered_ && now >= reregister_at_) {
    reregister_at_ = Clock::time_point::max();
    NameRecord record;
    record.name = name_;
    record.address = address_text_;
    record.host = host_;
    record.pid = getpid();
    Status s = names_->Register(record, kRegisterTimeoutMs);
    if (s.ok()) {
      CM_INFO("name server link came back: registered '%s' again", name_.c_str());
      // It may have restarted: it hears our totals and report again.
      ReportConnects(/*all=*/true);
      SendReport(now);
    } else {
      CM_ERROR("could not register '%s' again after the name server came back: %s", name_.c_str(),
               s.message().c_str());
    }
  }
}

bool Session::Wait(double seconds) {
  if (!Start().ok()) {
    // Nothing can arrive; still honour the time asked for, so that a loop
    // around the wait does not spin.
    if (seconds > 0) usleep(static_cast<useconds_t>(std::min(seconds, 1.0) * 1e6));
    return false;
  }
  // What the program coalesced goes out now: it may be waiting for the
  // answer to it (transport/dialer.h).
  (void)dialer_->Flush();
  bool forever = seconds < 0;
  // The clock is read once per pass, and again only after what may take
  // time (a link check, callbacks, handlers): a read costs ~40 ns here, and
  // a round trip's wait read it four times.
  Clock::time_point now = Clock::now();
  auto deadline = forever ? Clock::time_point::max()
                          : now + std::chrono::microseconds(static_cast<int64_t>(seconds * 1e6));
  // While messages come, the loop sleeps on the listener alone: every
  // socket added to a zmq_poll costs system calls on each wake-up.  The
  // monitors and the name server links are then looked at (without
  // sleeping) every kLinkCheckMs, so a link event waits at most that long
  // (counted across calls: a program calling WaitWithTimeout(0) in a tight
  // loop pays it once per interval).  Once a whole interval passed without a
  // message and nothing is owed (acks, reports, a registration), it sleeps
  // on every socket instead: an idle process costs nothing, where waking
  // every 100 ms made 500 idle processes take most of a CPU.
  for (;;) {
    if (now >= next_link_check_) {
      dialer_->CheckStalled();  // a busy link whose peer's host is gone (transport/dialer.h)
      if (zmq_poll(poll_items_.data() + 1, static_cast<int>(poll_items_.size()) - 1, 0) > 0) {
        ProcessLinkEvents();
      } else {
        if (!suspects_.empty()) CheckSuspects();
        if (!pending_replies_.empty()) RetryReplies();
      }
      next_link_check_ = Clock::now() + std::chrono::milliseconds(kLinkCheckMs);
      quiet_interval_ = dispatched_since_check_ == 0;
      dispatched_since_check_ = 0;
      Housekeeping();
      now = Clock::now();
    }
    if (!callbacks_.empty()) {
      RunQueuedCallbacks();
      now = Clock::now();
    }
    // The first receive of a round may sleep until the next link check (or
    // the deadline).  A wait without limit keeps sleeping in the receives
    // after it, up to the link check.  A wait with a deadline only takes
    // what is queued after a message, as its handlers may have used up the
    // time.
    int wait_ms = 0;
    bool last_round = seconds == 0;  // still dispatches what is queued
    if (!last_round) {
      wait_ms = MsUntil(next_link_check_, now);
      if (!forever) {
        int left = MsUntil(deadline, now);
        last_round = left == 0;
        wait_ms = std::min(wait_ms, left);
      }
      if (Idle()) wait_ms = 0;  // it sleeps below, on every socket, if nothing is queued
    }
    // Two sources: the listener (DispatchOne receives a frame, decodes it,
    // does the sender's accounting: addresses, numbers, gaps, acks; then
    // Handle, dispatch.cpp) and, in migration mode, the foreign domain
    // (DispatchForeign hands its decoded messages to Handle; its socket is
    // in poll_items_, so an idle wait wakes for it).
    for (int budget = kDispatchBudget; budget > 0; --budget) {
      // The foreign domain's events first, one per turn (foreign.cpp); when
      // it has none and the receive may sleep, it sleeps on both.
      if (foreign_) {
        int f = DispatchForeign();
        if (f != 0) {
          dispatched_since_check_ += 1;
          if (!started_) return f == 2;
          RunCallbacks();
          if (f == 2) return true;
          continue;
        }
        if (wait_ms != 0 && inbox_at_ == inbox_size_ && read_ahead_.empty() && foreign_) {
          SendIdleAcks();
          dialer_->Pause();
          if (dialer_->pending()) (void)dialer_->Flush();
          zmq_pollitem_t both[2] = {poll_items_[0], foreign_->pollitem()};
          zmq_poll(both, 2, wait_ms);
          wait_ms = 0;
        }
      }
      // A receive that may sleep holds nothing back meanwhile.  A frame
      // already read (the rest of a coalesced ZeroMQ message, or read
      // ahead) needs no receive: the sends its handler makes follow the last
      // ones without a pause, so a process that forwards a stream
      // coalesces what it forwards as its sender did.
      if (wait_ms != 0 && inbox_at_ == inbox_size_ && read_ahead_.empty()) {
        SendIdleAcks();
        dialer_->Pause();
        if (dialer_->pending()) (void)dialer_->Flush();
      }
      int r = DispatchOne(wait_ms);
      dispatched_since_check_ += r;
      if (!started_) return r == 2;  // a handler closed the server
      if (r == 0) {
        QueueEmpty();
        if (read_ahead_.empty()) break;  // else frames held behind a gap were let go (CloseGaps)
        continue;
      }
      RunCallbacks();
      if (r == 2) return true;
      if (!forever) {
        // Sleep again, up to the link check or the deadline (a handler may
        // have used up the time: then only what is queued is taken).
        // Going round the outer loop instead cost a receive that finds
        // nothing and a poll per message (bench section 1, legacy pattern).
        if (!last_round) {
          now = Clock::now();
          wait_ms = std::min(MsUntil(next_link_check_, now), MsUntil(deadline, now));
        }
      } else {  // sleep again, up to the link check (by the coarse clock: it may be a tick late)
        wait_ms = MsUntil(next_link_check_, CoarseNow());
        if (wait_ms == 0) break;
      }
    }
    if (last_round) return false;
    if (Idle()) {
      int idle_ms = ReportSleepMs();  // -1, or until the report to the name server is due
      if (connects_unreported_ && registered_ && (idle_ms < 0 || idle_ms > kIdleSleepMs)) idle_ms = kIdleSleepMs;
      if (!forever) idle_ms = idle_ms < 0 ? MsUntil(deadline) : std::min(idle_ms, MsUntil(deadline));
      zmq_poll(poll_items_.data(), static_cast<int>(poll_items_.size()), idle_ms);
      next_link_check_ = Clock::now();  // whatever woke us: look at the links first
    }
    now = Clock::now();
  }
}

// Nothing came in the last link-check interval nor since, and nothing is
// owed: the wait may sleep on every socket.
bool Session::Idle() const {
  return quiet_interval_ && dispatched_since_check_ == 0 && acks_owed_.empty() && unacked_.empty() &&
         suspects_.empty() && pending_replies_.empty() && reregister_at_ == Clock::time_point::max();
}

}  // namespace cm
