#include "http_access.h"

#include <zmq.h>

namespace cm {
namespace {

// Compares in a time that does not depend on where they differ (a guess
// must not learn how many leading characters it got right).
bool SameKey(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

HttpAccess::HttpAccess(bool allow_kill, const Security& security) : allow_kill_(allow_kill) {
  if (security.enabled() && security.secret_key.size() == 32) {
    char z85[41];
    if (zmq_z85_encode(z85, reinterpret_cast<const uint8_t*>(security.secret_key.data()), 32) != nullptr)
      key_z85_ = z85;
  }
  // A secret we failed to encode would open kills to all: refuse them instead.
  if (security.enabled() && key_z85_.empty()) allow_kill_ = false;
}

int HttpAccess::CheckKill(const std::string& confirm, const std::string& key, std::string* why) const {
  if (!allow_kill_) {
    *why = "killing from the web view is off: start CmNameServer with --allow-kill";
    return 403;
  }
  if (confirm != "kill") {
    *why = "a kill needs the header X-Cm-Confirm: kill (the page sends it once you confirm)";
    return 400;
  }
  if (needs_key() && !SameKey(key, key_z85_)) {
    *why = key.empty() ? "this domain has a secret: give its key (X-Cm-Key, the key file's secret-key value)"
                       : "wrong key: X-Cm-Key is not this domain's secret key";
    return 403;
  }
  return 0;
}

}  // namespace cm
