#include "transport/tuning.h"

#include "util/settings.h"

namespace cm {

int64_t PeerMaxMessageBytes() {
  // Up to 2^43 MiB: the limit must fit libzmq's int64 in bytes.  At least
  // one byte.
  double mib = PositiveNumberSetting("CM_MAX_MESSAGE_MB", "MiB", static_cast<double>(kDefaultMaxMessageBytes >> 20),
                                     1.0 / (1 << 20), 8796093022208.0);
  return static_cast<int64_t>(mib * (1 << 20));
}

}  // namespace cm
