// Companion: the legacy half of a relinked process in migration mode
// (docs/migration.md).  One thread owns the legacy library and relays:
//
//   loop:  legacy CmMessageWaitWithTimeout(slice)   -- legacy handlers forward to R
//          take every request R has queued (never blocking), answer each
//          slice = activity ? min : min(2 * slice, max)
//
// The legacy library runs handlers only inside its wait, and nothing can wake
// that wait early from outside, so a request from R waits for the current
// slice to end: the slice grows while idle (doubling, min..max), trading R's
// latency towards the legacy side against the companion's CPU when idle.
// While traffic flows (for hot_ms after anything crossed) the loop is *hot*:
// it alternates a legacy wait of 0.1 ms with a wait of 0.1 ms on R's socket,
// so a request/reply exchange or a stream in either direction is not paced
// by the slice; while R sends one request after another it is served for up
// to slice_min before the legacy side's next wait (figures in docs/migration.md).
// The default handler forwards each legacy message and returns
// CmMessageBreak, so a legacy message ends the wait at once.
//
// It stops when R goes away (its socket disconnects, or this process is
// orphaned), on `quit`, or on SIGTERM, and then closes the legacy server so
// the legacy name server drops R's name.
#ifndef CM_MIGRATION_COMPANION_COMPANION_H
#define CM_MIGRATION_COMPANION_COMPANION_H

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <zmq.hpp>

#include "bridge_protocol.h"
#include "codec/message.h"
#include "companion/legacy_api.h"
#include "transport/monitor.h"
#include "util/log.h"
#include "util/status.h"

namespace cm {

struct CompanionOptions {
  std::string endpoint;  // R's bridge socket
  pid_t parent = 0;      // R's pid: once orphaned, R is gone
  std::string library;   // the legacy libcm.so
  int slice_min_ms = 1, slice_max_ms = 20;
  int hot_ms = 20;  // 0: never hot
};

class Companion {
 public:
  Companion();
  ~Companion();
  // Connects to R, loads the legacy library, probes its name server, says
  // hello.  On failure R has been told why (`fatal`), and the caller exits.
  Status Start(const CompanionOptions& options);
  // Relays until R goes away or says quit; closes the legacy server.
  void Run();
  // A SIGTERM handler's way out (async-signal-safe).
  static void RequestStop();

  // Log line to R (or to stderr before R is there).
  void Say(LogLevel level, const char* format, ...) __attribute__((format(printf, 3, 4)));

 private:
  static CmMessageStatus OnLegacyMessage(CmMessage message, char* sender, char* server_name);
  static void OnLegacyConnect(CmConnect peer);
  static void OnLegacyDisconnect(CmConnect peer);
  void InstallHandlers();
  void Forward(const bridge::Packet& packet, zmq::message_t* frame);
  bool ServiceParent(int wait_us);  // true if R asked anything; waits for a first request up to wait_us
  void Handle(const bridge::Packet& request, zmq::message_t& frame);
  void Reply(uint64_t id, int status, const std::string& reason);
  void Ask(const bridge::Packet& request);
  bool ParentGone();

  CompanionOptions options_;
  LegacyApi api_;
  zmq::socket_t socket_;
  std::unique_ptr<Monitor> monitor_;
  int socket_fd_ = -1;  // ZMQ_FD of socket_, for the hot loop's sub-millisecond waits
  bool connected_ = false;  // R's socket: hello sent
  bool stop_ = false;
  bool activity_ = false;   // something crossed in this turn of the loop
  bool delivered_ = false;  // a legacy message went to R in this turn
  std::chrono::steady_clock::time_point delivered_at_{};
  bool parent_answers_ = true;  // R sent a request soon after our last delivery
  CmMessage scratch_ = nullptr;  // the legacy message every send is written into
  Message in_, out_;
  std::string open_name_;
  // An `ask` in progress: the legacy task whose answer the handler keeps
  // (instead of forwarding it to R), and what it kept.
  std::string ask_from_;
  bool asked_answered_ = false;
  std::vector<std::string> ask_texts_;
};

}  // namespace cm

#endif
