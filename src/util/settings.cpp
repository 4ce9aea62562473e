#include "util/settings.h"

#include <strings.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <set>

#include "util/log.h"

namespace cm {
namespace {

std::mutex g_mutex;
std::set<std::string> g_warned;  // "NAME=value" already said

const char* Value(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

struct SwitchWord {
  const char* word;
  bool on;
};
constexpr SwitchWord kSwitchWords[] = {{"1", true},   {"on", true},  {"yes", true}, {"true", true},
                                       {"0", false},  {"off", false}, {"no", false}, {"false", false}};

}  // namespace

void WarnSetting(const char* name, const std::string& value, const std::string& problem, const std::string& instead) {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_warned.insert(std::string(name) + "=" + value).second) return;
  }
  CM_WARN("%s='%s' %s: %s", name, value.c_str(), problem.c_str(), instead.c_str());
}

std::string FormatSettingNumber(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

std::string TextSetting(const char* name) {
  const char* v = Value(name);
  return v != nullptr ? v : "";
}

bool SettingIsSet(const char* name) { return std::getenv(name) != nullptr; }

std::string CheckedTextSetting(const char* name, bool (*valid)(const std::string&), const char* expected,
                               const char* instead) {
  std::string v = TextSetting(name);
  if (v.empty() || valid(v)) return v;
  WarnSetting(name, v, std::string("is not ") + expected, instead);
  return "";
}

double PositiveNumberSetting(const char* name, const char* unit, double fallback, double min, double max) {
  const char* text = Value(name);
  if (text == nullptr) return fallback;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(text, &end);
  if (end == text || *end != '\0' || errno != 0 || !std::isfinite(v) || !(v > 0)) {
    WarnSetting(name, text, std::string("is not a positive number of ") + unit,
                "using " + FormatSettingNumber(fallback));
    return fallback;
  }
  if (v < min || v > max) {
    double bound = v < min ? min : max;
    WarnSetting(name, text, std::string("is ") + (v < min ? "less" : "more") + " than " + FormatSettingNumber(bound) +
                                " " + unit,
                "using " + FormatSettingNumber(bound));
    return bound;
  }
  return v;
}

long IntegerSetting(const char* name, const char* unit, long fallback, long min, long max) {
  const char* text = Value(name);
  if (text == nullptr) return fallback;
  char* end = nullptr;
  errno = 0;
  long v = std::strtol(text, &end, 10);
  if (end == text || *end != '\0' || errno != 0 || v < min || v > max) {
    WarnSetting(name, text,
                "is not a whole number of " + std::string(unit) + " from " + std::to_string(min) + " to " +
                    std::to_string(max),
                "using " + std::to_string(fallback));
    return fallback;
  }
  return v;
}

bool SwitchSetting(const char* name, bool fallback) {
  const char* text = Value(name);
  if (text == nullptr) return fallback;
  for (const SwitchWord& w : kSwitchWords)
    if (strcasecmp(text, w.word) == 0) return w.on;
  WarnSetting(name, text, "is not 0 or 1 (off/on, no/yes, false/true)",
              std::string("using ") + (fallback ? "1 (on)" : "0 (off)"));
  return fallback;
}

}  // namespace cm
