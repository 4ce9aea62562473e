#include "bridge_config.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "naming/domain.h"
#include "util/log.h"
#include "util/settings.h"

extern char** environ;

namespace cm {
namespace {

// "" when unset; a set-but-empty variable is a mistake worth saying.
std::string Setting(const char* name) {
  std::string v = TextSetting(name);
  if (v.empty() && SettingIsSet(name)) CM_WARN("%s is set but empty: ignored", name);
  return v;
}

bool ParseSlice(const std::string& text, int* lo, int* hi) {
  char* end = nullptr;
  long a = std::strtol(text.c_str(), &end, 10), b = a;
  if (end == text.c_str()) return false;
  if (*end == '-') {
    const char* rest = end + 1;
    b = std::strtol(rest, &end, 10);
    if (end == rest) return false;
  }
  if (*end != '\0' || a < 1 || b < a || b > 1000) return false;
  *lo = static_cast<int>(a), *hi = static_cast<int>(b);
  return true;
}

std::string DirectoryOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

BridgeConfig BridgeConfig::FromEnvironment() {
  BridgeConfig c;
  std::string library = Setting("CM_LEGACY_LIBRARY");
  if (library.empty()) {
    // Off.  A legacy setting without the library is most likely a typo in a
    // start-up script: say so rather than run unbridged in silence.
    for (const char* name : {"CM_LEGACY_DOMAIN", "CM_LEGACY_DOMAINS_FILE", "CM_LEGACY_NAMESERVER", "CM_LEGACY_COMPANION",
                             "CM_LEGACY_SLICE_MS", "CM_LEGACY_HOT_MS"})
      if (SettingIsSet(name))
        CM_WARN("%s is set but CM_LEGACY_LIBRARY is not: migration mode is off, %s is not used", name, name);
    return c;
  }
  c.enabled = true;
  c.library = library;
  if (c.library[0] != '/')
    CM_WARN("CM_LEGACY_LIBRARY=%s is not an absolute path: the companion's dlopen() searches the library path for it",
            library.c_str());
  else if (access(library.c_str(), R_OK) != 0)
    CM_WARN("CM_LEGACY_LIBRARY=%s: %s: the legacy side cannot start", library.c_str(), std::strerror(errno));

  if (std::string domain = Setting("CM_LEGACY_DOMAIN"); !domain.empty()) {
    if (domain.find_first_of(" \t\n\r") != std::string::npos)
      CM_WARN("CM_LEGACY_DOMAIN='%s' holds white space: ignored, the legacy side uses CMDOMAIN", domain.c_str());
    else
      c.domain = domain;
  }
  if (std::string file = Setting("CM_LEGACY_DOMAINS_FILE"); !file.empty()) {
    c.domains_file = file;
    // Passed on all the same: the legacy library then says what it makes of it.
    if (access(file.c_str(), R_OK) != 0)
      CM_WARN("CM_LEGACY_DOMAINS_FILE=%s: %s: the legacy side will not find its domain there", file.c_str(),
              std::strerror(errno));
  }
  if (std::string ns = Setting("CM_LEGACY_NAMESERVER"); !ns.empty()) {
    std::vector<NameServerEndpoint> endpoints;
    Status s = ParseNameServerList(ns, &endpoints);
    if (s.ok())
      c.nameserver = ns;
    else
      CM_WARN("CM_LEGACY_NAMESERVER=%s: %s: ignored", ns.c_str(), s.message().c_str());
  }
  if (std::string companion = Setting("CM_LEGACY_COMPANION"); !companion.empty()) {
    c.companion = companion;
    if (access(companion.c_str(), X_OK) != 0)
      CM_WARN("CM_LEGACY_COMPANION=%s: %s: the legacy side cannot start", companion.c_str(), std::strerror(errno));
  }
  if (std::string slice = Setting("CM_LEGACY_SLICE_MS"); !slice.empty()) {
    if (!ParseSlice(slice, &c.slice_min_ms, &c.slice_max_ms))
      CM_WARN("CM_LEGACY_SLICE_MS=%s: not MIN-MAX milliseconds with 1 <= MIN <= MAX <= 1000: using %d-%d",
              slice.c_str(), c.slice_min_ms, c.slice_max_ms);
  }
  c.hot_ms = static_cast<int>(IntegerSetting("CM_LEGACY_HOT_MS", "milliseconds", c.hot_ms, 0, 10000));
  return c;
}

std::vector<std::string> CompanionEnvironment(const BridgeConfig& config, const std::vector<std::string>& extra) {
  auto dropped = [&](const std::string& entry) {
    std::string key = entry.substr(0, entry.find('='));
    if (key == "CM_NAMESERVER" || key == "CM_SECRET" || key.rfind("CM_LEGACY_", 0) == 0 || key == "CM_BRIDGE_TOKEN")
      return true;  // our own domain's, or ours alone: the legacy side must not see them
    if (key == "CMDOMAIN") return !config.domain.empty();
    if (key == "CMDOMAIN_DATABASE") return !config.domains_file.empty();
    return false;
  };
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e)
    if (!dropped(*e)) env.emplace_back(*e);
  if (!config.domain.empty()) env.push_back("CMDOMAIN=" + config.domain);
  if (!config.domains_file.empty()) env.push_back("CMDOMAIN_DATABASE=" + config.domains_file);
  if (!config.nameserver.empty()) env.push_back("CM_NAMESERVER=" + config.nameserver);
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::string FindCompanion(const BridgeConfig& config, std::string* looked) {
  looked->clear();
  if (!config.companion.empty()) {
    *looked = config.companion + " (CM_LEGACY_COMPANION)";
    return access(config.companion.c_str(), X_OK) == 0 ? config.companion : "";
  }
  std::vector<std::string> dirs;
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&FindCompanion), &info) != 0 && info.dli_fname != nullptr) {
    std::string here = DirectoryOf(info.dli_fname);
    dirs = {here, here + "/bin", here + "/../bin", here + "/../libexec"};
  }
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) dirs.push_back(DirectoryOf(std::string(exe, n)));
  for (const std::string& dir : dirs) {
    std::string path = dir + "/cm-legacy-companion";
    *looked += (looked->empty() ? "" : ", ") + path;
    if (access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

}  // namespace cm
