// Child processes of the benchmark driver: start (posix_spawn), read their
// stdout line by line, measure their memory, stop them.
//
// Every child started here is remembered; KillAll() (called at exit and on
// SIGINT/SIGTERM by InstallCleanup) kills whatever is still running.  Peers
// also call DieWithParent() so that nothing outlives a crashed driver.
#ifndef CM_BENCH_HARNESS_PROCESS_H
#define CM_BENCH_HARNESS_PROCESS_H

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

namespace bench {

class Child {
 public:
  enum class Output { kPipe, kDiscard };

  Child() = default;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  Child(Child&& other) noexcept { *this = std::move(other); }
  Child& operator=(Child&& other) noexcept;
  ~Child();  // Stop()

  // Starts `argv` (argv[0] is a path, or a name looked up in PATH); false (and a
  // message on stderr) on failure.
  // stdin_fd >= 0 becomes the child's standard input (else it inherits ours).
  bool Start(const std::vector<std::string>& argv, Output output, int stdin_fd = -1);
  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0; }

  // The next line of the child's stdout without its newline; false on
  // timeout or end of file.
  bool ReadLine(std::string* line, int timeout_ms);
  // Reads lines until one starts with `prefix`; returns the rest of it.
  bool WaitFor(const std::string& prefix, std::string* rest, int timeout_ms);

  // Waits for the child to exit by itself; its exit status (-1 if killed).
  int Join();
  // True (and reaped) if the child has exited; never waits.
  bool Exited();
  // SIGKILL without waiting (Stop() reaps).
  void Kill();
  // SIGTERM, then SIGKILL if still running after 10 s; reaps.  Nothing when
  // not running.
  void Stop();

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  std::string buffer_;
};

// Kills and reaps every child started by this process that is still running.
void KillAll();
// KillAll at exit and on SIGINT / SIGTERM (then exits with 130 / 143).
void InstallCleanup();

// Called first thing by a peer: SIGKILL when the driver that started us dies.
void DieWithParent();

// Fields of /proc/<pid>/status, in kB (VmRSS, RssAnon, RssFile); -1 if unreadable.
long StatusKb(pid_t pid, const char* field);

// User + system CPU time of a process, all its threads, so far (/proc/<pid>/stat,
// in clock ticks of 10 ms); pid 0: this process.  -1 if unreadable.
double CpuSeconds(pid_t pid);

// Time on a CPU of a running process, all its threads, so far, in seconds
// to the nanosecond (/proc/<pid>/task/*/schedstat), and time its threads
// spent runnable but waiting for a CPU; pid 0: this process.  Both -1 if
// unreadable.  Precise where CpuSeconds is not: 500 processes' clock ticks,
// each rounded down, would under-count by seconds.
struct TaskTimes {
  double on_cpu_s = -1, waiting_s = -1;
  long runs = -1;  // times a thread was put on a CPU: its wake-ups, and preemptions
  double main_on_cpu_s = -1;  // the part of on_cpu_s of the main thread (the program's)
};
TaskTimes TaskCpu(pid_t pid);
// User + system CPU time of this process's children reaped so far (every
// thread; getrusage RUSAGE_CHILDREN, in µs resolution), in ms.
double ChildrenCpuMs();

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

}  // namespace bench

#endif
