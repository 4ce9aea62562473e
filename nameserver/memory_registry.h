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
  void SetConnectTotal(const std::string& from, const std::string& to, int64_t total,
                       std::chrono::steady_clock::time_point now) override;
  std::vector<ConnectEdge> ListConnects() const override;

  Status StoreReport(const std::string& owner, Report report) override;
  void ForEachReport(const std::function<void(const Report& report)>& visit) const override;
  size_t ReportCount() const override { return reports_.size(); }

  // Totals whose `to` is not registered are kept this long, at most
  // kMaxWaitingTotals of them: a name server that restarted hears every
  // process's totals within a second or two of its coming back (each
  // registers again within a second, then sends them), each before some of
  // the names it counts are back.  A total to a name that never registers
  // (a `cm` tool's automatic name, answered by cm:pong) just expires.
  static constexpr std::chrono::seconds kWaitingTotalLife{10};
  static constexpr size_t kMaxWaitingTotals = 16384;

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
  struct WaitingTotal {
    int64_t total;
    std::chrono::steady_clock::time_point since;
  };
  std::map<std::pair<std::string, std::string>, WaitingTotal> waiting_;  // (to, from): `to` not registered
  std::map<std::string, Report> reports_;  // by name
};

}  // namespace cm

#endif
