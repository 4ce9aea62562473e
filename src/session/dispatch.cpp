// Session: dispatch (docs/architecture.md, "Receiving").  A frame is taken
// from the listener (or from what was read ahead), decoded in place, its
// sender's peer entry updated (address, connection, sequence number), and
// handed to the built-in types or the handler table (Handle).

#include "session/session.h"

#include <cstring>
#include <memory>
#include <string>

#include "codec/frame.h"
#include "session/timing.h"
#include "util/log.h"

namespace cm {
namespace {

// A received ZeroMQ message larger than this is freed as soon as it is read.
constexpr size_t kKeptInboxBytes = 65536;

}  // namespace

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

// A message from `peer`, whatever brought it, to its handler: the built-in
// types first, then the handler table.  1 handled (or dropped), 2 a handler
// broke.  Inlined in DispatchOne (the hot path) and in Handle (for other
// sources).
[[gnu::always_inline]] inline int Session::HandleInline(Message& message, Peer& peer) {
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

int Session::Handle(Message& message, Peer& peer) { return HandleInline(message, peer); }

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
  if (s.IsUnsupported()) {  // another protocol version: said to both sides (docs/versions.md)
    RefuseVersion(env, s);
    return 1;
  }
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
  // Numbers say something only with the incarnation they belong to: a
  // frame without a reply address (a raw or foreign one) is taken as it is.
  if (env.seq != 0 && !stale && !env.reply_to.empty()) {
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
  CM_TRACE("received '%s' from '%s': %zu bytes, seq %llu", message.type(), peer.name.c_str(), used,
           static_cast<unsigned long long>(env.seq));
  return HandleInline(message, peer);
}

}  // namespace cm
