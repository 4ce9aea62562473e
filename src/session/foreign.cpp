// The session's side of another Cm domain (migration mode, foreign_domain.h,
// docs/migration.md): started with the session, its name registered there
// too, its messages and connection events handled in the wait loop, and the
// names our own name servers do not know sent there.
#include <algorithm>

#include "session/session.h"
#include "util/log.h"

namespace cm {

ForeignDomainFactory Session::foreign_factory_ = nullptr;

void Session::SetForeignDomainFactory(ForeignDomainFactory factory) { foreign_factory_ = factory; }

// Migration mode that cannot start is said, and the process goes on in its
// own domain alone: the legacy processes are then out of its reach (and
// Open() refuses the name, so that an operator notices at once).
void Session::StartForeign() {
  foreign_failed_ = false;
  if (foreign_factory_ == nullptr) return;
  Status s = foreign_factory_(&foreign_);
  if (!s.ok()) {
    CM_ERROR("migration mode: %s; legacy processes are out of reach", s.message().c_str());
    foreign_failed_ = true;
    foreign_.reset();
    return;
  }
  if (foreign_) poll_items_.push_back(foreign_->pollitem());
}

void Session::StopForeign() {
  if (!foreign_) return;
  zmq_pollitem_t item = foreign_->pollitem();
  poll_items_.erase(std::remove_if(poll_items_.begin(), poll_items_.end(),
                                   [&](const zmq_pollitem_t& p) { return p.socket == item.socket; }),
                    poll_items_.end());
  foreign_.reset();
}

// One event of the foreign domain, if one waits: 0 none, 1 handled, 2 a
// handler broke (as DispatchOne).
int Session::DispatchForeign() {
  ForeignEvent event;
  if (!foreign_ || !foreign_->Next(&event)) return 0;
  if (event.kind == ForeignEvent::Kind::kGone) {
    CM_ERROR("migration mode: the %s domain's companion is gone: its processes are out of reach", foreign_->label());
    for (auto& [name, peer] : peers_)
      if (peer->foreign) LinkLost(*peer);
    StopForeign();
    return 1;
  }
  Peer* peer = PeerNamed(event.name);
  if (peer == nullptr) return 1;
  switch (event.kind) {
    case ForeignEvent::Kind::kMessage: {
      peer->foreign = true;
      std::unique_ptr<Message> message = std::move(event.message);  // lives through the handler
      return Handle(*message, *peer);
    }
    case ForeignEvent::Kind::kConnected:
      peer->foreign = true;
      Announce(*peer);
      return 1;
    case ForeignEvent::Kind::kDisconnected:
      if (peer->foreign) LinkLost(*peer);
      return 1;
    case ForeignEvent::Kind::kGone:
      break;
  }
  return 1;
}

// A send to a process of the foreign domain: the legacy CmMessageSend's own
// answer.  A name that is no longer there may have been relinked meanwhile:
// our own name servers are asked again before the send fails.
bool Session::SendForeign(Peer& peer, const Message& message) {
  if (foreign_ && foreign_->Send(message, peer.name, send_timeout_ms_)) {
    ++peer.sent;
    ++stats_.sent;
    Announce(peer);
    return true;
  }
  peer.foreign = false;
  if (peer.announced) LinkLost(peer);
  Status s = Resolve(peer);
  if (s.ok()) return Deliver(peer, message, Clock::now() + std::chrono::milliseconds(send_timeout_ms_));
  CM_WARN("send '%s' to '%s': not taken on the %s side, and no process of that name is registered here",
          message.type(), peer.name.c_str(), foreign_ ? foreign_->label() : "legacy");
  ++stats_.send_failures;
  return false;
}

// A name our name servers do not know, asked of the foreign domain.
bool Session::ForeignKnows(Peer& peer) {
  if (!foreign_ || !foreign_->Knows(peer.name, send_timeout_ms_)) return false;
  peer.foreign = true;
  return true;
}

}  // namespace cm
