// exchange: a message to one process, and its reply, through this process's
// Session, the way a Cm program does it (send, then wait with a timeout for
// the reply, which a handler reads).  Failures are thrown as one-line
// Failures with the right exit status.
#ifndef CM_TOOLS_EXCHANGE_H
#define CM_TOOLS_EXCHANGE_H

#include <functional>
#include <string>

#include "codec/message.h"
#include "naming/domain.h"
#include "naming/name_client.h"

namespace cmtool {

// Reads the reply; it is valid only during the call.
using ReplyReader = std::function<void(cm::Message& reply)>;

// Bounds the session's send timeout (CM_SEND_TIMEOUT) by `seconds`, unless
// the user set it.  Call before the session starts.
void LimitSendTimeout(double seconds);

// Sends `message` to `target`.  Not delivered: Failure saying why (it exited
// meanwhile: kExitFailed; registered but not reachable in time: kExitTimeout).
void SendOrFail(const cm::DomainConfig& domain, const cm::NameRecord& target, const cm::Message& message);

// Sends `request`, then waits for a message from `target` (of type
// `reply_type`, any type if empty) and hands it to `read`; `timeout_ms` bounds
// the wait (set LimitSendTimeout too, to bound the send).  No reply in time:
// Failure(kExitTimeout).
void Exchange(const cm::DomainConfig& domain, const cm::NameRecord& target, const cm::Message& request,
              const std::string& reply_type, int timeout_ms, const ReplyReader& read);

}  // namespace cmtool

#endif
