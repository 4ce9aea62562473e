// Versions: of the library (its release, which names its ABI), and of the
// wire protocol it speaks, which are separate (docs/versions.md).
//
// A release reads two adjacent protocol versions and writes one of them, so
// that a domain can be upgraded one process at a time: each release reads
// what the one before it writes, and writes (by default) what the one before
// it reads.
#ifndef CM_UTIL_VERSION_H
#define CM_UTIL_VERSION_H

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "util/log.h"
#include "util/settings.h"
#include "util/status.h"

namespace cm {

// The newest protocol this build writes and reads, and the oldest it still
// reads (1 and 2 differ only in 2's several frames per ZeroMQ message).
constexpr uint32_t kProtocolVersion = 2;
constexpr uint32_t kOldestProtocolVersion = 1;
// What a build writes unless CM_PROTOCOL says otherwise.  A release that
// introduces protocol N+1 keeps writing N here, so that the release before
// it (which reads up to N) still reads it; the next release writes N+1.
constexpr uint32_t kDefaultWriteProtocolVersion = 2;
// cm:refused is written in this version by every release, and read in any
// version: a refusal must reach a peer whatever it speaks (docs/versions.md).
constexpr uint32_t kRefusalProtocolVersion = 1;

static_assert(kOldestProtocolVersion <= kDefaultWriteProtocolVersion &&
                  kDefaultWriteProtocolVersion <= kProtocolVersion,
              "a build writes a version it reads");

// The library's release ("1.0.0"): the project version in CMakeLists.txt,
// which every target that compiles the core defines as CM_VERSION.
inline const char* LibraryVersion() { return CM_VERSION; }

// Whether a frame of protocol `version` is one this build reads.
inline bool ReadsProtocol(uint32_t version) {
  return version >= kOldestProtocolVersion && version <= kProtocolVersion;
}

// Header-only on purpose: the codec uses it, and builds that take the codec
// alone (the fuzzers) then need nothing more.  0: not chosen yet.
inline std::atomic<uint32_t> g_write_protocol_version{0};

// For tests and tools: write `version` from now on (it must be readable).
inline Status SetWriteProtocolVersion(uint32_t version) {
  if (!ReadsProtocol(version))
    return Status::Invalid("protocol " + std::to_string(version) + " is not one this library reads (" +
                           std::to_string(kOldestProtocolVersion) + " to " + std::to_string(kProtocolVersion) + ")");
  g_write_protocol_version.store(version, std::memory_order_relaxed);
  return Status::Ok();
}

// The protocol this process writes: CM_PROTOCOL if set to a version it reads
// (else a warning and the default), else kDefaultWriteProtocolVersion.  Read
// once, on first use; a race between two first uses reads it twice, alike.
inline uint32_t WriteProtocolVersion() {
  uint32_t version = g_write_protocol_version.load(std::memory_order_relaxed);
  if (version != 0) return version;
  version = kDefaultWriteProtocolVersion;
  if (std::string setting = TextSetting("CM_PROTOCOL"); !setting.empty()) {
    const char* text = setting.c_str();
    char* end = nullptr;
    unsigned long asked = std::strtoul(text, &end, 10);
    if (*end == '\0' && asked <= kProtocolVersion && ReadsProtocol(static_cast<uint32_t>(asked)))
      version = static_cast<uint32_t>(asked);
    else
      CM_WARN("CM_PROTOCOL=%s: this library (libCm-zmq %s) writes protocols %u to %u; writing %u", text,
              LibraryVersion(), kOldestProtocolVersion, kProtocolVersion, version);
  }
  g_write_protocol_version.store(version, std::memory_order_relaxed);
  return version;
}

}  // namespace cm

#endif
