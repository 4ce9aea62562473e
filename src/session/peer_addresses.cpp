// Session: where a peer is.  The name server says where a name is registered
// (Resolve); a received frame says where its sender listens, which is
// followed only when the name server does not refute it (ConfirmMove).  A
// new incarnation of a peer starts new sequence numbers (SetAddress).

#include "session/session.h"

#include <chrono>
#include <string>

#include "session/timing.h"
#include "util/log.h"

namespace cm {
namespace {

// How long a frame's claim that a registered peer moved may wait for the
// name server's word (ConfirmMove).
constexpr int kConfirmMoveMs = 500;

}  // namespace

void Session::SetAddress(Peer& peer, const Address& address) {
  if (peer.address.endpoint != address.endpoint) {
    CM_DEBUG("'%s' is at %s", peer.name.c_str(), address.ToString().c_str());
    if (!peer.address.endpoint.empty() && !peers_.EndpointShared(peer.address.endpoint, peer))
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

}  // namespace cm
