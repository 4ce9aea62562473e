// LegacyBridge: a relinked process's link to the legacy Cm domain, through
// its companion process (docs/migration.md).
//
// Start() spawns cm-legacy-companion, which dlopen()s the site's legacy
// libcm.so and relays between the legacy domain and this process over a
// private ipc PAIR socket.  The companion owns the legacy library from its one
// thread; nothing here starts a thread or installs a signal handler.
//
// Use, from the thread that runs the wait loop (not thread-safe):
//   - Open(name) registers `name` in the legacy domain (the legacy library's
//     CmMessageOpenServer), Close() unregisters it;
//   - Send() and Knows() are synchronous requests: they wait for the
//     companion's answer (the legacy CmMessageSend's 1/0,
//     CmConnectGetReference's verdict), bounded by their time-out;
//   - events (a legacy message delivered, a legacy peer connected or
//     disconnected) are read with Next(), which never blocks.  To sleep until
//     one comes, put pollitem() in the zmq_poll set, but only once Next() has
//     returned false: a request's wait may have read events ahead and queued
//     them, which poll cannot see.
// When the companion dies, Next() reports kGone once (noticed within ~100 ms
// of a Next() call); every later request fails at once.
#ifndef CM_MIGRATION_LEGACY_BRIDGE_H
#define CM_MIGRATION_LEGACY_BRIDGE_H

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <zmq.hpp>

#include "bridge_config.h"
#include "bridge_protocol.h"
#include "codec/message.h"
#include "util/status.h"

namespace cm {

// The legacy name server's task name: $CM_LEGACY_NAMESERVER_TASK, else
// "NameServer" (the legacy daemon's older name; a site confirms it).
std::string LegacyNameServerTask();

enum class BridgeEventKind { kDeliver, kConnected, kDisconnected, kGone };

struct BridgeEvent {
  BridgeEventKind kind = BridgeEventKind::kDeliver;
  std::string name;                  // kDeliver: the legacy sender; kConnected/kDisconnected: the peer
  std::unique_ptr<Message> message;  // kDeliver only: owns its frame, cursor at the first item
};

class LegacyBridge {
 public:
  // Spawns the companion and waits (config.start_timeout_ms at most) for its
  // hello.  Fails with a Status saying what went wrong: migration mode off,
  // companion not found, legacy library not found or lacking a symbol (named),
  // legacy name server unreachable, no hello in time.
  static Status Start(const BridgeConfig& config, std::unique_ptr<LegacyBridge>* out);
  // Tells the companion to close its legacy server and exit; waits for it
  // at most ~2 s, then kills it.
  ~LegacyBridge();
  LegacyBridge(const LegacyBridge&) = delete;
  LegacyBridge& operator=(const LegacyBridge&) = delete;

  // Registers `name` in the legacy domain.  Refused (with the holder said,
  // if the legacy domain knows it) when another process has it there.
  Status Open(const std::string& name, int timeout_ms = 10000);
  void Close(int timeout_ms = 3000);

  // The legacy CmMessageSend(message, to)'s result: 1 or 0; 0 also when the
  // companion does not answer within timeout_ms (logged).  Give it more than
  // the legacy send's own time-out plus config.slice_max_ms.
  int Send(const Message& message, const std::string& to, int timeout_ms);
  // Whether the legacy domain knows `name` (legacy CmConnectGetReference).
  bool Knows(const std::string& name, int timeout_ms);

  // Asks the legacy task `to` (e.g. the legacy name server) a question: a
  // legacy message of `type` without items, sent by the companion's legacy
  // CmMessageSend; `texts` gets every text item of the first message that
  // comes back from `to` within timeout_ms (the layout of legacy answers is
  // not documented: texts are what we take).  Fails with a Status that says
  // why: not delivered, no answer in time, an old companion.
  Status Ask(const std::string& to, const std::string& type, std::vector<std::string>* texts, int timeout_ms);
  // The legacy domain's names: Ask(task, "NSGetNames"), every text a name.
  // `task` is the legacy name server's task name (LegacyNameServerTask()).
  Status Names(const std::string& task, std::vector<std::string>* names, int timeout_ms);
  // Who sends to whom there: Ask(task, "NSGetConnects"), the texts taken
  // two by two as (from, to); an odd last one is dropped.
  Status Connects(const std::string& task, std::vector<std::pair<std::string, std::string>>* pairs, int timeout_ms);

  // Next event without waiting; false when none.
  bool Next(BridgeEvent* event);
  bool pending() const { return !events_.empty(); }
  void* socket_handle() { return socket_.handle(); }
  zmq_pollitem_t pollitem() { return zmq_pollitem_t{socket_.handle(), 0, ZMQ_POLLIN, 0}; }

  pid_t companion_pid() const { return pid_; }
  bool alive() const { return pid_ > 0; }

 private:
  using Clock = std::chrono::steady_clock;
  LegacyBridge();

  Status AwaitHello(const BridgeConfig& config, const std::string& token);
  // Sends a request and waits for its result; events read meanwhile are queued.
  Status Request(bridge::Packet request, zmq::message_t* frame, int timeout_ms, bridge::Packet* result);
  // Takes one packet off the socket (waiting up to wait_ms, 0: not at all);
  // queues events, returns results through `result`.  False when none came.
  bool ReadOne(int wait_ms, bridge::Packet* result);
  void CheckCompanion(bool now);  // reaps it if it has exited
  void Reap(int status);

  zmq::socket_t socket_;
  pid_t pid_ = -1;
  uint64_t next_id_ = 1;
  std::deque<BridgeEvent> events_;
  Clock::time_point next_check_{};
};

}  // namespace cm

#endif
