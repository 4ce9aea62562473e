// PeerTable: the peers this process knows, by name (peer.h).
//
// Owns them: a Peer lives until the table is cleared (the session closes),
// or until Trim finds that nothing depends on it.  The peer used last is
// checked before the table (most sends go to the same peer as the last, and
// most messages come from the same sender), without hashing the name.
// Knows nothing of sockets or of the name server: the session decides what
// a peer's entry means.
#ifndef CM_SESSION_PEER_TABLE_H
#define CM_SESSION_PEER_TABLE_H

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "session/peer.h"

namespace cm {

class PeerTable {
 public:
  using Map = std::unordered_map<std::string, std::unique_ptr<Peer>>;

  // The peer named `name`, if known; it becomes the last one used.
  Peer* Find(std::string_view name) {
    if (last_ != nullptr && last_->name == name) return last_;
    return FindInTable(name);
  }
  // The peer named `name`, if known, without making it the last one used.
  Peer* Lookup(std::string_view name) const {
    auto it = peers_.find(std::string(name));
    return it == peers_.end() ? nullptr : it->second.get();
  }
  // A new peer named `name` (not known yet), the last one used; nullptr,
  // logged, when the table holds kMaxPeers already.
  Peer* Add(std::string_view name);

  // Every distinct sender name would otherwise cost a Peer for good (a
  // flood of made-up names took 202 MiB): the table is trimmed of peers
  // nothing depends on each time it grows by kTrimPeersAbove, and bounded.
  bool TrimDue() const { return peers_.size() >= kTrimPeersAbove && peers_.size() % kTrimPeersAbove == 0; }
  // Drops the peers nothing depends on; `busy` are those the session still
  // points to (queued callbacks, pending replies).
  void Trim(const std::unordered_set<const Peer*>& busy);

  // Whether a peer other than `peer` is at `endpoint` (a process that took
  // the port of one that died): its connection must not be dropped with the
  // dead one's.
  bool EndpointShared(const std::string& endpoint, const Peer& peer) const;

  // Iteration over (name, peer) pairs.
  Map::iterator begin() { return peers_.begin(); }
  Map::iterator end() { return peers_.end(); }
  size_t size() const { return peers_.size(); }
  void Clear() {
    peers_.clear();
    last_ = nullptr;
  }

 private:
  static constexpr size_t kTrimPeersAbove = 1024;
  static constexpr size_t kMaxPeers = 65536;

  Peer* FindInTable(std::string_view name);

  Map peers_;
  Peer* last_ = nullptr;  // most sends go to the same peer as the last
};

}  // namespace cm

#endif
