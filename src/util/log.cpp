// Log: the level (CM_LOG), the line's format, and where lines go (stderr,
// the journal, a file).  CM_LOG and CM_LOG_FILE are read here rather than
// through util/settings.h: a setting's warning is itself a log line.
#include "util/log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>

namespace cm {
namespace log_internal {
std::atomic<int> g_level{kUnresolved};
}  // namespace log_internal

namespace {

using log_internal::g_level;
using log_internal::kUnresolved;

constexpr int kFileCheckSeconds = 1;  // how often a log file's path is checked for a new file

struct LevelName {
  const char* name;
  LogLevel level;
};
// What CM_LOG accepts, in any case.
constexpr LevelName kLevelNames[] = {{"error", LogLevel::kError}, {"warn", LogLevel::kWarn},
                                     {"warning", LogLevel::kWarn}, {"info", LogLevel::kInfo},
                                     {"debug", LogLevel::kDebug}, {"trace", LogLevel::kTrace}};
// Per level: its name in CM_LOG, the label in a line and the syslog priority journald reads.
constexpr const char* kSettingNames[] = {"error", "warn", "info", "debug", "trace"};
constexpr const char* kLabels[] = {"error", "warning", "info", "debug", "trace"};
constexpr int kSyslogPriorities[] = {3, 4, 6, 7, 7};

std::mutex g_mutex;  // the name server's and tools' threads may log too
std::string g_name = program_invocation_short_name;  // until the program names itself
int g_default = static_cast<int>(LogLevel::kWarn);
int g_forced = -1;           // SetLogLevel, over CM_LOG
bool g_warned_level = false;  // a bad CM_LOG is said once per process

// Where lines go.  Decided at the first line: a program may redirect stderr
// before it.
enum class Sink { kUndecided, kStderr, kJournal, kFile };
Sink g_sink = Sink::kUndecided;
int g_file_fd = -1;
std::string g_file_path;
dev_t g_file_dev = 0;
ino_t g_file_ino = 0;
time_t g_file_checked = 0;  // CLOCK_MONOTONIC_COARSE seconds of the last check

// JOURNAL_STREAM is "<device>:<inode>" of the stream systemd connected
// stderr to; stderr may since have been redirected elsewhere.
bool StderrIsJournal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long dev = 0, ino = 0;
  char extra;
  if (std::sscanf(stream, "%llu:%llu%c", &dev, &ino, &extra) != 2) return false;
  struct stat info;
  if (fstat(STDERR_FILENO, &info) != 0) return false;
  return static_cast<unsigned long long>(info.st_dev) == dev && static_cast<unsigned long long>(info.st_ino) == ino;
}

void WriteAll(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;  // nowhere else to say it
    data += n;
    size -= static_cast<size_t>(n);
  }
}

// Opens g_file_path; with g_mutex held.  On failure, the file in use (if
// any) stays.
Status OpenFileLocked() {
  int fd = open(g_file_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Unavailable("cannot open log file " + g_file_path + ": " + std::strerror(errno));
  struct stat info;
  fstat(fd, &info);
  if (g_file_fd >= 0) close(g_file_fd);
  g_file_fd = fd;
  g_file_dev = info.st_dev;
  g_file_ino = info.st_ino;
  g_sink = Sink::kFile;
  return Status::Ok();
}

time_t MonotonicSeconds() {
  timespec now;
  clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return now.tv_sec;
}

// logrotate renames the file (or removes it): the next line after that, at
// most a second later, goes to a new file at the path.  A truncated file
// (copytruncate) needs nothing: lines are appended.
void ReopenIfMovedLocked() {
  time_t now = MonotonicSeconds();
  if (now - g_file_checked < kFileCheckSeconds) return;
  g_file_checked = now;
  struct stat info;
  if (stat(g_file_path.c_str(), &info) == 0 && info.st_dev == g_file_dev && info.st_ino == g_file_ino) return;
  OpenFileLocked();  // failing, lines go on to the moved file
}

// "2026-12-06T05:07:16.123456Z "
size_t FormatTime(char* out, size_t size) {
  timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  tm utc;
  gmtime_r(&now.tv_sec, &utc);
  size_t n = std::strftime(out, size, "%Y-%m-%dT%H:%M:%S", &utc);
  int m = std::snprintf(out + n, size - n, ".%06ldZ ", static_cast<long>(now.tv_nsec / 1000));
  return n + static_cast<size_t>(m > 0 ? m : 0);
}

// One whole line for the sink in use, with g_mutex held; its length.
size_t FormatLineLocked(int level, const char* text, char* line, size_t size) {
  size_t n = 0;
  if (g_sink == Sink::kJournal)
    n = static_cast<size_t>(std::snprintf(line, size, "<%d>", kSyslogPriorities[level]));
  else
    n = FormatTime(line, size);
  int m = std::snprintf(line + n, size - n, "cm[%s %d] %s: %s\n", g_name.c_str(), static_cast<int>(getpid()),
                        kLabels[level], text);
  n = std::min(size - 1, n + static_cast<size_t>(m > 0 ? m : 0));
  line[n - 1] = '\n';  // a cut line still ends
  return n;
}

// With g_mutex held.
void DecideSinkLocked() {
  if (g_sink != Sink::kUndecided) return;
  g_sink = StderrIsJournal() ? Sink::kJournal : Sink::kStderr;
  const char* path = std::getenv("CM_LOG_FILE");
  if (path != nullptr && *path != '\0') {
    g_file_path = path;
    Status s = OpenFileLocked();
    if (!s.ok()) {
      g_file_path.clear();
      std::string text = "CM_LOG_FILE: " + s.message() + ": logging to stderr";
      char line[1200];
      WriteAll(STDERR_FILENO, line,
               FormatLineLocked(static_cast<int>(LogLevel::kWarn), text.c_str(), line, sizeof line));
    }
  }
}

}  // namespace

bool ParseLogLevel(const std::string& text, LogLevel* level) {
  for (const LevelName& l : kLevelNames)
    if (strcasecmp(text.c_str(), l.name) == 0) {
      *level = l.level;
      return true;
    }
  return false;
}

const char* LogLevelNames() { return "error, warn, info, debug, trace"; }

namespace log_internal {

bool Enabled(LogLevel level) {
  int resolved;
  std::string bad;  // a CM_LOG to warn about, once the lock is released
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    resolved = g_level.load(std::memory_order_relaxed);
    if (resolved == kUnresolved) {
      resolved = g_forced >= 0 ? g_forced : g_default;
      const char* env = std::getenv("CM_LOG");
      LogLevel parsed;
      if (g_forced < 0 && env != nullptr && *env != '\0') {
        if (ParseLogLevel(env, &parsed))
          resolved = static_cast<int>(parsed);
        else if (!g_warned_level)
          bad = env, g_warned_level = true;
      }
      g_level.store(resolved, std::memory_order_relaxed);
    }
  }
  if (!bad.empty()) {
    // Whatever the level: it is the level's own setting that is wrong.
    Log(LogLevel::kWarn, "CM_LOG='%s' is not a log level (%s, in any case): using %s", bad.c_str(),
        LogLevelNames(), kSettingNames[resolved]);
  }
  return static_cast<int>(level) <= resolved;
}

}  // namespace log_internal

void SetDefaultLogLevel(LogLevel level) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_default = static_cast<int>(level);
  g_level.store(kUnresolved, std::memory_order_relaxed);
}

void SetLogLevel(LogLevel level) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_forced = static_cast<int>(level);
  g_level.store(kUnresolved, std::memory_order_relaxed);
}

void SetLogName(const std::string& name) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_name = name;
}

Status SetLogFile(const std::string& path) {
  std::lock_guard<std::mutex> lock(g_mutex);
  std::string previous = g_file_path;
  g_file_path = path;
  Status s = OpenFileLocked();
  if (!s.ok()) g_file_path = previous;
  return s;
}

Status ReopenLogFile() {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_file_path.empty()) return Status::Ok();
  return OpenFileLocked();
}

std::string LogFilePath() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_file_path;
}

void Log(LogLevel level, const char* format, ...) {
  char text[2048];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  char line[2300];
  std::lock_guard<std::mutex> lock(g_mutex);
  DecideSinkLocked();
  size_t n = FormatLineLocked(static_cast<int>(level), text, line, sizeof line);
  if (g_sink == Sink::kFile) {
    ReopenIfMovedLocked();
    WriteAll(g_file_fd, line, n);
  } else {
    WriteAll(STDERR_FILENO, line, n);
  }
}

}  // namespace cm
