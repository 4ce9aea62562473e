// Log: one line per event on stderr, "cm[<who> <pid>] <level>: <text>".
// The level comes from CM_LOG (error, warn, info, debug); programs may set a
// default (the name server logs info, the library warnings only).
#ifndef CM_UTIL_LOG_H
#define CM_UTIL_LOG_H

#include <string>

namespace cm {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

// Default used when CM_LOG is unset.
void SetDefaultLogLevel(LogLevel level);
// Name shown in every line (the process's Cm name once it has one).
void SetLogName(const std::string& name);
bool LogEnabled(LogLevel level);
void Log(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

#define CM_LOG(level, ...)                                  \
  do {                                                      \
    if (::cm::LogEnabled(level)) ::cm::Log(level, __VA_ARGS__); \
  } while (0)
#define CM_ERROR(...) CM_LOG(::cm::LogLevel::kError, __VA_ARGS__)
#define CM_WARN(...) CM_LOG(::cm::LogLevel::kWarn, __VA_ARGS__)
#define CM_INFO(...) CM_LOG(::cm::LogLevel::kInfo, __VA_ARGS__)
#define CM_DEBUG(...) CM_LOG(::cm::LogLevel::kDebug, __VA_ARGS__)

}  // namespace cm

#endif
