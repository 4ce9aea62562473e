// Session: the one Cm process this program is (Cm is one server per process).
//
// Owns the listener, the dialer, the name client, the peers and the
// handlers.  Everything runs in the caller's thread: handlers and the
// connection callbacks are called only inside Wait(), never behind the
// program's back.  The session starts on first use (an automatic name,
// unregistered) and becomes a registered server with Open().
//
// Send path: peer (cached) -> encode once into a zmq message -> dialer.
// Receive path: listener -> decode in place -> handler table -> handler.
#ifndef CM_SESSION_SESSION_H
#define CM_SESSION_SESSION_H

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <ctime>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "codec/frame.h"
#include "codec/message.h"
#include "naming/name_client.h"
#include "naming/process_info.h"
#include "session/foreign_domain.h"
#include "session/handler_table.h"
#include "session/peer.h"
#include "session/peer_table.h"
#include "session/timing.h"
#include "session/unacked.h"
#include "transport/dialer.h"
#include "transport/listener.h"
#include "util/status.h"

namespace cm {

using PeerHandler = std::function<void(Peer& peer)>;

struct SessionStats {
  uint64_t sent = 0, received = 0;
  uint64_t send_failures = 0;  // CmMessageSend returned 0
  uint64_t unhandled = 0;      // no handler, no default handler: dropped
  uint64_t malformed = 0;      // frames that did not decode: dropped
  uint64_t lost = 0;           // gaps in peers' sequence numbers
  uint64_t unacked = 0;        // sent, then the peer went away before acknowledging them (unacked.h)
};

class Session {
 public:
  static Session& Instance();

  // Starts listening under the automatic name, unregistered (every other
  // call starts the session by itself when needed).
  Status Start() { return started_ ? Status::Ok() : StartListening(); }
  Status Open(const std::string& name);
  void Close();
  bool is_open() const { return registered_; }
  const std::string& name() const { return name_; }

  // False when not delivered to a live peer within the send timeout; the
  // reason is logged.
  bool Send(const Message& message, std::string_view to);

  HandlerTable& handlers() { return handlers_; }
  void SetConnectionHandler(PeerHandler h) { on_connect_ = std::move(h); }
  void SetDisconnectionHandler(PeerHandler h) { on_disconnect_ = std::move(h); }

  // Dispatches until a handler breaks (true) or the time is up (false).
  // seconds < 0: no time limit.  seconds == 0: what has arrived, then return.
  bool Wait(double seconds);

  // The peer registered as `name` (asks the name server), or nullptr.
  Peer* Reference(const std::string& name);
  void Kill(Peer* peer);

  // Installed by libCm-zmq itself (migration/legacy_domain.h): the tools and
  // the name server, which share the core, have no foreign domain.
  static void SetForeignDomainFactory(ForeignDomainFactory factory);

  const SessionStats& stats() const { return stats_; }
  // The transport's coalescing counters (transport/dialer.h).
  Dialer::Counters coalescing() { return dialer_ ? dialer_->counters() : Dialer::Counters(); }

 private:
  using Clock = std::chrono::steady_clock;
  Session() = default;

  // Acknowledgements go out at every link check, and also before a receive
  // that may sleep or when the queue is found empty, but then at most this
  // often: a receiver keeping up with a fast sender does that between most
  // messages.
  static constexpr int kIdleAckMs = 10;

  // The session's work is grouped by concept, one file each; they are all
  // parts of this one class (not classes of their own) because they share
  // its sockets, its peers and its counters, and call one another in
  // cycles (a link check sends a cm:sync, a reply is a send, a send that
  // waits looks at the links): separate classes would each need the whole
  // session anyway.  The peer table, which needs none of it, is a class
  // (peer_table.h).

  // session.cpp: start, open, close; the wait loop; housekeeping.
  Status StartListening();  // Start() the first time
  Peer* PeerNamed(std::string_view name);  // found or made; nullptr: the table is full
  bool Idle() const;
  void Housekeeping();

  // report.cpp: what the process tells its name server unasked (NSConnect, NSReport).
  ProcessInfo Describe();  // also cm:info-reply's items
  void ReportConnects(bool all = false);
  bool ReportOwed() const;
  void SendReport(Clock::time_point now);
  void ReportIfDue(Clock::time_point now);
  int ReportSleepMs() const;

  // peer_addresses.cpp: where a peer is (the name server's word, a frame's claim).
  Status Resolve(Peer& peer);
  void SetAddress(Peer& peer, const Address& address);
  bool ConfirmMove(Peer& peer, const Address& to);

  // delivery.cpp: the send path.
  // quiet: a failure is neither logged nor counted (the caller decides).
  bool Deliver(Peer& peer, const Message& message, Clock::time_point deadline, bool quiet = false);
  bool WaitForRoom(Peer& peer, size_t size, Clock::time_point deadline);
  bool TakeAck(const Incoming& in);

  // dispatch.cpp: the listener's frames, decoded and handed to handlers.
  int DispatchOne(int wait_ms = 0);
  // A decoded message from `sender`, whatever source brought it, to its
  // handler; DispatchOne inlines the same body (HandleInline, dispatch.cpp
  // only): a call costs the hot path ~20 instructions per message.
  int Handle(Message& message, Peer& sender);
  inline int HandleInline(Message& message, Peer& sender);
  void ReleaseInbox();
  bool NextIncoming(Incoming* in, int wait_ms = 0);
  size_t QueueDepth();

  // links.cpp: link events, suspects, connection callbacks.
  void WaitForLinks(int timeout_ms);
  void ProcessLinkEvents();
  void Suspect(Peer& peer);
  void CheckSuspects();
  void LinkLost(Peer& peer);
  void Announce(Peer& peer) {  // inline: every send and every message asks, rarely has work
    if (peer.announced) return;
    peer.announced = true;
    callbacks_.emplace_back(true, &peer);
  }
  void RunCallbacks() {  // inline: asked after every dispatch, rarely has work
    if (!callbacks_.empty()) RunQueuedCallbacks();
  }
  void RunQueuedCallbacks();

  // builtins.cpp: the cm: requests every process answers, and its answers.
  bool HandleBuiltin(Message& message, Peer& sender);  // true if it was one
  void Reply(Peer& to, const char* type, std::unique_ptr<Message> reply);
  void RetryReplies();
  void RefuseVersion(const Envelope& env, const Status& why);

  // acks.cpp: acknowledgement accounting (unacked.h, send_window.h).
  void SendAcks();
  bool SendAck(Peer& peer);
  Dialer::SendResult ProbeAck(Peer& peer);  // an ack now or never; also a suspect's probe
  void Acknowledged(const Envelope& env, Message& ack);
  void NoteUnacked(Peer& peer);
  // Acknowledgements owed go out, at most every kIdleAckMs: before a receive
  // that may sleep (they would wait for the next link check otherwise), and
  // when the queue is found empty.  Read on the coarse clock (a few ns, not the
  // ~40 of a precise read): a receiver keeping up pays it per message.
  // Inline: the wait loop asks before every receive that may sleep.
  void SendIdleAcks() {
    if (acks_owed_.empty()) return;
    auto now = CoarseNow();
    if (now < next_idle_ack_) return;
    SendAcks();
    next_idle_ack_ = now + std::chrono::milliseconds(kIdleAckMs);
  }
  void QueueEmpty();
  void ReadLastAcks();

  // foreign.cpp: the other domain of migration mode (foreign_domain.h).
  void StartForeign();
  void StopForeign();
  int DispatchForeign();
  bool SendForeign(Peer& peer, const Message& message);
  bool ForeignKnows(Peer& peer);

  // gaps.cpp: frames held behind a gap in a sender's numbers.
  bool Hold(Peer& peer, uint64_t seq, const char* frame, size_t size);
  void Release(Peer& peer);
  void CloseGap(Peer& peer);
  void CloseGaps(bool queue_empty);

  bool started_ = false;
  bool registered_ = false;
  bool closing_ = false;
  pid_t pid_ = 0;  // the process that started the session (see Close)
  std::string name_;
  std::string host_;
  DomainConfig domain_;
  std::unique_ptr<Listener> listener_;
  std::unique_ptr<Dialer> dialer_;
  std::unique_ptr<NameClient> names_;
  std::string address_text_;

  PeerTable peers_;
  struct PendingReply {
    Peer* to;
    std::unique_ptr<Message> message;
    Clock::time_point deadline;
  };
  std::vector<PendingReply> pending_replies_;  // the library's own answers, not sent yet (Reply)
  std::vector<Peer*> gaps_;      // peers with frames held behind a gap (Hold)
  std::vector<Peer*> suspects_;  // whose connection closed: checked at each link check

  HandlerTable handlers_;
  PeerHandler on_connect_, on_disconnect_;
  std::deque<std::pair<bool, Peer*>> callbacks_;  // (connected?, peer), run in Wait
  std::vector<std::unique_ptr<Message>> dispatch_messages_;  // one per nesting level
  size_t dispatch_depth_ = 0;
  FrameDecoder decoder_;  // reused for every received frame (codec/frame.h)
  // The ZeroMQ message being read: one frame, or several (coalesced by the
  // sender, codec/frame.h); inbox_at_ is where the next one starts, and
  // inbox_size_ its size (asking the message is a call into libzmq, and
  // the wait loop asks several times per message).
  Incoming inbox_;  // received into directly (no move per message)
  size_t inbox_at_ = 0;
  size_t inbox_size_ = 0;
  std::vector<zmq::message_t> retired_;  // read, but a waiting handler's message may point into them
  std::deque<Incoming> read_ahead_;  // taken from the listener to be counted (cm:info)
  std::vector<Peer*> acks_owed_;     // peers whose seq_in moved since we acknowledged it
  UnackedLedger unacked_;

  SessionStats stats_;
  int send_timeout_ms_ = 2000;
  uint64_t send_window_bytes_ = 64 << 20;  // CM_SEND_WINDOW (send_window.h)
  uint64_t read_since_ack_ = 0;             // frame bytes dispatched since acks last went out
  Clock::time_point next_report_{};
  bool connects_unreported_ = false;  // some peer's `unreported` is not 0 (ReportConnects)
  Clock::time_point last_report_{};   // NSReport (report.cpp)
  SessionStats reported_stats_;       // what it said
  std::vector<std::string> reported_types_;
  int64_t start_time_ = std::time(nullptr);  // Unix seconds: the library's first use
  Clock::time_point next_link_check_{};  // see Wait()
  long dispatched_since_check_ = 0;      // messages, since the last link check
  bool quiet_interval_ = false;          // none in the interval before it
  Clock::time_point next_idle_ack_{};
  Clock::time_point drained_at_{};  // last time the queue was found empty, while unacked_ waits
  Clock::time_point reregister_at_ = Clock::time_point::max();
  std::vector<zmq_pollitem_t> poll_items_;
  static ForeignDomainFactory foreign_factory_;
  std::unique_ptr<ForeignDomain> foreign_;  // migration mode's legacy domain, or none
  bool foreign_failed_ = false;             // migration mode asked for, and it could not start
};

}  // namespace cm

#endif
