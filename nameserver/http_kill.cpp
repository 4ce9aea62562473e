#include "http_kill.h"

#include <chrono>
#include <thread>

#include "codec/message.h"
#include "session/session.h"
#include "util/log.h"

namespace cm {
namespace {

using Clock = std::chrono::steady_clock;

std::string Where(const NameRecord& r) { return "pid " + std::to_string(r.pid) + " on " + r.host; }

}  // namespace

Status HttpKill::Kill(const std::string& name, std::string* said) {
  std::lock_guard<std::mutex> lock(mu_);
  NameRecord was;
  Status s = queries_->Lookup(name, &was);
  if (s.IsNotFound()) return Status::NotFound(name + ": not running");
  if (!s.ok()) return s;

  Session& session = Session::Instance();
  if (!started_) {
    s = session.Start();
    // The session names the process's log lines after its automatic name:
    // this process is the name server still.
    SetLogName("CmNameServer");
    if (!s.ok()) return Status::Unavailable("cannot start the session that sends cm:kill: " + s.message());
    started_ = true;
  }
  // cm:kill names our domain: a process refuses it for another one.
  Message request;
  request.SetType("cm:kill");
  request.PutText(domain_.c_str());
  std::string refused;
  bool answered = false;
  session.handlers().InstallDefault([&](Message& reply, const char* sender) {
    if (name != sender) return false;
    if (reply.type_string() == "cm:kill-refused") {
      const char* why = reply.items().empty() ? nullptr : reply.GetText();
      refused = why ? why : "?";
    }
    answered = true;
    return true;  // the wait returns
  });
  if (session.Send(request, name)) {
    // cm:killed says it is closing; the name server has the last word, so
    // a missing cm:killed is no failure.
    auto reply_deadline = Clock::now() + std::chrono::milliseconds(kReplyTimeoutMs);
    while (!answered) {
      double left = std::chrono::duration<double>(reply_deadline - Clock::now()).count();
      if (left <= 0) break;
      session.Wait(left);
    }
  }
  session.handlers().InstallDefault(nullptr);
  if (!refused.empty()) return Status::Refused(name + " (" + Where(was) + ") refused to stop: " + refused);

  auto deadline = Clock::now() + std::chrono::milliseconds(kGoneTimeoutMs);
  for (;;) {
    NameRecord now;
    s = queries_->Lookup(name, &now);
    if (s.IsNotFound() || (s.ok() && now.address != was.address)) break;  // gone (or replaced)
    if (Clock::now() >= deadline)
      return Status::Timeout(name + " (" + Where(was) + ") was asked to stop but is still registered after " +
                             std::to_string(kGoneTimeoutMs / 1000) + " s (a process obeys only inside its wait calls)");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  *said = name + ": stopped (was " + Where(was) + ")";
  return Status::Ok();
}

void HttpKill::Close() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) Session::Instance().Close();
  started_ = false;
}

}  // namespace cm
