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
// the loopback address when the name server is on this host's loopback; else
// the local address of the interface that routes to the name server.
std::string AdvertisedHost(const std::string& name_server_host);

// This machine's host name.
std::string LocalHostName();

}  // namespace cm

#endif
