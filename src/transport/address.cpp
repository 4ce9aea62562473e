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

bool IsLoopback(const std::string& host) {
  if (host == "localhost" || host.rfind("127.", 0) == 0 || host == "::1") return true;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* result = nullptr;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &result) != 0) return false;
  bool loop = false;
  for (addrinfo* a = result; a != nullptr; a = a->ai_next) {
    auto* in = reinterpret_cast<sockaddr_in*>(a->ai_addr);
    if ((ntohl(in->sin_addr.s_addr) >> 24) == 127) loop = true;
  }
  freeaddrinfo(result);
  return loop;
}

// The source address the kernel would use toward `host` (a UDP "connect"
// sends nothing).
std::string RouteSource(const std::string& host) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* result = nullptr;
  if (getaddrinfo(host.c_str(), "9", &hints, &result) != 0) return "";
  std::string source;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd >= 0 && connect(fd, result->ai_addr, result->ai_addrlen) == 0) {
    sockaddr_in local{};
    socklen_t len = sizeof local;
    char text[INET_ADDRSTRLEN];
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) == 0 &&
        inet_ntop(AF_INET, &local.sin_addr, text, sizeof text) != nullptr)
      source = text;
  }
  if (fd >= 0) close(fd);
  freeaddrinfo(result);
  return source;
}

}  // namespace

std::string AdvertisedHost(const std::string& name_server_host) {
  const char* env = std::getenv("CM_HOST");
  if (env != nullptr && *env != '\0') return env;
  if (IsLoopback(name_server_host)) return "127.0.0.1";
  std::string source = RouteSource(name_server_host);
  return source.empty() ? "127.0.0.1" : source;
}

}  // namespace cm
