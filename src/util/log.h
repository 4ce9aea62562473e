// Log: one line per event, for the operator (docs/operations.md, "Logs").
//
//   2026-12-06T05:07:16.123456Z cm[<who> <pid>] <level>: <text>
//
// The time is UTC (to the microsecond); <who> is the process's Cm name (its
// automatic one, "CmNameServer", "cm", ...); <level> is error, warning,
// info, debug or trace.  Lines go to stderr, or to a log file (CM_LOG_FILE,
// SetLogFile).  When stderr is the systemd journal (JOURNAL_STREAM names
// stderr's device and inode, as sd_journal documents), a line starts with
// the syslog priority journald reads instead of the time, which journald adds:
//
//   <6>cm[<who> <pid>] info: <text>
//
// The level comes from CM_LOG (error, warn, info, debug, trace; in any case;
// "warning" too); a value it is not is said in one warning line.  Programs set
// a default (the name server logs info, the library warnings only).  debug
// traces connections and registrations; trace also every message sent and
// received.
//
// Cost when a level is off: CM_DEBUG(...) and CM_TRACE(...) compare the level
// with one cached integer (one predictable branch); the arguments are not
// evaluated.
#ifndef CM_UTIL_LOG_H
#define CM_UTIL_LOG_H

#include <atomic>
#include <climits>
#include <string>

#include "util/status.h"

namespace cm {

enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3, kTrace = 4 };

// Reads a level's name in any case ("Warn", "WARNING", "debug"); false if it
// is none.
bool ParseLogLevel(const std::string& text, LogLevel* level);
// "error, warn, info, debug, trace": for messages.
const char* LogLevelNames();

// Default used when CM_LOG is unset (or not a level).
void SetDefaultLogLevel(LogLevel level);
// Replaces CM_LOG and the default (the name server's --log-level).
void SetLogLevel(LogLevel level);
// Name shown in every line (the process's Cm name once it has one).
void SetLogName(const std::string& name);

// Lines go to `path` (appended; created 0644) from now on instead of
// stderr.  The file is reopened when it is moved away (checked at most once
// a second, when a line is written: logrotate's rename needs no signal in a
// library process) and by ReopenLogFile.  An error leaves lines on stderr.
Status SetLogFile(const std::string& path);
// Opens the log file's path again (after SIGHUP in the name server).
Status ReopenLogFile();
// The log file's path, or "" for stderr.
std::string LogFilePath();

namespace log_internal {
// The level in effect; kUnresolved (above every level) until CM_LOG has
// been read, so that the first check goes to Enabled(), which reads it.
constexpr int kUnresolved = INT_MAX;
extern std::atomic<int> g_level;
bool Enabled(LogLevel level);  // resolves the level first
}  // namespace log_internal

inline bool LogEnabled(LogLevel level) {
  // A relaxed load is a plain load; for a level that is off, the first test
  // decides.
  int current = log_internal::g_level.load(std::memory_order_relaxed);
  return static_cast<int>(level) <= current && (current != log_internal::kUnresolved || log_internal::Enabled(level));
}

void Log(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

#define CM_LOG(level, ...)                                          \
  do {                                                              \
    if (__builtin_expect(::cm::LogEnabled(level), 0)) ::cm::Log(level, __VA_ARGS__); \
  } while (0)
#define CM_ERROR(...) CM_LOG(::cm::LogLevel::kError, __VA_ARGS__)
#define CM_WARN(...) CM_LOG(::cm::LogLevel::kWarn, __VA_ARGS__)
#define CM_INFO(...) CM_LOG(::cm::LogLevel::kInfo, __VA_ARGS__)
#define CM_DEBUG(...) CM_LOG(::cm::LogLevel::kDebug, __VA_ARGS__)
#define CM_TRACE(...) CM_LOG(::cm::LogLevel::kTrace, __VA_ARGS__)

}  // namespace cm

#endif
