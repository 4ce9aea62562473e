// Logs: what a soak run did, read back from its directory.
//
//   harness.log        the harness's events, one per line after a CLOCK_MONOTONIC
//                      time in ms: BEGIN ..., NSSTART GEN PID, NSKILL GEN PID,
//                      START NAME GEN PID, KILL NAME GEN PID, CALM, STOP,
//                      FAIL TEXT (what the harness saw: a crash, a hang), DONE
//   NAME.GEN.log       one incarnation of process NAME (the lines are listed in
//                      soak_process.c), with the library's own log lines
//   ns.GEN.log         the name server's output
#ifndef CM_SOAK_LOGS_H
#define CM_SOAK_LOGS_H

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace soak {

struct Send {
  long seq;
  long long t;
};

// "messages FIRST..LAST to 'TO' (ADDRESS) may be lost": the library's report.
struct Warning {
  long first, last;
  std::string to, address;
};

struct Incarnation {
  std::string name;
  int gen = 0;
  int pid = 0;
  std::string address;                 // tcp://h:p#incarnation, from "registered as"
  long long started = -1, killed = -1;  // harness times; killed -1: not SIGKILLed
  bool ready = false, ended = false;   // registered; closed cleanly
  std::map<std::string, std::vector<Send>> sends;  // by target, in order
  uint64_t refused = 0;                // sends that returned 0
  std::vector<Warning> warnings;
  uint64_t gaps = 0;                   // messages a receiver saw missing ("lost N message(s) from")
  std::vector<long long> active;       // times of its own lines (S, F, R): it was running
  // What it handled, by (sender name, sender pid): seqs in order.
  std::map<std::pair<std::string, int>, std::vector<long>> received;
};

struct Run {
  std::vector<Incarnation> incarnations;
  std::map<std::string, std::vector<size_t>> by_name;  // indices, by generation
  std::string begin;  // the BEGIN line's settings
  long long t0 = 0, calm = -1, stop = -1, done = -1;
  int kills = 0, ns_starts = 0, ns_kills = 0;
  std::vector<std::string> failures;  // FAIL lines
};

// False (and why) when the directory cannot be read as a soak run.
bool ReadRun(const std::string& dir, Run* run, std::string* error);

}  // namespace soak

#endif
