// Domain: which name servers serve this process's domain, and the ports and
// directory the domain gives it.
//
// Resolution, first match wins:
//   1. the domain's name is $CMDOMAIN, else "default";
//   2. the CmDomains table is $CMDOMAIN_DATABASE, else $CMMGR/CmDomains, else
//      $CMROOT/mgr/CmDomains (the first of these variables that is set);
//      each line "<domain> <ns-host> <ns-port> <first-port> <port-range>
//      <repository-dir>" ('#' starts a comment; several lines for one domain
//      name several name servers);
//   3. $CM_NAMESERVER=tcp://h1:p1[,tcp://h2:p2] replaces the table's name
//      servers;
//   4. with neither table nor CM_NAMESERVER, domain "default" is served by
//      tcp://localhost:19000 with any free port; any other domain name is an
//      error that says where we looked.
// The domain's secret (transport/security.h), optional: the key file
// $CM_SECRET, else "<repository-dir>/<domain>.key" if it exists.  A key
// file must belong to the user and be unreadable by others (like ssh's),
// in a directory nobody else can change (CheckKeyDirectory); one that is
// present but unusable is an error, never a silent fallback to no secret.
#ifndef CM_NAMING_DOMAIN_H
#define CM_NAMING_DOMAIN_H

#include <string>
#include <vector>

#include "transport/security.h"
#include "util/status.h"

namespace cm {

constexpr int kDefaultNameServerPort = 19000;

struct NameServerEndpoint {
  std::string host;
  int port = 0;
  std::string ToString() const { return "tcp://" + host + ":" + std::to_string(port); }
};

struct DomainConfig {
  std::string name = "default";
  std::vector<NameServerEndpoint> name_servers;
  int first_port = 0;  // 0: any free port
  int port_count = 0;
  std::string repository = "/tmp/cm";
  std::string source;  // where this came from, for messages
  Security security;   // not enabled: the domain has no secret
};

// Resolves the domain from the environment as described above.
// `domain_override`, if not empty, replaces $CMDOMAIN.  Without
// `load_secret` the key file is not read (to create it).
Status LoadDomain(const std::string& domain_override, DomainConfig* out, bool load_secret = true);

// Where the domain's key file is or would be ($CM_SECRET, else in the
// repository directory).
std::string SecretPath(const DomainConfig& domain);

// Reads a key file (written by `cm secret`): "secret-key = <Z85>" and
// lines starting with '#'.
Status LoadSecret(const std::string& path, Security* out);

// The directory of a key file (the repository, unless $CM_SECRET says
// otherwise).  A key is written or read only in a directory that belongs
// to the user (or root) and that nobody else can write to, unless it has
// the sticky bit (as /tmp does): another user who prepared /tmp/cm could
// remove a key written there, and the domain would silently start open.
std::string KeyDirectory(const std::string& key_path);
// Ok, or why the directory is refused (naming it).
Status CheckKeyDirectory(const std::string& dir);
// Creates the directory (mode 0700; not its parents) if it is missing,
// then checks it.
Status MakeKeyDirectory(const std::string& dir);

// Parses one CmDomains table for `domain`.  NotFound if it has no such line.
Status ParseDomainTable(const std::string& text, const std::string& domain, const std::string& source,
                        DomainConfig* out);

// Parses "tcp://h:p[,tcp://h:p...]" (the tcp:// prefix is optional).
Status ParseNameServerList(const std::string& text, std::vector<NameServerEndpoint>* out);

}  // namespace cm

#endif
