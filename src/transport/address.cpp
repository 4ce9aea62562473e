#include "transport/address.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <cstring>
#include <random>

#include "util/settings.h"

namespace cm {

bool Address::Parse(std::string_view text, Address* out) {
  size_t hash = text.rfind('#');
  if (hash == std::string_view::npos || hash == 0 || hash + 1 == text.size()) return false;
  if (text.substr(0, 6) != "tcp://") return false;
  out->endpoint = std::string(text.substr(0, hash));
  out->incarnation = std::string(text.substr(hash + 1));
  return true;
}

std::string NewIncarnation() {
  std::random_device device;
  std::mt19937_64 rng((static_cast<uint64_t>(device()) << 32) ^ device() ^ static_cast<uint64_t>(getpid()));
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(rng()));
  return text;
}

std::string LocalHostName() {
  char name[256] = {0};
  if (gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

namespace {

bool IsLoopbackName(const std::string& host) {
  return host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1";
}

// The source address the kernel would use toward `to` (a UDP "connect"
// sends nothing), or "".
std::string RouteSource(const sockaddr* to, socklen_t length) {
  std::string source;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd >= 0 && connect(fd, to, length) == 0) {
    sockaddr_in local{};
    socklen_t len = sizeof local;
    char text[INET_ADDRSTRLEN];
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0 &&
        inet_ntop(AF_INET, &local.sin_addr, text, sizeof text) != nullptr)
      source = text;
  }
  if (fd >= 0) close(fd);
  return IsLoopbackName(source) ? "" : source;
}

// Where the default route leaves from: toward an address of TEST-NET-2,
// which only a default route reaches.
std::string DefaultRouteSource() {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(9);
  inet_pton(AF_INET, "198.51.100.1", &to.sin_addr);
  return RouteSource(reinterpret_cast<sockaddr*>(&to), sizeof to);
}

// IPv4 addresses of the interfaces that are up, loopback excepted.
std::vector<std::string> InterfaceAddresses() {
  std::vector<std::string> addresses;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return addresses;
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr || i->ifa_addr->sa_family != AF_INET) continue;
    if ((i->ifa_flags & IFF_UP) == 0 || (i->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET_ADDRSTRLEN];
    if (inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, text, sizeof text) != nullptr &&
        !IsLoopbackName(text))
      addresses.push_back(text);
  }
  freeifaddrs(list);
  return addresses;
}

// What CM_HOST may hold: a DNS name, an IPv4 or IPv6 address (a zone after
// '%').  Other processes connect to it as it is, so a typo must not pass.
bool IsHostText(const std::string& text) {
  if (text.size() > 253) return false;
  for (char c : text)
    if (!(isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_' || c == ':' || c == '%'))
      return false;
  return true;
}

}  // namespace

std::string ChooseAdvertisedHost(const HostFacts& facts) {
  if (!facts.cm_host.empty()) return facts.cm_host;
  // Spelled as this host's loopback: only processes of this host can be
  // pointed at that name server, and only they will ask.
  if (IsLoopbackName(facts.name_server_host)) return "127.0.0.1";
  if (facts.name_server_on_loopback) {
    // A name that resolves to loopback here (Debian maps the host's own
    // name to 127.0.1.1) is still a name other hosts resolve to this
    // host's real address and ask the same name server through: they must
    // be able to reach us too.
    if (!facts.default_route_source.empty()) return facts.default_route_source;
    if (!facts.interface_addresses.empty()) return facts.interface_addresses.front();
    return "127.0.0.1";  // no other interface: nobody else can ask
  }
  return facts.route_source.empty() ? "127.0.0.1" : facts.route_source;
}

std::string AdvertisedHost(const std::string& name_server_host) {
  HostFacts facts;
  facts.cm_host = CheckedTextSetting("CM_HOST", IsHostText, "a host name or address",
                                     "advertising the address chosen without it");
  facts.name_server_host = name_server_host;
  if (facts.cm_host.empty() && !IsLoopbackName(name_server_host)) {
    // One look-up of the name server's host (a DNS query, on a real
    // network) answers both questions: is it this host's loopback, and if
    // not, which of our addresses routes to it.
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* result = nullptr;
    if (getaddrinfo(name_server_host.c_str(), "9", &hints, &result) == 0) {
      for (addrinfo* a = result; a != nullptr; a = a->ai_next)
        if ((ntohl(reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr.s_addr) >> 24) == 127)
          facts.name_server_on_loopback = true;
      if (!facts.name_server_on_loopback) facts.route_source = RouteSource(result->ai_addr, result->ai_addrlen);
      freeaddrinfo(result);
    }
    if (facts.name_server_on_loopback) {
      facts.default_route_source = DefaultRouteSource();
      facts.interface_addresses = InterfaceAddresses();
    }
  }
  return ChooseAdvertisedHost(facts);
}

}  // namespace cm
