// Session: the built-in cm: requests every process answers by itself
// (cm:ping, cm:info, cm:kill, cm:sync; docs/protocol.md), and the way its
// own answers are sent without holding up dispatch (Reply).

#include "session/session.h"

#include <chrono>
#include <cstdlib>
#include <string>
#include <vector>

#include "naming/process_info.h"
#include "session/timing.h"
#include "util/log.h"

namespace cm {
namespace {

// The library's own answers (cm:pong, cm:info-reply) wait at most this long
// in the dispatch path, and only when no other answer is queued; then they
// are queued, at most kMaxPendingReplies (see Reply).
constexpr int kReplyWaitMs = 20;
constexpr size_t kMaxPendingReplies = 64;

}  // namespace

// A frame of a protocol version this library does not read: logged here,
// and answered with cm:refused (at most once a second per sender), which
// every version reads, so that its sender's log says it too.
void Session::RefuseVersion(const Envelope& env, const Status& why) {
  ++stats_.malformed;
  Peer* peer = env.sender.empty() || env.sender == name_ ? nullptr : PeerNamed(env.sender);
  if (peer == nullptr) {
    static Clock::time_point last_log;
    if (Every(&last_log)) CM_WARN("%s", why.message().c_str());
    return;
  }
  auto now = Clock::now();
  if (now - peer->refused_at < std::chrono::seconds(1)) return;
  peer->refused_at = now;
  CM_WARN("%s", why.message().c_str());
  Address from;  // only a peer not yet known takes the frame's address (no forged move)
  if (peer->address.endpoint.empty() && Address::Parse(env.reply_to, &from)) SetAddress(*peer, from);
  auto refusal = std::make_unique<Message>();
  MakeRefusal(env, refusal.get());
  Reply(*peer, kRefusedType, std::move(refusal));
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
  if (type == kRefusedType) {
    CM_WARN("%s", DescribeRefusal(sender.name, message).c_str());
  } else if (type == "cm:sync") {
    // Nothing to do: its number did the work (CheckSuspects, Hold).
  } else if (type == "cm:ping") {
    Reply(sender, "cm:pong", std::move(reply_owner));
  } else if (type == "cm:info") {
    // The same items as the report to the name server (report.cpp), in
    // one layout: naming/process_info.h.
    PutProcessInfo(Describe(), &reply);
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

}  // namespace cm
