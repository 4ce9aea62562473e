// HttpAccess: who may kill from the web view.  Reading is open to whoever
// reaches the HTTP port (loopback unless --http names an address); killing
// needs all of:
//   - the name server started with --allow-kill;
//   - the request sent by the page after the operator confirmed: a POST with
//     the header "X-Cm-Confirm: kill" (a form or link of another site cannot
//     send a header of its own, and we answer no CORS preflight);
//   - in a domain with a secret (transport/security.h), the header
//     "X-Cm-Key: <the secret key, as the key file's secret-key line writes
//     it>" (the page has a field for it).  Without a secret, none.
#ifndef CM_NAMESERVER_HTTP_ACCESS_H
#define CM_NAMESERVER_HTTP_ACCESS_H

#include <string>

#include "transport/security.h"

namespace cm {

class HttpAccess {
 public:
  HttpAccess(bool allow_kill, const Security& security);

  bool allow_kill() const { return allow_kill_; }
  bool needs_key() const { return !key_z85_.empty(); }

  // 0 if a kill with these headers' values is allowed (`confirm`, `key`:
  // empty when absent), else the HTTP status to answer, with `why`.
  int CheckKill(const std::string& confirm, const std::string& key, std::string* why) const;

 private:
  bool allow_kill_;
  std::string key_z85_;  // the domain's secret key in Z85; empty without a secret
};

}  // namespace cm

#endif
