// MemoryRegistry: the registry of one name server, in memory.  Lost when the
// name server stops: the processes register again when it comes back
// (that is the name client's job, not ours).
#ifndef CM_NAMESERVER_MEMORY_REGISTRY_H
#define CM_NAMESERVER_MEMORY_REGISTRY_H

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "registry.h"

namespace cm {

class MemoryRegistry : public Registry {
 public:
  Status Register(const Entry& entry, Entry* holder) override;
  Status Unregister(const std::string& name, const std::string& owner, Entry* removed) override;
  bool Lookup(const std::string& name, Entry* out) const override;
  std::vector<Entry> List() const override;
  void ForEach(const std::function<void(const Entry& entry)>& visit) const override;
  size_t size() const override { return entries_.size(); }

  void RecordConnect(const std::string& from, const std::string& to, int64_t messages) override;
  std::vector<ConnectEdge> ListConnects() const override;

  void NoteOwnerFd(const std::string& owner, int fd) override;
  std::vector<std::string> OwnersOnConnection(int fd) const override;
  std::vector<std::string> Owners() const override;
  size_t CountOwned(const std::string& owner) const override;
  std::vector<Entry> DropOwner(const std::string& owner) override;
  std::vector<Entry> Cleanup(const std::function<bool(const std::string& owner)>& alive) override;

 private:
  // Removes one name, its place in owners_ and its edges.
  Entry Remove(std::map<std::string, Entry>::iterator it);

  std::map<std::string, Entry> entries_;                   // by name (NSGetNames lists in name order)
  std::map<std::string, std::set<std::string>> owners_;    // owner -> the names it holds
  std::map<std::pair<std::string, std::string>, int64_t> edges_;  // (from, to) -> messages
};

}  // namespace cm

#endif
