#include "util/log.h"

#include <unistd.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace cm {
namespace {

std::mutex g_mutex;  // the name server's and tools' threads may log too
std::string g_name = "-";
int g_default = static_cast<int>(LogLevel::kWarn);
int g_level = -1;  // resolved lazily from CM_LOG

int Level() {
  if (g_level >= 0) return g_level;
  const char* env = std::getenv("CM_LOG");
  int level = g_default;
  if (env != nullptr) {
    static const char* const kNames[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; ++i)
      if (std::strcmp(env, kNames[i]) == 0) level = i;
  }
  g_level = level;
  return level;
}

}  // namespace

void SetDefaultLogLevel(LogLevel level) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_default = static_cast<int>(level);
  g_level = -1;
}

void SetLogName(const std::string& name) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_name = name;
}

bool LogEnabled(LogLevel level) { return static_cast<int>(level) <= Level(); }

void Log(LogLevel level, const char* format, ...) {
  static const char* const kLabels[] = {"error", "warning", "info", "debug"};
  char text[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  std::lock_guard<std::mutex> lock(g_mutex);
  std::fprintf(stderr, "cm[%s %d] %s: %s\n", g_name.c_str(), static_cast<int>(getpid()),
               kLabels[static_cast<int>(level)], text);
}

}  // namespace cm
