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
#ifndef CM_NAMING_DOMAIN_H
#define CM_NAMING_DOMAIN_H

#include <string>
#include <vector>

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
};

// Resolves the domain from the environment as described above.
// `domain_override`, if not empty, replaces $CMDOMAIN.
Status LoadDomain(const std::string& domain_override, DomainConfig* out);

// Parses one CmDomains table for `domain`.  NotFound if it has no such line.
Status ParseDomainTable(const std::string& text, const std::string& domain, const std::string& source,
                        DomainConfig* out);

// Parses "tcp://h:p[,tcp://h:p...]" (the tcp:// prefix is optional).
Status ParseNameServerList(const std::string& text, std::vector<NameServerEndpoint>* out);

}  // namespace cm

#endif
