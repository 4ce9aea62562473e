// HttpKill: the web view's kill, done as `cm kill` does it (tools/cmd_process.cpp):
// cm:kill naming our domain, sent through this process's Session, then the
// name server asked until the name is gone.
//
// The Session is this program's one Cm process (session/session.h); only
// the web view uses it in the name server, one kill at a time (a mutex), so
// it never runs in two threads at once.  It finds the name servers from the
// environment: HttpView::Open points CMDOMAIN and CM_NAMESERVER at this name
// server first.  It starts on the first kill.
//
// Closing: Session::Close() also ends the process's ZeroMQ context, which
// waits for every socket of the process.  So Close() here must come after
// the name server and the web view's own connection are gone (main.cpp).
#ifndef CM_NAMESERVER_HTTP_KILL_H
#define CM_NAMESERVER_HTTP_KILL_H

#include <mutex>
#include <string>

#include "http_queries.h"
#include "util/status.h"

namespace cm {

class HttpKill {
 public:
  // How long the process has to say cm:killed, then to leave the name server's list.
  static constexpr int kReplyTimeoutMs = 2000;
  static constexpr int kGoneTimeoutMs = 5000;

  HttpKill(std::string domain, HttpQueries* queries) : domain_(std::move(domain)), queries_(queries) {}

  // Asks `name` to exit.  Ok with a sentence saying what happened (it
  // stopped), NotFound when it is not running, Refused when it refused
  // (another domain), Timeout when it is still registered after kGoneTimeoutMs.
  Status Kill(const std::string& name, std::string* said);

  // Closes the Session if a kill started it (see above: last of all).
  void Close();

 private:
  std::mutex mu_;
  std::string domain_;
  HttpQueries* queries_;
  bool started_ = false;
};

}  // namespace cm

#endif
