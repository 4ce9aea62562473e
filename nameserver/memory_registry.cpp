#include "memory_registry.h"

#include <iterator>

namespace cm {

Status MemoryRegistry::Register(const Entry& entry, Entry* holder) {
  auto it = entries_.find(entry.name);
  if (it == entries_.end()) {
    entries_.emplace(entry.name, entry);
    owners_[entry.owner].insert(entry.name);
    NoteOwnerFd(entry.owner, entry.owner_fd);  // all of an owner's names share its connection
    // Totals that came before this name (re)registered become pairs.
    auto waiting = waiting_.lower_bound({entry.name, std::string()});
    while (waiting != waiting_.end() && waiting->first.first == entry.name) {
      const std::string& from = waiting->first.second;
      if (entries_.count(from) != 0) edges_[{from, entry.name}] = waiting->second.total;
      waiting = waiting_.erase(waiting);
    }
    return Status::Ok();
  }
  Entry& held = it->second;
  if (held.owner != entry.owner) {
    if (holder != nullptr) *holder = held;
    // The reason names the holder: the refused user's first question is "who?".
    return Status::Refused("name '" + entry.name + "' is held by pid " + std::to_string(held.pid) + " on " +
                           held.host + " (" + held.address + ")");
  }
  // The same connection again (its process re-registers, e.g. after a new
  // listener): update, keeping the start time while it is the same process.
  int64_t start_time = held.pid == entry.pid ? held.start_time : entry.start_time;
  held = entry;
  held.start_time = start_time;
  NoteOwnerFd(entry.owner, entry.owner_fd);
  return Status::Ok();
}

Status MemoryRegistry::Unregister(const std::string& name, const std::string& owner, Entry* removed) {
  auto it = entries_.find(name);
  if (it == entries_.end()) return Status::NotFound("no process is registered as '" + name + "'");
  if (it->second.owner != owner)
    return Status::Refused("name '" + name + "' is held by pid " + std::to_string(it->second.pid) + " on " +
                           it->second.host + ", not by this connection");
  Entry entry = Remove(it);
  if (removed != nullptr) *removed = std::move(entry);
  return Status::Ok();
}

bool MemoryRegistry::Lookup(const std::string& name, Entry* out) const {
  auto it = entries_.find(name);
  if (it == entries_.end()) return false;
  *out = it->second;
  return true;
}

std::vector<Entry> MemoryRegistry::List() const {
  std::vector<Entry> list;
  list.reserve(entries_.size());
  for (const auto& [name, entry] : entries_) list.push_back(entry);
  return list;
}

void MemoryRegistry::ForEach(const std::function<void(const Entry& entry)>& visit) const {
  for (const auto& [name, entry] : entries_) visit(entry);
}

void MemoryRegistry::RecordConnect(const std::string& from, const std::string& to, int64_t messages) {
  // Only pairs of registered names: an automatic name (a reply to `cm ping`)
  // is never unregistered, so its pairs would never be dropped.
  if (entries_.count(from) == 0 || entries_.count(to) == 0) return;
  edges_[{from, to}] += messages;
}

void MemoryRegistry::SetConnectTotal(const std::string& from, const std::string& to, int64_t total,
                                     std::chrono::steady_clock::time_point now) {
  if (entries_.count(from) == 0) return;
  if (entries_.count(to) != 0) {
    edges_[{from, to}] = total;
    return;
  }
  if (waiting_.size() >= kMaxWaitingTotals) {
    for (auto it = waiting_.begin(); it != waiting_.end();)
      it = now - it->second.since >= kWaitingTotalLife ? waiting_.erase(it) : std::next(it);
    if (waiting_.size() >= kMaxWaitingTotals) return;  // the next NSConnect brings it again
  }
  waiting_[{to, from}] = WaitingTotal{total, now};
}

std::vector<ConnectEdge> MemoryRegistry::ListConnects() const {
  std::vector<ConnectEdge> list;
  list.reserve(edges_.size());
  for (const auto& [pair, messages] : edges_) list.push_back(ConnectEdge{pair.first, pair.second, messages});
  return list;
}

Status MemoryRegistry::StoreReport(const std::string& owner, Report report) {
  auto it = entries_.find(report.info.name);
  if (it == entries_.end()) return Status::NotFound("no process is registered as '" + report.info.name + "'");
  const Entry& entry = it->second;
  if (entry.owner != owner)
    return Status::Refused("name '" + entry.name + "' is held by pid " + std::to_string(entry.pid) + " on " +
                           entry.host + ", not by this connection");
  report.info.host = entry.host;
  report.info.pid = entry.pid;
  report.info.address = entry.address;
  reports_[entry.name] = std::move(report);
  return Status::Ok();
}

void MemoryRegistry::ForEachReport(const std::function<void(const Report& report)>& visit) const {
  for (const auto& [name, report] : reports_) visit(report);
}

void MemoryRegistry::NoteOwnerFd(const std::string& owner, int fd) {
  auto it = owners_.find(owner);
  if (it == owners_.end()) return;
  for (const std::string& name : it->second) entries_[name].owner_fd = fd;
}

std::vector<std::string> MemoryRegistry::OwnersOnConnection(int fd) const {
  std::vector<std::string> owners;
  for (const auto& [owner, names] : owners_) {
    int owner_fd = entries_.at(*names.begin()).owner_fd;  // the same for all its names (NoteOwnerFd)
    if (owner_fd == fd || owner_fd == kUnknownFd) owners.push_back(owner);
  }
  return owners;
}

std::vector<std::string> MemoryRegistry::Owners() const {
  std::vector<std::string> owners;
  for (const auto& [owner, names] : owners_) owners.push_back(owner);
  return owners;
}

size_t MemoryRegistry::CountOwned(const std::string& owner) const {
  auto it = owners_.find(owner);
  return it == owners_.end() ? 0 : it->second.size();
}

std::vector<Entry> MemoryRegistry::DropOwner(const std::string& owner) {
  std::vector<Entry> dropped;
  auto it = owners_.find(owner);
  if (it == owners_.end()) return dropped;
  std::set<std::string> names = it->second;  // Remove() edits owners_
  for (const std::string& name : names) dropped.push_back(Remove(entries_.find(name)));
  return dropped;
}

std::vector<Entry> MemoryRegistry::Cleanup(const std::function<bool(const std::string& owner)>& alive) {
  std::vector<Entry> dropped;
  for (const std::string& owner : Owners()) {
    if (alive(owner)) continue;
    std::vector<Entry> gone = DropOwner(owner);
    dropped.insert(dropped.end(), gone.begin(), gone.end());
  }
  return dropped;
}

Entry MemoryRegistry::Remove(std::map<std::string, Entry>::iterator it) {
  Entry entry = std::move(it->second);
  entries_.erase(it);
  reports_.erase(entry.name);
  auto owner = owners_.find(entry.owner);
  owner->second.erase(entry.name);
  if (owner->second.empty()) owners_.erase(owner);
  // A pair involving a name that is gone describes a process that is gone.
  for (auto edge = edges_.begin(); edge != edges_.end();) {
    if (edge->first.first == entry.name || edge->first.second == entry.name)
      edge = edges_.erase(edge);
    else
      ++edge;
  }
  return entry;
}

}  // namespace cm
