// NameServer: the CmNameServer daemon (docs/protocol.md, "Name server requests").
//
// One thread, one ROUTER socket (a Listener) on the domain's name-server
// port, and one loop:
//   1. connections that closed: probe the owners recorded on them and drop
//      the names of those that are gone (liveness.cpp);
//   2. queued requests: decode, check the items against the request table,
//      call the handler, answer on the connection the request came on;
//   3. sleep in zmq_poll until a request, a closed connection, a due probe
//      or the stop descriptor.
// Every request goes through ONE table, type -> (items, handler), in
// requests.cpp: adding a request is adding a line there, Redis-style.
#ifndef CM_NAMESERVER_NAME_SERVER_H
#define CM_NAMESERVER_NAME_SERVER_H

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "codec/frame.h"
#include "codec/message.h"
#include "connection_watch.h"
#include "metrics.h"
#include "naming/domain.h"
#include "registry.h"
#include "transport/listener.h"
#include "util/status.h"

namespace cm {

// How long NSStop waits for its requester to hang up (see Run).
constexpr std::chrono::milliseconds kStopGrace(500);
// Names one connection may hold: the legacy API registers one per process;
// without a bound, one connection could fill the name server's memory.
constexpr size_t kDefaultMaxNamesPerConnection = 16;

struct NameServerOptions {
  std::string domain = "default";   // NSStop must name it
  std::string host = "localhost";   // advertised in the server's address
  int port = kDefaultNameServerPort;
  Security security;  // the domain's secret, if it has one
  // The largest request frame a connection may declare: libzmq closes a
  // connection whose frame says more, before allocating it.
  int64_t max_request_bytes = kNameServerMaxRequestBytes;
  // Names one connection may hold (a process registers one).
  size_t max_names_per_connection = kDefaultMaxNamesPerConnection;
};

class NameServer {
 public:
  // Binds the port; Unavailable (saying why) when it is taken.
  static Status Open(const NameServerOptions& options, std::unique_ptr<Registry> registry,
                     std::unique_ptr<NameServer>* out);
  ~NameServer();

  const Address& address() const { return listener_->address(); }
  // Serves until NSStop, or until `stop_fd` (-1: none) becomes readable.
  // Returns why it stopped, for the log.  After NSStop it lingers until the
  // requester hangs up, at most kStopGrace: a client whose connection
  // closes right after a reply arrives can lose that reply (libzmq drops
  // what a ZMQ_IMMEDIATE socket has not read yet when its link goes down).
  std::string Run(int stop_fd);

  // Serves one received frame as if it came from the connection `owner`
  // (descriptor unknown): the whole request path without a socket in front,
  // for the fuzzer.
  void ServeFrame(const std::string& owner, const char* data, size_t size);

 private:
  using Clock = std::chrono::steady_clock;

  // One decoded request and the connection it came on.  Items are read by
  // position once CheckItems has matched them against the table.
  struct Request {
    Envelope envelope;
    mutable Message message;  // a handler may also read it with its cursor (NSReport)
    std::string owner;  // routing id of the connection
    int fd = -1;        // its descriptor
    std::string Text(size_t i) const;
    int64_t Integer(size_t i) const;
  };
  // A handler appends the reply's payload (what follows status and reason)
  // and says whether the request succeeded; after a failure what it
  // appended is dropped.
  using Handler = Status (NameServer::*)(const Request& request, Message* payload);
  struct Command {
    const char* type;
    const char* items;  // one letter per item: t text, i int, l long
    Handler handler;
  };
  static const Command kCommands[];
  static const Command* FindCommand(const std::string& type);
  // Every type of the table, and "other", shown before it is first served.
  static void DeclareRequestTypes(RequestMetrics* metrics);
  static Status CheckItems(const Command& command, const Message& message);

  struct Statistics {
    int64_t requests = 0;
    int64_t registered = 0;
    int64_t unregistered = 0;
    int64_t cleaned = 0;
    int64_t malformed = 0;
    int64_t connects = 0;  // NSConnect taken
    int64_t reports = 0;   // NSReport taken
    Clock::time_point started = Clock::now();
  };

  // An owner to probe again: a probe can race libzmq's teardown of the
  // connection (see liveness.cpp).
  struct PendingProbe {
    Clock::time_point closed;  // when its connection was reported closed
    size_t attempt = 0;        // index into the probe schedule
  };

  NameServer(std::unique_ptr<Registry> registry, const NameServerOptions& options);

  // The loop's steps (name_server.cpp).
  void ServeQueued();
  void Serve(Incoming& in);
  // The reply's status and reason, in a reset `reply`.
  static void StartReply(const Status& result, Message* reply);
  void SendReply(const Request& request, const Message& reply);
  void CountMalformed(int fd, const std::string& why);
  int PollTimeoutMs() const;

  // Liveness (liveness.cpp).
  void CheckClosedConnections();
  static Clock::time_point NextProbeTime(const PendingProbe& probe);
  bool Probe(const std::string& owner);
  size_t Sweep();
  void NoteGone(const std::vector<Entry>& gone);

  // Requests (requests.cpp).
  Status Register(const Request& request, Message* payload);
  Status Unregister(const Request& request, Message* payload);
  Status GetAddress(const Request& request, Message* payload);
  Status GetNames(const Request& request, Message* payload);
  Status Connect(const Request& request, Message* payload);
  Status GetConnects(const Request& request, Message* payload);
  Status TakeReport(const Request& request, Message* payload);
  Status GetReports(const Request& request, Message* payload);
  Status GetMetrics(const Request& request, Message* payload);
  Status GetVersion(const Request& request, Message* payload);
  Status GetStatistics(const Request& request, Message* payload);
  Status DoCleanup(const Request& request, Message* payload);
  Status Stop(const Request& request, Message* payload);

  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Listener> listener_;
  std::string domain_;
  size_t max_names_per_connection_;
  ConnectionWatch watch_;        // who the listener turned away, for the log
  bool watch_busy_ = false;      // closed connections not judged yet
  RateLimitedCount too_many_names_;
  std::string reply_to_;   // our address, in every reply's envelope
  std::string probe_;      // the encoded NSProbe frame
  Statistics stats_;
  RequestMetrics request_metrics_;  // by type, with their latency (metrics.h)
  std::map<std::string, PendingProbe> probes_;  // by owner
  Clock::time_point next_sweep_;
  Clock::time_point last_malformed_log_;
  int64_t malformed_unlogged_ = 0;
  // Stopping (NSStop): requests are refused until the requester has hung
  // up or the grace period is over.
  bool stopping_ = false;
  int stop_requester_fd_ = -1;
  bool stop_requester_gone_ = false;
  Clock::time_point stop_deadline_;
  std::string stop_reason_;
};

}  // namespace cm

#endif
