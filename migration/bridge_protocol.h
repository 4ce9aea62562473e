// BridgeProtocol: what a relinked process (R) and its legacy companion say to
// each other over their private ipc PAIR socket (docs/migration.md, "The
// bridge protocol").
//
// One bridge message is one ZeroMQ message of one or two parts:
//   part 1: msgpack array [version, op, id, arg...], each arg a str or an int
//   part 2: a Cm frame (codec/frame.h), only for `send` and `deliver`
// `id` pairs a request with its `result` (0 for events and for `quit`).
// A message of another version, or one that does not parse, is refused with
// a Status saying why: both ends come from one build, so a mismatch means a
// stale companion binary, and that must be said, not guessed around.
#ifndef CM_MIGRATION_BRIDGE_PROTOCOL_H
#define CM_MIGRATION_BRIDGE_PROTOCOL_H

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include <zmq.hpp>

#include "util/status.h"

namespace cm {
namespace bridge {

constexpr uint32_t kVersion = 1;

// Requests, R -> companion.  Each gets one `result` with its id, except quit.
constexpr const char kOpen[] = "open";      // [name]        -> result 1 / 0 + reason
constexpr const char kClose[] = "close";    // []            -> result 1
constexpr const char kSend[] = "send";      // [to] + frame  -> result 1 / 0 (the legacy send's own answer)
constexpr const char kLookup[] = "lookup";  // [name]        -> result 1 known / 0 unknown
constexpr const char kQuit[] = "quit";      // []            (no result: the companion closes and exits)
// [to, type, timeout_ms] -> result 1, "", text... (every text item of the
// first message that comes back from `to`) / 0 + reason.  The companion
// sends `to` a legacy message of `type` without items (legacy CmMessageSend)
// and waits, at most timeout_ms, inside its legacy wait, for a message whose
// sender is `to`.  How the legacy name server is asked NSGetNames and
// NSGetConnects (docs/migration.md, "Listing both worlds").  Added without
// a version change: the layout is the same, and a companion that does not
// know it answers status 0 "unknown request".
constexpr const char kAsk[] = "ask";
// Replies and events, companion -> R.
constexpr const char kResult[] = "result";              // [status, reason]
constexpr const char kHello[] = "hello";                // [pid, token, library, domain]
constexpr const char kFatal[] = "fatal";                // [reason]; the companion then exits
constexpr const char kDeliver[] = "deliver";            // [sender] + frame
constexpr const char kConnected[] = "connected";        // [name]
constexpr const char kDisconnected[] = "disconnected";  // [name]
constexpr const char kLog[] = "log";                    // [level (LogLevel), text]

struct Packet {
  std::string op;
  uint64_t id = 0;
  std::vector<std::variant<int64_t, std::string>> args;

  Packet() = default;
  Packet(std::string o, uint64_t i = 0) : op(std::move(o)), id(i) {}
  Packet& Add(std::string s) { return args.emplace_back(std::move(s)), *this; }
  Packet& Add(int64_t v) { return args.emplace_back(v), *this; }

  // The k-th argument, or "" / `fallback` when it is missing or of the other kind.
  const std::string& Text(size_t k) const;
  int64_t Number(size_t k, int64_t fallback = 0) const;
};

// Sends `packet`, followed by `frame` as a second part when it is not null.
// `flags` as zmq_send's (ZMQ_DONTWAIT); false if ZeroMQ did not take it.
bool SendPacket(zmq::socket_t& socket, const Packet& packet, zmq::message_t* frame, int flags = 0);

// Receives one bridge message.  False with an ok Status when nothing was
// there (ZMQ_DONTWAIT) or the socket's receive time-out passed; `frame`
// (may be null) gets part 2, or is emptied when there is none.
bool ReceivePacket(zmq::socket_t& socket, Packet* packet, zmq::message_t* frame, int flags, Status* status);

}  // namespace bridge
}  // namespace cm

#endif
