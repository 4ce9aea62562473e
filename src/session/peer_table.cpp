#include "session/peer_table.h"

#include <algorithm>
#include <chrono>

#include "session/timing.h"
#include "util/log.h"

namespace cm {

Peer* PeerTable::FindInTable(std::string_view name) {
  auto it = peers_.find(std::string(name));
  if (it == peers_.end()) return nullptr;
  last_ = it->second.get();
  return last_;
}

Peer* PeerTable::Add(std::string_view name) {
  if (peers_.size() >= kMaxPeers) {
    static std::chrono::steady_clock::time_point last_log;
    if (Every(&last_log))
      CM_WARN("already %zu peers known, the most a process keeps: nothing is sent to or taken from '%.*s' (a new "
              "name)",
              peers_.size(), static_cast<int>(std::min<size_t>(name.size(), 255)), name.data());
    return nullptr;
  }
  auto peer = std::make_unique<Peer>();
  peer->name = name;
  last_ = peers_.emplace(peer->name, std::move(peer)).first->second.get();
  return last_;
}

// Peers that nothing depends on go: never handed to the program (no
// CmConnect points to them), nothing sent to them (a later send must go on
// numbering where the last one stopped), nothing owed or queued.  A peer
// that sends again later is simply met again.
void PeerTable::Trim(const std::unordered_set<const Peer*>& busy) {
  size_t before = peers_.size();
  for (auto it = peers_.begin(); it != peers_.end();) {
    const Peer& p = *it->second;
    bool needed = p.escaped || p.seq_out != 0 || !p.held.empty() ||
                  p.suspect_since != std::chrono::steady_clock::time_point{} || p.ack_owed || p.unreported != 0 ||
                  &p == last_ || busy.count(&p) != 0;
    it = needed ? std::next(it) : peers_.erase(it);
  }
  CM_DEBUG("peer table trimmed from %zu to %zu", before, peers_.size());
}

bool PeerTable::EndpointShared(const std::string& endpoint, const Peer& peer) const {
  for (const auto& [name, other] : peers_)
    if (other.get() != &peer && other->address.endpoint == endpoint &&
        other->suspect_since == std::chrono::steady_clock::time_point{})
      return true;
  return false;
}

}  // namespace cm
