// Address: where a process can be reached, as one string
//
//   tcp://<host>:<port>#<incarnation>
//
// The part before '#' is the ZeroMQ endpoint; the part after it is the
// routing id the process's listening socket announces.  A process restarted
// on the same port has a new incarnation, so a message meant for the old one
// is refused instead of reaching the wrong process.
#ifndef CM_TRANSPORT_ADDRESS_H
#define CM_TRANSPORT_ADDRESS_H

#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace cm {

struct Address {
  std::string endpoint;     // tcp://host:port
  std::string incarnation;  // routing id

  static bool Parse(std::string_view text, Address* out);
  std::string ToString() const { return endpoint + "#" + incarnation; }
  // Same as Parse(text) would give, without allocating (checked per message).
  bool Is(std::string_view text) const {  // asked for every received message
    size_t n = endpoint.size();
    return text.size() == n + 1 + incarnation.size() && text[n] == '#' &&
           std::memcmp(text.data(), endpoint.data(), n) == 0 &&
           std::memcmp(text.data() + n + 1, incarnation.data(), incarnation.size()) == 0;
  }
};

// A fresh random incarnation id (16 hex digits).
std::string NewIncarnation();

// The host name or IP address to advertise to others: $CM_HOST if set; else
// 127.0.0.1 when the name server's host is spelled as a loopback address
// ("localhost", 127.x); else, when its name resolves to this host's loopback
// (Debian maps the host's own name to 127.0.1.1) while other hosts may ask
// that name server too, an address of ours they can reach (the default
// route's, else the first interface's that is up); else the local address
// of the interface that routes to the name server.
std::string AdvertisedHost(const std::string& name_server_host);

// What AdvertisedHost decides from, and the decision itself (for tests).
struct HostFacts {
  std::string cm_host;                 // $CM_HOST, "" if unset
  std::string name_server_host;        // as the domain spells it
  bool name_server_on_loopback = false;  // it resolves to 127.x here
  std::string route_source;            // our address toward it, "" if none
  std::string default_route_source;    // our address toward the default route
  std::vector<std::string> interface_addresses;  // up, IPv4, not loopback
};
std::string ChooseAdvertisedHost(const HostFacts& facts);

// This machine's host name.
std::string LocalHostName();

}  // namespace cm

#endif
