#include "exchange.h"

#include <chrono>
#include <cstdlib>

#include "cli.h"
#include "output.h"
#include "session/session.h"
#include "util/settings.h"

namespace cmtool {

using Clock = std::chrono::steady_clock;

void LimitSendTimeout(double seconds) {
  if (cm::TextSetting("CM_SEND_TIMEOUT").empty()) setenv("CM_SEND_TIMEOUT", std::to_string(seconds).c_str(), 1);
}

void SendOrFail(const cm::DomainConfig& domain, const cm::NameRecord& target, const cm::Message& message) {
  if (cm::Session::Instance().Send(message, target.name)) return;
  // The session only logs why; ask the name server what became of it.
  cm::NameRecord now;
  cm::Status s = ConnectNameServers(domain)->Lookup(target.name, &now, kNameServerTimeoutMs);
  if (s.IsNotFound()) Fail(kExitFailed, target.name + " exited before the message could be delivered");
  // As the session read it (a bad value was said there, and 2 s used).
  double timeout = cm::PositiveNumberSetting("CM_SEND_TIMEOUT", "seconds", 2, 0.001, 10 * 86400);
  Fail(kExitTimeout, target.name + " (pid " + std::to_string(target.pid) + " on " + target.host +
                         ") is registered but did not take the message within " + FormatSeconds(timeout));
}

void Exchange(const cm::DomainConfig& domain, const cm::NameRecord& target, const cm::Message& request,
              const std::string& reply_type, int timeout_ms, const ReplyReader& read) {
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  cm::Session& session = cm::Session::Instance();
  bool answered = false;
  // The handler refers to this frame: uninstall it however we leave.
  struct Uninstall {
    cm::Session& session;
    ~Uninstall() { session.handlers().InstallDefault(nullptr); }
  } uninstall{session};
  session.handlers().InstallDefault([&](cm::Message& message, const char* sender) {
    if (target.name != sender || (!reply_type.empty() && message.type_string() != reply_type)) return false;
    read(message);
    answered = true;
    return true;  // the wait returns
  });
  SendOrFail(domain, target, request);
  while (!answered) {
    double left = std::chrono::duration<double>(deadline - Clock::now()).count();
    if (left <= 0) break;  // (a negative wait would never end)
    session.Wait(left);
  }
  if (!answered)
    Fail(kExitTimeout, target.name + " did not reply" + (reply_type.empty() ? "" : " with " + reply_type) +
                           " within " + FormatSeconds(timeout_ms / 1000.0));
}

}  // namespace cmtool
