// Security: the optional per-domain secret, as CurveZMQ.
//
// A domain with a secret has one CurveZMQ key pair that all its members
// hold (the key file, see naming/domain.h).  Every listening socket is a
// CURVE server with it, every connecting socket a CURVE client with it, and
// a ZAP handler (RFC 27) in the process admits a client only if it proved it
// holds the domain's secret key.  So a process without the key file can
// neither register, nor look up, nor send, nor kill: its handshakes fail,
// and the listener logs who was refused.  Traffic is encrypted as a side
// effect.  Without a secret nothing changes (the NULL mechanism, no ZAP).
#ifndef CM_TRANSPORT_SECURITY_H
#define CM_TRANSPORT_SECURITY_H

#include <string>

#include <zmq.hpp>

#include "util/status.h"

namespace cm {

struct Security {
  // Binary, 32 bytes each; both empty: no secret.
  std::string public_key;
  std::string secret_key;
  std::string source;  // the key file, for messages

  bool enabled() const { return !secret_key.empty(); }
};

// The secret from its Z85 text (40 characters); Invalid if it is not one.
Status SecurityFromZ85(const std::string& secret_z85, const std::string& source, Security* out);

// A new random secret, as Z85 text.
Status NewSecretZ85(std::string* secret_z85);

// Call before the socket binds or connects.  A server also makes sure this
// process's ZAP handler runs (it must be up before the first handshake, or
// libzmq would admit anyone).
Status ApplyServerSecurity(const Security& security, zmq::socket_t& socket);
void ApplyClientSecurity(const Security& security, zmq::socket_t& socket);

}  // namespace cm

#endif
