// NameServerProbe: is the legacy domain's name server there at all?
//
// The legacy API cannot tell "name server unreachable" from any other
// failure, and only a CmMessageOpenServer would find out.  So the companion
// resolves the legacy domain the way the legacy library does (CMDOMAIN, the
// CmDomains table, CM_NAMESERVER for the stand-in; naming/domain.h reads the
// same table format) and tries a TCP connection to each of its name servers.
#ifndef CM_MIGRATION_COMPANION_NAME_SERVER_PROBE_H
#define CM_MIGRATION_COMPANION_NAME_SERVER_PROBE_H

#include <string>

#include "util/status.h"

namespace cm {

// Ok when one of the domain's name servers accepts a TCP connection within
// timeout_ms; Unavailable naming each endpoint and why otherwise.
// `domain_name` gets the legacy domain's name.  A domain this code cannot
// resolve is NotFound (the caller decides; the legacy library may know better).
Status ProbeLegacyNameServer(int timeout_ms, std::string* domain_name);

}  // namespace cm

#endif
