#include "logs.h"

#include <dirent.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace soak {
namespace {

// The text between `open` and `close` after `from` in `line`, or "".
std::string Between(const std::string& line, size_t from, const char* open, const char* close) {
  size_t a = line.find(open, from);
  if (a == std::string::npos) return "";
  a += std::strlen(open);
  size_t b = line.find(close, a);
  return b == std::string::npos ? "" : line.substr(a, b - a);
}

// A library line: "<UTC time> cm[NAME PID] LEVEL: TEXT" (docs/operations.md,
// "Logs"; without the time before issue 19).
bool IsLibraryLine(const std::string& line) {
  if (line.compare(0, 3, "cm[") == 0) return true;
  size_t space = line.find(' ');
  return space != std::string::npos && line.compare(space + 1, 3, "cm[") == 0;
}

// A library line: the parts the check uses.
void ReadLibraryLine(const std::string& line, Incarnation* inc) {
  size_t at;
  if ((at = line.find("] info: registered as '")) != std::string::npos) {
    inc->address = Between(line, at, "' at ", " in domain");
  } else if ((at = line.find("] warning: messages ")) != std::string::npos) {
    Warning w;
    char to[128], address[256];
    if (std::sscanf(line.c_str() + at, "] warning: messages %ld..%ld to '%127[^']' (%255[^)]) may be lost", &w.first,
                    &w.last, to, address) == 4) {
      w.to = to;
      w.address = address;
      inc->warnings.push_back(w);
    }
  } else if ((at = line.find("] warning: lost ")) != std::string::npos) {
    unsigned long n;
    if (std::sscanf(line.c_str() + at, "] warning: lost %lu message", &n) == 1) inc->gaps += n;
  }
}

void ReadProcessLog(const std::string& path, Incarnation* inc) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (IsLibraryLine(line)) {
      ReadLibraryLine(line, inc);
      continue;
    }
    long long t;
    char kind[8], who[64];
    long seq;
    int pid;
    if (std::sscanf(line.c_str(), "%lld %7s", &t, kind) != 2) continue;
    std::string k = kind;
    if (k == "S" || k == "F" || k == "R") inc->active.push_back(t);
    if (k == "S" && std::sscanf(line.c_str(), "%*d %*s %63s %ld", who, &seq) == 2)
      inc->sends[who].push_back(Send{seq, t});
    else if (k == "F")
      ++inc->refused;
    else if (k == "R" && std::sscanf(line.c_str(), "%*d %*s %63s %d %ld", who, &pid, &seq) == 3)
      inc->received[{who, pid}].push_back(seq);
    else if (k == "READY")
      inc->ready = true;
    else if (k == "END")
      inc->ended = true;
  }
}

}  // namespace

bool ReadRun(const std::string& dir, Run* run, std::string* error) {
  std::ifstream harness(dir + "/harness.log");
  if (!harness) {
    *error = "no " + dir + "/harness.log";
    return false;
  }
  std::map<std::pair<std::string, int>, size_t> index;  // (name, gen) -> incarnation
  std::string line;
  while (std::getline(harness, line)) {
    std::istringstream words(line);
    long long t;
    std::string kind, name;
    int gen = 0, pid = 0;
    if (!(words >> t >> kind)) continue;
    if (kind == "BEGIN") {
      run->t0 = t;
      std::getline(words, run->begin);
    } else if (kind == "START" && words >> name >> gen >> pid) {
      index[{name, gen}] = run->incarnations.size();
      Incarnation inc;
      inc.name = name;
      inc.gen = gen;
      inc.pid = pid;
      inc.started = t;
      run->incarnations.push_back(std::move(inc));
    } else if (kind == "KILL" && words >> name >> gen >> pid) {
      auto it = index.find({name, gen});
      if (it != index.end()) run->incarnations[it->second].killed = t;
      ++run->kills;
    } else if (kind == "NSSTART") {
      ++run->ns_starts;
    } else if (kind == "NSKILL") {
      ++run->ns_kills;
    } else if (kind == "CALM") {
      run->calm = t;
    } else if (kind == "STOP") {
      run->stop = t;
    } else if (kind == "DONE") {
      run->done = t;
    } else if (kind == "FAIL") {
      std::string text;
      std::getline(words, text);
      run->failures.push_back(text);
    }
  }
  for (Incarnation& inc : run->incarnations)
    ReadProcessLog(dir + "/" + inc.name + "." + std::to_string(inc.gen) + ".log", &inc);
  for (size_t i = 0; i < run->incarnations.size(); ++i) run->by_name[run->incarnations[i].name].push_back(i);
  for (auto& [name, list] : run->by_name)
    std::sort(list.begin(), list.end(),
              [run](size_t a, size_t b) { return run->incarnations[a].gen < run->incarnations[b].gen; });
  return true;
}

}  // namespace soak
