#include "transport/address.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <random>

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
std::string RouteSource(const addrinfo& to) {
  std::string source;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd >= 0 && connect(fd, to.ai_addr, to.ai_addrlen) == 0) {
    sockaddr_in local{};
    socklen_t len = sizeof local;
    char text[INET_ADDRSTRLEN];
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0 &&
        inet_ntop(AF_INET, &local.sin_addr, text, sizeof text) != nullptr)
      source = text;
  }
  if (fd >= 0) close(fd);
  return source;
}

}  // namespace

std::string AdvertisedHost(const std::string& name_server_host) {
  const char* env = std::getenv("CM_HOST");
  if (env != nullptr && *env != '\0') return env;
  if (IsLoopbackName(name_server_host)) return "127.0.0.1";
  // One look-up of the name server's host (a DNS query, on a real network)
  // answers both questions: is it this host's loopback, and if not, which
  // of our addresses routes to it.
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(name_server_host.c_str(), "9", &hints, &result) != 0) return "127.0.0.1";
  bool loopback = false;
  for (addrinfo* a = result; a != nullptr; a = a->ai_next)
    if ((ntohl(reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr.s_addr) >> 24) == 127) loopback = true;
  std::string source = loopback ? "" : RouteSource(*result);
  freeaddrinfo(result);
  return source.empty() ? "127.0.0.1" : source;
}

}  // namespace cm
