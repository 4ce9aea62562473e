#include "session/session.h"

#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <unordered_set>

#include "codec/frame.h"
#include "transport/context.h"
#include "transport/tuning.h"
#include "transport/zmq_frame.h"
#include "util/log.h"
#include "util/open_files.h"

namespace cm {
namespace {

constexpr int kRegisterTimeoutMs = 5000;  // to reach a name server; answers may take 10 s
constexpr int kUnregisterTimeoutMs = 500;
constexpr int kCloseLingerMs = 1000;
constexpr int kHousekeepingMs = 1000;  // connect reports, re-registration
constexpr int kDispatchBudget = 65536;
constexpr int kRoomPollMs = 10;  // a send waiting for acks looks at its links this often
constexpr int kLinkCheckMs = 100;  // see Wait()  // per pass of a zero-timeout wait
// A peer whose connection closed and that we cannot reach again within this
// time is gone (a refused connection says so at once).  The contract says a
// control system learns of a death within about 2 s.
constexpr int kSuspectCheckMs = 1500;
// The library's own answers (cm:pong, cm:info-reply) wait at most this long
// in the dispatch path, and only when no other answer is queued; then they
// are queued, at most kMaxPendingReplies (see Reply).
constexpr int kReplyWaitMs = 20;
constexpr size_t kMaxPendingReplies = 64;
// How long a frame's claim that a registered peer moved may wait for the
// name server's word (ConfirmMove).
constexpr int kConfirmMoveMs = 500;
constexpr int kMaxSendTimeoutS = 10 * 86400;  // CM_SEND_TIMEOUT
// Frames held behind a gap in a sender's numbers (Hold): let go once our
// queue is found empty at least kGapGraceMs after the gap opened, or after
// kMaxGapMs whatever, or beyond these bounds.
constexpr int kGapGraceMs = 20;
constexpr int kMaxGapMs = 2000;
constexpr size_t kMaxHeldFrames = 20000;
constexpr size_t kMaxHeldBytes = 64 << 20;
// The peer table (PeerNamed): trimmed each time it grows by this many
// entries past it, and never larger than kMaxPeers.
constexpr size_t kTrimPeersAbove = 1024;
constexpr size_t kMaxPeers = 65536;
// An idle process sleeps on all its sockets, waking for a message or a link
// event; while it has sends to report to the name server, at least this
// often.  With none, it sleeps without a time limit: a wake-up that finds
// nothing to do cost 155 µs of CPU here, 500 idle processes 8% of a CPU.
constexpr int kIdleSleepMs = 1000;
// Acknowledgements go out at every link check, and also before a receive
// that may sleep or when the queue is found empty, but then at most this
// often: a receiver keeping up with a fast sender does that between most
// messages.
constexpr int kIdleAckMs = 10;
// A received ZeroMQ message larger than this is freed as soon as it is read.
constexpr size_t kKeptInboxBytes = 65536;

// steady_clock is CLOCK_MONOTONIC; the coarse variant counts from the same
// origin, up to one tick (1-4 ms) behind, for a fraction of the cost.
std::chrono::steady_clock::time_point CoarseNow() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
  return std::chrono::steady_clock::time_point(std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec));
}

int MsUntil(std::chrono::steady_clock::time_point t,
            std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now()) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(t - now).count();
  return us <= 0 ? 0 : static_cast<int>((us + 999) / 1000);  // round up: never return early
}

// A feature on by default that `variable`=0 turns off (docs/api.md, environment).
bool NotTurnedOff(const char* variable) {
  const char* value = std::getenv(variable);
  return value == nullptr || std::strcmp(value, "0") != 0;
}

void CloseAtExit() { Session::Instance().Close(); }

// A positive number from the environment variable `name`, if it is set; a
// value that is not one is said, never silently ignored.
bool PositiveSetting(const char* name, const char* unit, double current, double* value) {
  const char* text = std::getenv(name);
  if (text == nullptr) return false;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || errno != 0 || !(v > 0) || !std::isfinite(v)) {
    CM_WARN("%s='%s' is not a positive number of %s: using %g", name, text, unit, current);
    return false;
  }
  *value = v;
  return true;
}

// Rate limit for warnings about traffic we drop (a flood must not become a
// log flood): at most one line per second per kind.
bool Every(std::chrono::steady_clock::time_point* last) {
  auto now = std::chrono::steady_clock::now();
  if (now - *last < std::chrono::seconds(1)) return false;
  *last = now;
  return true;
}

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
                                     NotTurnedOff("CM_COALESCE"));  // "0": every message alone
  names_ = std::make_unique<NameClient>(domain_, listener_->address().incarnation);
  if (name_.empty()) name_ = host_ + "_" + std::to_string(getpid());
  names_->set_sender(name_);
  SetLogName(name_);
  double seconds = 0;
  if (PositiveSetting("CM_SEND_TIMEOUT", "seconds", send_timeout_ms_ / 1000.0, &seconds)) {
    // Time-outs are kept in int milliseconds: a longer one would wrap.
    if (seconds > kMaxSendTimeoutS) {
      CM_WARN("CM_SEND_TIMEOUT=%s is more than %d days: using %d days", std::getenv("CM_SEND_TIMEOUT"),
              kMaxSendTimeoutS / 86400, kMaxSendTimeoutS / 86400);
      seconds = kMaxSendTimeoutS;
    }
    send_timeout_ms_ = std::max(1, static_cast<int>(std::lround(seconds * 1000)));
  }
  double mib = 0;
  if (PositiveSetting("CM_SEND_WINDOW", "MiB", send_window_bytes_ / 1048576.0, &mib)) {
    // At least twice what a receiver reads between acknowledgements, or a
    // receiver that keeps up would hold its senders back too.
    double least = 2.0 * SendWindow::kAckEveryBytes / (1 << 20);
    send_window_bytes_ = static_cast<uint64_t>(std::min(std::max(mib, least), 1048576.0) * (1 << 20));
  }
  poll_items_ = {{listener_->socket().handle(), 0, ZMQ_POLLIN, 0},
                 {listener_->monitor_socket().handle(), 0, ZMQ_POLLIN, 0},
                 {dialer_->monitor_socket().handle(), 0, ZMQ_POLLIN, 0}};
  names_->AppendPollItems(&poll_items_);
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
  name_ = name;
  names_->set_sender(name_);
  SetLogName(name_);
  registered_ = true;
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
  peers_.clear();
  suspects_.clear();
  pending_replies_.clear();
  gaps_.clear();
  last_peer_ = nullptr;
  callbacks_.clear();
  read_ahead_.clear();
  inbox_ = Incoming();
  inbox_at_ = inbox_size_ = 0;
  retired_.clear();
  handlers_.Clear();
  on_connect_ = nullptr;
  on_disconnect_ = nullptr;
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

Peer* Session::PeerNamed(std::string_view name) {
  if (last_peer_ != nullptr && last_peer_->name == name) return last_peer_;
  auto it = peers_.find(std::string(name));
  if (it == peers_.end()) {
    // Every distinct sender name would otherwise cost a Peer for good (a
    // flood of made-up names took 202 MiB): the table is trimmed of peers
    // nothing depends on, and bounded.
    if (peers_.size() >= kTrimPeersAbove && peers_.size() % kTrimPeersAbove == 0) TrimPeers();
    if (peers_.size() >= kMaxPeers) {
      static Clock::time_point last_log;
      if (Every(&last_log))
        CM_WARN("already %zu peers known, the most a process keeps: nothing is sent to or taken from '%.*s' (a new "
                "name)",
                peers_.size(), static_cast<int>(std::min<size_t>(name.size(), 255)), name.data());
      return nullptr;
    }
    auto peer = std::make_unique<Peer>();
    peer->name = name;
    it = peers_.emplace(peer->name, std::move(peer)).first;
  }
  last_peer_ = it->second.get();
  return last_peer_;
}

// Peers that nothing depends on go: never handed to the program (no
// CmConnect points to them), nothing sent to them (a later send must go on
// numbering where the last one stopped), nothing owed or queued.  A peer
// that sends again later is simply met again.
void Session::TrimPeers() {
  std::unordered_set<const Peer*> busy;
  for (const auto& [connected, peer] : callbacks_) busy.insert(peer);
  for (const PendingReply& r : pending_replies_) busy.insert(r.to);
  size_t before = peers_.size();
  for (auto it = peers_.begin(); it != peers_.end();) {
    const Peer& p = *it->second;
    bool needed = p.escaped || p.seq_out != 0 || !p.held.empty() ||
                  p.suspect_since != Clock::time_point{} || p.ack_owed || p.unreported != 0 || &p == last_peer_ ||
                  busy.count(&p) != 0;
    it = needed ? std::next(it) : peers_.erase(it);
  }
  CM_DEBUG("peer table trimmed from %zu to %zu", before, peers_.size());
}

void Session::SetAddress(Peer& peer, const Address& address) {
  if (peer.address.endpoint != address.endpoint) {
    if (!peer.address.endpoint.empty() && !EndpointShared(peer.address.endpoint, peer))
      dialer_->Disconnect(peer.address.endpoint);
    peer.link_up = false;
  }
  if (peer.address.incarnation != address.incarnation) {  // another process: new sequences
    NoteUnacked(peer);
    if (!peer.address.endpoint.empty()) peer.previous = peer.address;
    if (!peer.held.empty()) CloseGap(peer);  // the old one's frames go first
    peer.seq_out = peer.acked = 0;
    peer.seq_in = peer.seq_acked = 0;
    peer.lost_told = peer.lost_heard = 0;
  }
  peer.address = address;
}

// Whether a peer other than `peer` is at `endpoint` (a process that took
// the port of one that died): its connection must not be dropped with the
// dead one's.
bool Session::EndpointShared(const std::string& endpoint, const Peer& peer) const {
  for (const auto& [name, other] : peers_)
    if (other.get() != &peer && other->address.endpoint == endpoint && other->suspect_since == Clock::time_point{})
      return true;
  return false;
}

Status Session::Resolve(Peer& peer) {
  NameRecord record;
  // As patient as a send (CM_SEND_TIMEOUT): a name server slow under load
  // must not fail sends that would have waited that long anyway.
  Status s = names_->Lookup(peer.name, &record, send_timeout_ms_);
  if (!s.ok()) return s;
  Address address;
  if (!Address::Parse(record.address, &address))
    return Status::Malformed("the name server has a bad address for '" + peer.name + "': " + record.address);
  SetAddress(peer, address);
  return Status::Ok();
}

bool Session::Send(const Message& message, std::string_view to) {
  if (!Start().ok()) {
    ++stats_.send_failures;
    return false;
  }
  if (to.empty()) {
    CM_WARN("send '%s': empty destination name", message.type());
    ++stats_.send_failures;
    return false;
  }
  Peer* known = PeerNamed(to);
  if (known == nullptr) {
    ++stats_.send_failures;
    return false;
  }
  Peer& peer = *known;
  // Reading the clock costs ~40 ns on a VM: only a send that waits needs it.
  Clock::time_point deadline{};  // unset: Deliver sets it if it has to wait
  if (peer.address.endpoint.empty()) {
    deadline = Clock::now() + std::chrono::milliseconds(send_timeout_ms_);
    Status s = Resolve(peer);
    if (!s.ok()) {
      CM_WARN("send '%s' to '%s': %s", message.type(), peer.name.c_str(),
              s.IsNotFound() ? "no process of that name is registered" : s.message().c_str());
      ++stats_.send_failures;
      return false;
    }
  }
  return Deliver(peer, message, deadline);
}

bool Session::Deliver(Peer& peer, const Message& message, Clock::time_point deadline, bool quiet) {
  Envelope env;
  env.sender = name_;
  env.reply_to = address_text_;
  // A frame that may be coalesced (transport/dialer.h) is encoded on the
  // stack, then copied into the batch (or a ZeroMQ message if it goes alone
  // after all); any other straight into a ZeroMQ message of its size.
  char small[Dialer::kMaxCoalescedFrame];
  zmq::message_t alone;
  size_t size = 0;
  bool on_stack = false;
  auto encode = [&] {
    env.seq = peer.seq_out + 1;
    size = EncodedSize(env, message);
    on_stack = dialer_->MayCoalesce(peer.address, size);
    if (on_stack) {
      Encode(env, message, small);
    } else {
      alone.rebuild(size);
      Encode(env, message, static_cast<char*>(alone.data()));
    }
  };
  encode();
  // A peer that has not read what we sent it holds us back (send_window.h).
  if (!peer.window.HasRoom(size, send_window_bytes_)) {
    if (deadline == Clock::time_point{}) deadline = Clock::now() + std::chrono::milliseconds(send_timeout_ms_);
    if (!WaitForRoom(peer, size, deadline)) {
      if (quiet) return false;
      CM_WARN("send '%s' to '%s': for %d ms it left %.1f MiB sent to it unread, and this message (%.1f MiB) "
              "would take that past CM_SEND_WINDOW (%.0f MiB): it reads too slowly, or not at all; message not sent",
              message.type(), peer.name.c_str(), send_timeout_ms_, peer.window.unread() / 1048576.0, size / 1048576.0,
              send_window_bytes_ / 1048576.0);
      ++stats_.send_failures;
      return false;
    }
  }
  // A connection still being made is waited for; a lost one sends us back
  // to the name server, which knows whether the peer is dead or moved.
  Clock::time_point next_resolve{};  // set, with an unset deadline, at the first failed attempt
  Dialer::SendResult result;
  for (;;) {
    if (!peer.link_up) dialer_->Connect(peer.address.endpoint);  // idempotent
    result = on_stack ? dialer_->Send(peer.address, small, size) : dialer_->Send(peer.address, alone);
    if (result == Dialer::SendResult::kSent) {
      peer.seq_out = env.seq;
      peer.window.Sent(env.seq, size);
      ++peer.sent;
      ++peer.unreported;
      connects_unreported_ = true;
      ++stats_.sent;
      Announce(peer);
      return true;
    }
    auto now = Clock::now();
    if (next_resolve == Clock::time_point{}) {
      next_resolve = now + std::chrono::milliseconds(peer.was_lost ? 0 : 200);
      if (deadline == Clock::time_point{}) deadline = now + std::chrono::milliseconds(send_timeout_ms_);
    }
    if (now >= deadline) break;
    if (result == Dialer::SendResult::kNotConnected && now >= next_resolve) {
      NameRecord record;
      Status s = names_->Lookup(peer.name, &record, MsUntil(deadline));
      if (s.IsNotFound()) {
        if (!quiet)
          CM_WARN("send '%s' to '%s': it is no longer registered (it exited or died)", message.type(),
                  peer.name.c_str());
        if (!EndpointShared(peer.address.endpoint, peer)) dialer_->Disconnect(peer.address.endpoint);
        if (!quiet) ++stats_.send_failures;
        return false;
      }
      Address fresh;
      if (s.ok() && !peer.address.Is(record.address) && Address::Parse(record.address, &fresh)) {
        CM_INFO("'%s' moved from %s to %s", peer.name.c_str(), peer.address.ToString().c_str(),
                record.address.c_str());
        SetAddress(peer, fresh);
        encode();
      }
      next_resolve = Clock::now() + std::chrono::milliseconds(500);
    }
    // A full queue drains, and a link reported up becomes routable, within
    // a millisecond or so: retry soon.  A link still being made reports its
    // handshake on the monitor, which wakes the wait at once.
    bool soon = result == Dialer::SendResult::kFull || peer.link_up;
    WaitForLinks(std::min(MsUntil(deadline), soon ? 1 : 20));
  }
  if (quiet) return false;
  if (result == Dialer::SendResult::kFull)
    CM_WARN("send '%s' to '%s': its queue stayed full for %d ms: message not sent", message.type(),
            peer.name.c_str(), send_timeout_ms_);
  else
    CM_WARN("send '%s' to '%s': not reachable at %s within %d ms", message.type(), peer.name.c_str(),
            peer.address.ToString().c_str(), send_timeout_ms_);
  ++stats_.send_failures;
  return false;
}

// Waits, up to `deadline`, until `peer` has acknowledged reading enough of
// what we sent it for `size` more bytes to go.  What else arrives meanwhile
// is kept, in order, for the next dispatch: handlers run only in Wait.
bool Session::WaitForRoom(Peer& peer, size_t size, Clock::time_point deadline) {
  (void)dialer_->Flush();  // what we coalesced for it must reach it to be read
  // Acknowledgements already read ahead (to count the queue) count now.
  for (auto it = read_ahead_.begin(); it != read_ahead_.end();) it = TakeAck(*it) ? read_ahead_.erase(it) : it + 1;
  while (!peer.window.HasRoom(size, send_window_bytes_)) {
    int ms = MsUntil(deadline);
    if (ms == 0) return false;
    Incoming in;
    if (listener_->Receive(&in, std::min(ms, kRoomPollMs)) && !TakeAck(in)) read_ahead_.push_back(std::move(in));
    WaitForLinks(0);  // a link that went down forgets its window (NoteUnacked)
  }
  return true;
}

// True if `in` is an acknowledgement (which travels alone), now counted.
bool Session::TakeAck(const Incoming& in) {
  if (in.malformed) return false;
  Envelope env;
  Message ack;
  size_t used = 0;
  Status s = decoder_.DecodeFirst(static_cast<const char*>(in.frame.data()), in.frame.size(), &used, &env, &ack);
  if (!s.ok() || used != in.frame.size() || env.seq != 0 || ack.type_string() != "cm:ack") return false;
  Acknowledged(env, ack);
  return true;
}

void Session::WaitForLinks(int timeout_ms) {
  dialer_->CheckStalled();  // a busy link whose peer's host is gone (transport/dialer.h)
  zmq_pollitem_t item{dialer_->monitor_socket().handle(), 0, ZMQ_POLLIN, 0};
  if (zmq_poll(&item, 1, timeout_ms) > 0) ProcessLinkEvents();
}

// What the monitors say is a hint, never a verdict: a descriptor or an
// endpoint is reused by the next connection or process that comes along
// (docs/architecture.md, "Learning that a peer is gone").  A peer whose
// connection closed is suspected, then checked by reaching its incarnation.
void Session::ProcessLinkEvents() {
  std::vector<LinkEvent> events;
  dialer_->TakeEvents(&events);
  for (const LinkEvent& e : events) {
    for (auto& [name, p] : peers_) {
      Peer& peer = *p;
      if (peer.address.endpoint != e.endpoint) continue;
      if (e.up) {
        peer.link_up = true;
        peer.was_lost = false;
      } else if (e.refused) {
        // Nobody listens where it was: gone, unless it is reached after all
        // (the endpoint may be another process's now).
        Suspect(peer);
        peer.refused = true;
      } else {
        peer.link_up = false;
        peer.link_reset = true;
        Suspect(peer);
      }
    }
  }
  std::vector<int> closed;
  listener_->TakeClosed(&closed);
  for (int fd : closed) {
    for (auto& [name, p] : peers_) {
      if (p->inbound_fd != fd) continue;
      p->inbound_fd = -1;
      Suspect(*p);
    }
  }
  if (!suspects_.empty()) CheckSuspects();
  if (!pending_replies_.empty()) RetryReplies();
  names_->DrainUnsolicited();
  if (names_->TakeReconnected() && registered_) {
    // Jitter: after a name server restart, 500 processes must not all
    // register in the same millisecond.
    static std::mt19937 rng(std::random_device{}());
    reregister_at_ = Clock::now() + std::chrono::milliseconds(rng() % 1000);
  }
}

void Session::Suspect(Peer& peer) {
  if (peer.suspect_since != Clock::time_point{} || peer.address.endpoint.empty()) return;
  peer.suspect_since = Clock::now();
  peer.refused = false;
  suspects_.push_back(&peer);
}

// A suspect is alive if its incarnation takes a frame: an acknowledgement,
// which is idempotent (ROUTER_MANDATORY refuses it unless the handshake
// with exactly that incarnation is done, whoever now has the endpoint).  It
// is gone if a connection to its endpoint is refused, or after
// kSuspectCheckMs without a connection to it (a host that vanished).
void Session::CheckSuspects() {
  auto now = Clock::now();
  size_t kept = 0;
  for (Peer* peer : suspects_) {
    if (peer->suspect_since == Clock::time_point{}) continue;  // lost or killed meanwhile
    Dialer::SendResult r = ProbeAck(*peer);
    // Taken by a connection our monitor reported lost and not up again: one
    // libzmq is still tearing down (its pipe takes writes until then).
    if (r == Dialer::SendResult::kSent && !peer->link_up) r = Dialer::SendResult::kNotConnected;
    if (r == Dialer::SendResult::kSent) {
      peer->suspect_since = Clock::time_point{};
      peer->link_up = true;
      // Our connection to it was reset and made again: what went on the old
      // one and is not acknowledged may have died with it.  A numbered no-op
      // on the new one shows the receiver where the gap is, if there is one
      // (Hold); it tells us in its acknowledgements.
      if (peer->link_reset && peer->seq_out > peer->acked) {
        Message sync;
        sync.SetType("cm:sync");
        if (!Deliver(*peer, sync, now, /*quiet=*/true))
          CM_WARN("could not send cm:sync to '%s' after its link was reset: messages %llu..%llu may be lost unreported",
                  peer->name.c_str(), static_cast<unsigned long long>(peer->acked + 1),
                  static_cast<unsigned long long>(peer->seq_out));
      }
      peer->link_reset = false;
      continue;
    }
    // Full: a peer that does not read, or a connection libzmq is still
    // tearing down (its pipe refuses writes until it is gone).  Undecided
    // until one or the other shows: no deadline meanwhile.
    if (r == Dialer::SendResult::kFull) {
      suspects_[kept++] = peer;
      continue;
    }
    if (peer->refused || now - peer->suspect_since >= std::chrono::milliseconds(kSuspectCheckMs)) {
      CM_DEBUG("'%s' at %s is gone (%s)", peer->name.c_str(), peer->address.ToString().c_str(),
               peer->refused ? "connection refused" : "not reachable");
      peer->suspect_since = Clock::time_point{};
      peer->link_up = false;
      if (!EndpointShared(peer->address.endpoint, *peer)) dialer_->Disconnect(peer->address.endpoint);
      LinkLost(*peer);
      continue;
    }
    dialer_->Connect(peer->address.endpoint);  // idempotent
    suspects_[kept++] = peer;
  }
  suspects_.resize(kept);
}

// An acknowledgement of what we dispatched from `peer`, sent now or never.
Dialer::SendResult Session::ProbeAck(Peer& peer) {
  Message ack;
  ack.SetType("cm:ack");
  ack.PutLong(static_cast<long>(peer.seq_in));
  if (peer.lost_told > 0) ack.PutLong(static_cast<long>(peer.lost_told));
  Envelope env;
  env.sender = name_;
  env.reply_to = address_text_;
  zmq::message_t frame = EncodeFrame(env, ack);
  Dialer::SendResult r = dialer_->Send(peer.address, frame);
  if (r == Dialer::SendResult::kSent) peer.seq_acked = peer.seq_in;
  return r;
}

void Session::LinkLost(Peer& peer) {
  peer.suspect_since = Clock::time_point{};
  peer.was_lost = true;
  NoteUnacked(peer);
  peer.seq_acked = peer.seq_in;  // no acknowledgement reaches it now; its next message owes one
  if (!peer.announced) return;
  peer.announced = false;
  callbacks_.emplace_back(false, &peer);
}

void Session::Announce(Peer& peer) {
  if (peer.announced) return;
  peer.announced = true;
  callbacks_.emplace_back(true, &peer);
}

void Session::RunQueuedCallbacks() {
  while (!callbacks_.empty()) {
    auto [connected, peer] = callbacks_.front();
    callbacks_.pop_front();
    PeerHandler& handler = connected ? on_connect_ : on_disconnect_;
    if (handler) {
      PeerHandler call = handler;  // the callback may install another one
      peer->escaped = true;        // a CmConnect points to it now
      call(*peer);
    }
  }
}

// The library's own answers never hold up dispatch for long: a sender
// whose reply address does not answer (it left, or the frame was forged)
// must not freeze the process.  An answer that cannot go at once may wait
// kReplyWaitMs when no other is queued; else it is queued, connected to,
// and tried again at each link check until the send timeout.
void Session::Reply(Peer& to, const char* type, std::unique_ptr<Message> reply) {
  reply->SetType(type);
  // A sender that gave no address (a raw or foreign frame) is answered only
  // if its name is registered.
  if (to.address.endpoint.empty()) {
    Status s = Resolve(to);
    if (!s.ok()) {
      CM_WARN("cannot answer '%s' with %s: it gave no address and %s", to.name.c_str(), type,
              s.IsNotFound() ? "is not registered" : s.message().c_str());
      ++stats_.send_failures;
      return;
    }
  }
  auto now = Clock::now();
  auto wait = pending_replies_.empty() ? std::chrono::milliseconds(kReplyWaitMs) : std::chrono::milliseconds(0);
  if (Deliver(to, *reply, now + wait, /*quiet=*/true)) return;
  if (pending_replies_.size() >= kMaxPendingReplies) {
    static Clock::time_point last_log;
    ++stats_.send_failures;
    if (Every(&last_log))
      CM_WARN("cannot answer '%s' with %s now, and %zu answers already wait: dropped", to.name.c_str(), type,
              pending_replies_.size());
    return;
  }
  dialer_->Connect(to.address.endpoint);
  pending_replies_.push_back({&to, std::move(reply), now + std::chrono::milliseconds(send_timeout_ms_)});
}

void Session::RetryReplies() {
  auto now = Clock::now();
  size_t kept = 0;
  for (PendingReply& r : pending_replies_) {
    if (Deliver(*r.to, *r.message, now, /*quiet=*/true)) continue;
    if (now >= r.deadline) {
      ++stats_.send_failures;
      CM_WARN("could not answer '%s' with %s within %d ms: not reachable at %s; answer dropped", r.to->name.c_str(),
              r.message->type(), send_timeout_ms_, r.to->address.ToString().c_str());
      continue;
    }
    pending_replies_[kept++] = std::move(r);
  }
  pending_replies_.resize(kept);
}

// The requests every process answers by itself (docs/protocol.md).  Their
// replies (cm:pong, cm:info-reply, cm:killed) go to handlers like any type.
bool Session::HandleBuiltin(Message& message, Peer& sender) {
  const std::string& type = message.type_string();
  auto reply_owner = std::make_unique<Message>();
  Message& reply = *reply_owner;
  if (type == "cm:sync") {
    // Nothing to do: its number did the work (CheckSuspects, Hold).
  } else if (type == "cm:ping") {
    Reply(sender, "cm:pong", std::move(reply_owner));
  } else if (type == "cm:info") {
    reply.PutText(name_.c_str());
    reply.PutInt(getpid());
    reply.PutText(host_.c_str());
    reply.PutText(address_text_.c_str());
    reply.PutInt(static_cast<int>(handlers_.size()));
    reply.PutLong(static_cast<long>(stats_.received));
    reply.PutLong(static_cast<long>(stats_.sent));
    reply.PutLong(static_cast<long>(stats_.send_failures));
    reply.PutLong(static_cast<long>(stats_.unhandled));
    reply.PutLong(static_cast<long>(stats_.malformed));
    reply.PutLong(static_cast<long>(stats_.lost));
    reply.PutText(CM_VERSION);
    reply.PutLong(static_cast<long>(QueueDepth()));
    reply.PutLong(static_cast<long>(stats_.unacked));
    Reply(sender, "cm:info-reply", std::move(reply_owner));
  } else if (type == "cm:kill") {
    // Only from inside the domain: the request names it (a tool run with a
    // wrong CMDOMAIN that still reaches us must not stop us).  With a domain
    // secret, no one outside the domain reaches us at all.
    const std::vector<Item>& items = message.items();
    std::string domain = !items.empty() && items[0].kind == ItemKind::kText ? message.GetText() : "";
    if (domain != domain_.name) {
      CM_WARN("refused cm kill from '%s': it is for domain '%s', this process is in domain '%s'",
              sender.name.c_str(), domain.c_str(), domain_.name.c_str());
      reply.PutText(("this process is in domain '" + domain_.name + "', not '" + domain + "'").c_str());
      Reply(sender, "cm:kill-refused", std::move(reply_owner));
      return true;
    }
    CM_WARN("asked to stop by '%s' (cm kill): closing and exiting", sender.name.c_str());
    // This one may wait: the process ends right after it.
    reply.SetType("cm:killed");
    (void)Deliver(sender, reply, Clock::now() + std::chrono::milliseconds(send_timeout_ms_));
    Close();
    std::exit(0);
  } else {
    return false;
  }
  return true;
}

bool Session::NextIncoming(Incoming* in, int wait_ms) {
  if (read_ahead_.empty()) return listener_->Receive(in, wait_ms);
  *in = std::move(read_ahead_.front());
  read_ahead_.pop_front();
  return true;
}

// Messages that arrived and wait for dispatch.  ZeroMQ cannot count its
// queue, so they are read ahead (the queue is bounded: no memory is added)
// and dispatched from here first, in order.
size_t Session::QueueDepth() {
  Incoming in;
  while (read_ahead_.size() < static_cast<size_t>(kHighWaterMark) && listener_->Receive(&in))
    read_ahead_.push_back(std::move(in));
  // Counted in Cm messages: a ZeroMQ message may hold several (coalesced),
  // and so may the rest of the one being read.
  size_t frames =
      CountFrames(static_cast<const char*>(inbox_.frame.data()) + inbox_at_, inbox_size_ - inbox_at_);
  for (const Incoming& queued : read_ahead_)
    frames += queued.malformed ? 1 : CountFrames(static_cast<const char*>(queued.frame.data()), queued.frame.size());
  return frames;
}

// One message from the listener, waiting up to `wait_ms` for it: 0 none
// came, 1 handled, 2 a handler broke.
int Session::DispatchOne(int wait_ms) {
  static Clock::time_point last_malformed_log;
  // A sender holds back once we have not acknowledged its window's worth
  // (send_window.h): say what we dispatched well before that.
  if (read_since_ack_ >= SendWindow::kAckEveryBytes) SendAcks();
  if (inbox_at_ == inbox_size_) {  // every frame of the last ZeroMQ message read: the next one
    // Inside a handler that waits, the handler's message may point into the
    // last ZeroMQ message: kept until the outermost dispatch ends.
    if (dispatch_depth_ > 0 && inbox_size_ > 0) retired_.push_back(std::move(inbox_.frame));
    bool got = NextIncoming(&inbox_, wait_ms);
    inbox_size_ = inbox_.frame.size();
    if (!got) {
      inbox_at_ = inbox_size_;
      return 0;
    }
    inbox_at_ = 0;
    if (inbox_.malformed) {
      inbox_at_ = inbox_size_;
      ++stats_.malformed;
      if (Every(&last_malformed_log)) CM_WARN("dropped a multi-part frame (%llu malformed so far)",
                                              static_cast<unsigned long long>(stats_.malformed));
      return 1;
    }
  }
  // One message object per nesting level (a handler may wait in turn),
  // reused so that its vectors keep their capacity.
  if (dispatch_depth_ == dispatch_messages_.size()) dispatch_messages_.push_back(std::make_unique<Message>());
  Message& message = *dispatch_messages_[dispatch_depth_];
  struct Level {
    Session& session;
    Message& message;
    ~Level() {
      message.Reset();
      if (--session.dispatch_depth_ == 0) session.ReleaseInbox();
    }
  } level{*this, message};
  ++dispatch_depth_;
  Envelope env;
  // The message points into inbox_, which outlives it (~Level resets it).
  // After a malformed frame the rest of the ZeroMQ message cannot be
  // delimited: its frames are dropped with it (seen as lost by their numbers).
  size_t used = 0;
  const char* frame_start = static_cast<const char*>(inbox_.frame.data()) + inbox_at_;
  Status s = decoder_.DecodeFirst(frame_start, inbox_size_ - inbox_at_, &used, &env, &message);
  inbox_at_ += used;
  if (!s.ok() || env.sender.empty()) {
    ++stats_.malformed;
    if (Every(&last_malformed_log))
      CM_WARN("dropped a malformed frame: %s (%llu malformed so far)", s.ok() ? "no sender" : s.message().c_str(),
              static_cast<unsigned long long>(stats_.malformed));
    return 1;
  }
  // Acknowledgements are bookkeeping, not messages: neither counted nor handled.
  if (env.seq == 0 && message.type_string() == "cm:ack") {
    Acknowledged(env, message);
    return 1;
  }
  Peer* known = PeerNamed(env.sender);
  if (known == nullptr) {
    ++stats_.malformed;
    return 1;
  }
  Peer& peer = *known;
  bool stale = false;  // late mail from the process this peer replaced: handled, but not followed
  if (!env.reply_to.empty() && !peer.address.Is(env.reply_to)) {
    stale = peer.previous.Is(env.reply_to);
    Address from;
    if (!stale && Address::Parse(env.reply_to, &from)) {
      if (!peer.address.endpoint.empty() && !ConfirmMove(peer, from)) {
        ++stats_.malformed;
        static Clock::time_point last_forged_log;
        if (Every(&last_forged_log))
          CM_WARN("dropped a frame claiming to be from '%s' at %s: the name server has '%s' at %s (%llu dropped "
                  "as malformed or forged so far)",
                  peer.name.c_str(), std::string(env.reply_to).c_str(), peer.name.c_str(),
                  peer.address.ToString().c_str(), static_cast<unsigned long long>(stats_.malformed));
        return 1;
      }
      SetAddress(peer, from);
    }
  }
  if (peer.inbound_fd < 0 && !stale) {  // reset when that connection closes
    int fd = Listener::SourceFd(inbox_.frame);
    if (fd >= 0) peer.inbound_fd = fd;
  }
  if (env.seq != 0 && !stale) {
    if (peer.seq_in != 0 && env.seq > peer.seq_in + 1) {
      // A gap: this one waits for the numbers before it (Hold).
      if (Hold(peer, env.seq, frame_start, used)) return 1;
    } else if (env.seq <= peer.seq_in && peer.seq_in != 0) {
      // It was counted lost when its gap was closed, and its sender was
      // told so: handing it over now would break the order and the count.
      static Clock::time_point last_late_log;
      if (Every(&last_late_log))
        CM_WARN("dropped message number %llu from '%s': it came after %llu, once counted lost",
                static_cast<unsigned long long>(env.seq), peer.name.c_str(),
                static_cast<unsigned long long>(peer.seq_in));
      return 1;
    }
    peer.seq_in = env.seq;
    if (!peer.held.empty() && peer.held.front().seq == peer.seq_in + 1) Release(peer);
    read_since_ack_ += used;
    if (!peer.ack_owed) {
      peer.ack_owed = true;
      acks_owed_.push_back(&peer);
    }
  }
  ++peer.received;
  ++stats_.received;
  Announce(peer);
  RunCallbacks();
  const std::string& type = message.type_string();
  if (type.size() > 3 && std::memcmp(type.data(), "cm:", 3) == 0 && HandleBuiltin(message, peer)) return 1;
  const MessageHandler* found = handlers_.Find(type);
  if (found == nullptr) {
    ++stats_.unhandled;
    static Clock::time_point last_unhandled_log;
    if (Every(&last_unhandled_log))
      CM_WARN("no handler for message type '%s' from '%s': dropped (%llu so far)", type.c_str(), peer.name.c_str(),
              static_cast<unsigned long long>(stats_.unhandled));
    return 1;
  }
  MessageHandler handler = *found;  // the handler may change the table
  std::string sender = peer.name;   // and must not see the peer table move
  return handler(message, sender.c_str()) ? 2 : 1;
}

// A frame says `peer` now listens at `to`.  A process that restarted does
// (a new incarnation); a frame forged by another process of an open domain
// only claims so, and following it would send the name's messages to the
// forger.  The name server knows which: a registered name moves only where
// it is registered.  A name it does not know (an automatic one, or one that
// left) is taken at its word, as is any when no name server answers.
bool Session::ConfirmMove(Peer& peer, const Address& to) {
  std::string claimed = to.ToString();
  auto now = Clock::now();
  if (claimed == peer.refuted && now < peer.refuted_until) return false;  // asked already
  NameRecord record;
  Status s = names_->Lookup(peer.name, &record, kConfirmMoveMs);
  Address registered;
  if (!s.ok() || !Address::Parse(record.address, &registered)) return true;
  if (registered.incarnation == to.incarnation) return true;
  if (registered.incarnation != peer.address.incarnation) SetAddress(peer, registered);  // it did move, elsewhere
  peer.refuted = claimed;
  peer.refuted_until = now + std::chrono::seconds(1);
  return false;
}

// No dispatch points into a received ZeroMQ message any more: what is read
// of them is freed.  A large one now, not at the next message (it may be an
// 8 MiB array); a small one is left to be replaced by the next receive.
void Session::ReleaseInbox() {
  if (!retired_.empty()) retired_.clear();
  if (inbox_at_ == inbox_size_ && inbox_at_ > kKeptInboxBytes) {
    inbox_.frame.rebuild();
    inbox_at_ = inbox_size_ = 0;
  }
}

void Session::Housekeeping() {
  auto now = Clock::now();
  if (!gaps_.empty()) CloseGaps(/*queue_empty=*/false);
  SendAcks();
  if (!unacked_.empty()) stats_.unacked += unacked_.ReportDue(now, drained_at_);
  if (now >= next_report_) {
    ReportConnects();
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
    if (s.ok())
      CM_INFO("name server link came back: registered '%s' again", name_.c_str());
    else
      CM_ERROR("could not register '%s' again after the name server came back: %s", name_.c_str(),
               s.message().c_str());
  }
}

void Session::ReportConnects() {
  if (!registered_) return;
  connects_unreported_ = false;
  for (auto& [name, peer] : peers_) {
    if (peer->unreported == 0) continue;
    Message note;
    note.SetType("NSConnect");
    note.PutText(name_.c_str());
    note.PutText(name.c_str());
    note.PutLong(static_cast<long>(peer->unreported));
    names_->Notify(note);
    peer->unreported = 0;
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
    for (int budget = kDispatchBudget; budget > 0; --budget) {
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
        wait_ms = 0;
      } else {  // sleep again, up to the link check (by the coarse clock: it may be a tick late)
        wait_ms = MsUntil(next_link_check_, CoarseNow());
        if (wait_ms == 0) break;
      }
    }
    if (last_round) return false;
    if (Idle()) {
      int idle_ms = connects_unreported_ && registered_ ? kIdleSleepMs : -1;
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

Peer* Session::Reference(const std::string& name) {
  if (!Start().ok() || name.empty()) return nullptr;
  Peer* known = PeerNamed(name);
  if (known == nullptr) return nullptr;
  Peer& peer = *known;
  peer.escaped = true;  // a CmConnect points to it
  Status s = Resolve(peer);
  if (!s.ok()) {
    if (!s.IsNotFound()) CM_WARN("look up '%s': %s", name.c_str(), s.message().c_str());
    return nullptr;
  }
  return &peer;
}

void Session::Kill(Peer* peer) {
  if (!started_ || peer == nullptr) return;
  if (!peer->address.endpoint.empty() && !EndpointShared(peer->address.endpoint, *peer))
    dialer_->Disconnect(peer->address.endpoint);
  peer->link_up = false;
  LinkLost(*peer);
}

// --- Acknowledgements (docs/api.md, "Delivery"; docs/protocol.md, cm:ack) ---

// Each peer whose messages we dispatched since we last said so gets one
// cm:ack with the last sequence number.  Never waits: an ack that cannot go
// now goes at the next round, and a later one supersedes it.
void Session::SendAcks() {
  read_since_ack_ = 0;
  size_t kept = 0;
  for (Peer* peer : acks_owed_) {
    if (SendAck(*peer))
      peer->ack_owed = false;
    else
      acks_owed_[kept++] = peer;
  }
  acks_owed_.resize(kept);
}

// True when nothing is owed to `peer` any more.  An ack has sequence number
// 0: it is not one of the pair's messages, and is itself never acknowledged.
bool Session::SendAck(Peer& peer) {
  if (peer.seq_in == peer.seq_acked || peer.address.endpoint.empty()) return true;
  Message ack;
  ack.SetType("cm:ack");
  ack.PutLong(static_cast<long>(peer.seq_in));
  if (peer.lost_told > 0) ack.PutLong(static_cast<long>(peer.lost_told));
  Envelope env;
  env.sender = name_;
  env.reply_to = address_text_;
  zmq::message_t frame = EncodeFrame(env, ack);
  switch (dialer_->Send(peer.address, frame)) {
    case Dialer::SendResult::kSent:
      peer.seq_acked = peer.seq_in;
      return true;
    case Dialer::SendResult::kNotConnected:  // it only sent to us so far
      dialer_->Connect(peer.address.endpoint);
      return false;
    case Dialer::SendResult::kFull:  // it does not read: it will hear from us later
      return false;
  }
  return false;
}

// An ack counts for the incarnation that sent it (its reply_to), whether we
// still send to it or it is in the ledger, gone.
void Session::Acknowledged(const Envelope& env, Message& ack) {
  long seq = ack.GetLong();
  // How many of ours it found missing, in all (a second item, from
  // receivers that saw a gap: docs/protocol.md, cm:ack).
  long lost = ack.items().size() > 1 ? ack.GetLong() : 0;
  if (seq <= 0) return;
  auto it = peers_.find(std::string(env.sender));
  if (it != peers_.end() && it->second->address.Is(env.reply_to)) {
    Peer& peer = *it->second;
    if (lost > 0 && static_cast<uint64_t>(lost) > peer.lost_heard) {
      uint64_t more = static_cast<uint64_t>(lost) - peer.lost_heard;
      peer.lost_heard = static_cast<uint64_t>(lost);
      stats_.unacked += more;
      CM_WARN("%llu message(s) to '%s' (%s) were lost on the way: it found their numbers missing (%llu in all)",
              static_cast<unsigned long long>(more), peer.name.c_str(), peer.address.ToString().c_str(),
              static_cast<unsigned long long>(lost));
    }
    peer.acked = std::max(peer.acked, std::min(static_cast<uint64_t>(seq), peer.seq_out));
    peer.window.Acknowledged(static_cast<uint64_t>(seq));
  }
  unacked_.Acknowledged(env.reply_to, static_cast<uint64_t>(seq));
}

// The link to `peer` went down (or it was replaced): what it did not
// acknowledge goes to the ledger, to be reported once late acks had a chance.
void Session::NoteUnacked(Peer& peer) {
  peer.window.Forget();
  if (peer.seq_out <= peer.acked) return;
  unacked_.Add(peer.name, peer.address.ToString(), peer.acked, peer.seq_out, Clock::now());
  peer.acked = peer.seq_out;
}

// Acknowledgements owed go out, at most every kIdleAckMs: before a receive
// that may sleep (they would wait for the next link check otherwise), and
// when the queue is found empty.  Read on the coarse clock (a few ns, not the
// ~40 of a precise read): a receiver keeping up pays it per message.
void Session::SendIdleAcks() {
  if (acks_owed_.empty()) return;
  auto now = CoarseNow();
  if (now < next_idle_ack_) return;
  SendAcks();
  next_idle_ack_ = now + std::chrono::milliseconds(kIdleAckMs);
}

// The queue was found empty: every ack that had arrived has been read, and
// it is a good moment to send ours.
void Session::QueueEmpty() {
  if (!unacked_.empty()) drained_at_ = Clock::now();
  if (!gaps_.empty()) CloseGaps(/*queue_empty=*/true);
  SendIdleAcks();
}

// --- Gaps (docs/reliability.md, "A link reset") ---
//
// A sender whose connection to us was reset sends again on a new one, while
// what it sent on the old one may still wait in our queue: libzmq takes from
// the two in turn, so numbers jump ahead, then come back.  A frame after a
// gap is held (copied: the received message it lies in is reused) until the
// missing numbers come, or until our queue has been read to its end (then
// they will not come: they are lost, counted, and the sender is told in our
// acknowledgements), or kMaxGapMs passed, or too much is held.

bool Session::Hold(Peer& peer, uint64_t seq, const char* frame, size_t size) {
  if (peer.held_bytes + size > kMaxHeldBytes || peer.held.size() >= kMaxHeldFrames) {
    CloseGap(peer);  // lets the held ones go, in order, after this frame's gap is counted
    if (seq > peer.seq_in + 1) return Hold(peer, seq, frame, size);
    return false;
  }
  if (peer.held.empty()) {
    peer.gap_since = Clock::now();
    gaps_.push_back(&peer);
  }
  peer.held.push_back({seq, zmq::message_t(frame, size)});
  peer.held_bytes += size;
  return true;
}

// The held frames go back to the front of the queue, in order: dispatched
// next, each checked again (a later gap holds the rest once more).
void Session::Release(Peer& peer) {
  for (auto it = peer.held.rbegin(); it != peer.held.rend(); ++it) {
    Incoming in;
    in.frame = std::move(it->frame);
    read_ahead_.push_front(std::move(in));
  }
  peer.held.clear();
  peer.held_bytes = 0;
  gaps_.erase(std::find(gaps_.begin(), gaps_.end(), &peer));
}

// The numbers before the first held frame will not come: counted lost.
void Session::CloseGap(Peer& peer) {
  if (peer.held.empty()) return;
  uint64_t first = peer.seq_in + 1, next = peer.held.front().seq;
  uint64_t gap = next - first;
  peer.lost += gap;
  peer.lost_told += gap;
  stats_.lost += gap;
  CM_WARN("lost %llu message(s) from '%s' (numbers %llu..%llu never came)", static_cast<unsigned long long>(gap),
          peer.name.c_str(), static_cast<unsigned long long>(first), static_cast<unsigned long long>(next - 1));
  peer.seq_in = next - 1;
  if (!peer.ack_owed) {  // the sender learns of it with our next acknowledgement
    peer.ack_owed = true;
    acks_owed_.push_back(&peer);
  }
  Release(peer);
}

void Session::CloseGaps(bool queue_empty) {
  auto now = Clock::now();
  std::vector<Peer*> due;
  for (Peer* peer : gaps_)
    if ((queue_empty && now - peer->gap_since >= std::chrono::milliseconds(kGapGraceMs)) ||
        now - peer->gap_since >= std::chrono::milliseconds(kMaxGapMs))
      due.push_back(peer);
  for (Peer* peer : due) CloseGap(*peer);
}

// Closing: what is still queued will not be dispatched, but the acks in it
// still narrow what we report as maybe lost.
void Session::ReadLastAcks() {
  if (unacked_.empty()) return;
  Incoming in;
  Message message;
  while (NextIncoming(&in)) {
    if (in.malformed) continue;
    Envelope env;
    if (Decode(std::make_unique<ZmqFrame>(std::move(in.frame)), &env, &message).ok() && env.seq == 0 &&
        message.type_string() == "cm:ack")
      Acknowledged(env, message);
  }
}

}  // namespace cm
