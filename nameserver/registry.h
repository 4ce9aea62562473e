// Registry: the name server's table of who is where, and of who talks to whom.
//
// Abstract so that a replicated registry (several name servers sharing one
// table) can replace the in-memory one without touching the daemon.  It knows
// nothing of sockets: an owner is the routing id of the connection that
// registered a name, kept as bytes, and a connection's file descriptor is
// only a hint for finding the owners to check when a connection closes.
//
// Not thread-safe: the daemon has one thread.
#ifndef CM_NAMESERVER_REGISTRY_H
#define CM_NAMESERVER_REGISTRY_H

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "naming/process_info.h"
#include "util/status.h"

namespace cm {

// An owner whose connection's descriptor is not known (see NoteOwnerFd).
constexpr int kUnknownFd = -1;

struct Entry {
  std::string name;
  std::string address;         // tcp://host:port#incarnation
  std::string host;
  int pid = 0;
  int64_t start_time = 0;      // Unix seconds when the process registered
  std::string owner;           // routing id of the owning connection
  int owner_fd = kUnknownFd;   // that connection's descriptor, if known
};

// `from` reported sending `messages` messages to `to` (NSConnect).
struct ConnectEdge {
  std::string from;
  std::string to;
  int64_t messages = 0;
};

// What a process last said about itself (NSReport), and when it came.
struct Report {
  ProcessInfo info;
  std::chrono::steady_clock::time_point received;
};

class Registry {
 public:
  virtual ~Registry() = default;

  // Adds `entry`, or updates it when entry.owner already holds the name.
  // Refused when another owner holds it: *holder (if not null) gets its entry.
  virtual Status Register(const Entry& entry, Entry* holder) = 0;
  // Removes `name` if `owner` holds it (NotFound / Refused otherwise), with
  // the connect edges that involve it; *removed (if not null) gets the entry.
  virtual Status Unregister(const std::string& name, const std::string& owner, Entry* removed) = 0;
  virtual bool Lookup(const std::string& name, Entry* out) const = 0;
  // Every entry, in name order.
  virtual std::vector<Entry> List() const = 0;
  // Calls `visit` on every entry, in name order, without copying them.
  virtual void ForEach(const std::function<void(const Entry& entry)>& visit) const = 0;
  virtual size_t size() const = 0;

  // Adds `messages` to the count of the pair (from, to), if both are
  // registered names (others are ignored).
  virtual void RecordConnect(const std::string& from, const std::string& to, int64_t messages) = 0;
  // Sets the count of (from, to) to `total`, the messages `from` has sent
  // `to` since it started (NSConnect of 1.1), if `from` is registered.  A
  // `to` not registered (yet: after a restart of the name server, processes
  // register again in any order) is kept aside for a while, and becomes a
  // pair if `to` registers in that time (memory_registry.h).
  virtual void SetConnectTotal(const std::string& from, const std::string& to, int64_t total,
                               std::chrono::steady_clock::time_point now) = 0;
  // Every pair, in (from, to) order.
  virtual std::vector<ConnectEdge> ListConnects() const = 0;

  // Keeps `report` as the last word of the name it describes
  // (report.info.name) if `owner` holds that name (NotFound, Refused
  // otherwise).  Its name, host, pid and address are taken from the entry
  // (what NSRegister said and was checked).  Dropped with the name.
  virtual Status StoreReport(const std::string& owner, Report report) = 0;
  // Every report, in name order.
  virtual void ForEachReport(const std::function<void(const Report& report)>& visit) const = 0;
  virtual size_t ReportCount() const = 0;

  // `owner` now talks over descriptor `fd` (kUnknownFd: no longer known).
  virtual void NoteOwnerFd(const std::string& owner, int fd) = 0;
  // Owners whose connection may be the descriptor `fd` that just closed:
  // those recorded on it and those whose descriptor is unknown.
  virtual std::vector<std::string> OwnersOnConnection(int fd) const = 0;
  // Every owner, once.
  virtual std::vector<std::string> Owners() const = 0;
  // How many names `owner` holds.
  virtual size_t CountOwned(const std::string& owner) const = 0;
  // Removes every name `owner` holds, with their connect edges; returns them.
  virtual std::vector<Entry> DropOwner(const std::string& owner) = 0;
  // Drops the names of every owner for which `alive` is false (asked once
  // per owner); returns the entries removed.
  virtual std::vector<Entry> Cleanup(const std::function<bool(const std::string& owner)>& alive) = 0;
};

}  // namespace cm

#endif
