#include "transport/tuning.h"

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "util/log.h"

namespace cm {

int64_t PeerMaxMessageBytes() {
  const char* text = std::getenv("CM_MAX_MESSAGE_MB");
  if (text == nullptr || *text == '\0') return kDefaultMaxMessageBytes;
  char* end = nullptr;
  errno = 0;
  double mib = std::strtod(text, &end);
  // Up to 2^43 MiB: the limit must fit libzmq's int64 in bytes.
  if (end == text || *end != '\0' || errno != 0 || !std::isfinite(mib) || mib <= 0 || mib > 8796093022208.0) {
    static std::atomic<bool> warned{false};  // once: a process may open several listeners
    if (!warned.exchange(true))
      CM_WARN("CM_MAX_MESSAGE_MB='%s' is not a positive number of MiB: the limit stays %lld MiB", text,
              static_cast<long long>(kDefaultMaxMessageBytes >> 20));
    return kDefaultMaxMessageBytes;
  }
  return static_cast<int64_t>(mib * (1 << 20));
}

}  // namespace cm
