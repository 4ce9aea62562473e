// BridgeConfig: whether this process runs in migration mode, and how its
// legacy companion is to be started (docs/migration.md, "Turning it on").
//
// Migration mode is OFF unless CM_LEGACY_LIBRARY names the site's legacy
// libcm.so.  The other settings only shape the companion's environment (the
// legacy library reads CMDOMAIN etc. itself); this process keeps its own.
// A value that cannot be used is logged as a warning, never silently ignored.
#ifndef CM_MIGRATION_BRIDGE_CONFIG_H
#define CM_MIGRATION_BRIDGE_CONFIG_H

#include <string>
#include <vector>

namespace cm {

struct BridgeConfig {
  bool enabled = false;
  std::string library;       // CM_LEGACY_LIBRARY: the legacy libcm.so to dlopen()
  std::string domain;        // CM_LEGACY_DOMAIN: the legacy CMDOMAIN ("": this process's CMDOMAIN)
  std::string domains_file;  // CM_LEGACY_DOMAINS_FILE: the legacy CmDomains table ("": the same lookup as ours)
  std::string nameserver;    // CM_LEGACY_NAMESERVER: CM_NAMESERVER for the legacy side (the stand-in only)
  std::string companion;     // CM_LEGACY_COMPANION: the companion binary ("": searched, see FindCompanion)
  // The companion's legacy wait slice (CM_LEGACY_SLICE_MS=min-max): short
  // while traffic flows, doubling up to max while idle.  It bounds how long
  // a request from this process waits for the companion's attention.
  int slice_min_ms = 1;
  int slice_max_ms = 20;
  // For this long after anything crossed, the companion is hot: it waits
  // 0.1 ms on each side in turn instead of a slice (CM_LEGACY_HOT_MS; 0: never).
  int hot_ms = 20;
  int start_timeout_ms = 10000;  // for the companion's hello (it loads the library, probes the name server)

  // Reads the variables above; logs a warning for each value it cannot use.
  static BridgeConfig FromEnvironment();
};

// The companion's environment: ours, minus what belongs to this process's
// own domain (CM_NAMESERVER, CM_SECRET, CM_LEGACY_*), plus the legacy
// domain's settings.  `extra` ("K=V") is appended.
std::vector<std::string> CompanionEnvironment(const BridgeConfig& config, const std::vector<std::string>& extra);

// The companion binary: $CM_LEGACY_COMPANION (config.companion), else
// cm-legacy-companion beside the object holding this code, in its bin/ or
// ../bin/ or ../libexec/, or beside this executable.  "" if none; `looked`
// lists where it looked.
std::string FindCompanion(const BridgeConfig& config, std::string* looked);

}  // namespace cm

#endif
