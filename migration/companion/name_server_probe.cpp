#include "companion/name_server_probe.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "naming/domain.h"
#include "util/settings.h"

namespace cm {
namespace {

// "" when something accepts a TCP connection there, else why not.
std::string TryConnect(const NameServerEndpoint& ns, int timeout_ms) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(ns.host.c_str(), std::to_string(ns.port).c_str(), &hints, &found);
  if (rc != 0) return gai_strerror(rc);
  std::string why = "no address";
  for (addrinfo* a = found; a != nullptr; a = a->ai_next) {
    int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int err = connect(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, timeout_ms) == 1) {
        socklen_t len = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      } else {
        err = ETIMEDOUT;
      }
    }
    close(fd);
    if (err == 0) {
      freeaddrinfo(found);
      return "";
    }
    why = std::strerror(err);
  }
  freeaddrinfo(found);
  return why;
}

}  // namespace

Status ProbeLegacyNameServer(int timeout_ms, std::string* domain_name) {
  DomainConfig domain;
  Status s = LoadDomain("", &domain, /*load_secret=*/false);
  std::string env = TextSetting("CMDOMAIN");
  *domain_name = !env.empty() ? env : domain.name;
  if (!s.ok()) return Status::NotFound(s.message());
  std::string failures;
  for (const NameServerEndpoint& ns : domain.name_servers) {
    std::string why = TryConnect(ns, timeout_ms);
    if (why.empty()) return Status::Ok();
    failures += (failures.empty() ? "" : "; ") + ns.ToString() + ": " + why;
  }
  return Status::Unavailable("the name server of the legacy domain '" + *domain_name + "' (" + domain.source +
                             ") is not reachable: " + failures);
}

}  // namespace cm
