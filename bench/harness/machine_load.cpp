#include "harness/machine_load.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace bench {
namespace {

double Seconds(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; }

}  // namespace

CpuSample SampleCpu() {
  CpuSample s;
  s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  std::ifstream in("/proc/stat");
  std::string cpu;
  // cpu  user nice system idle iowait irq softirq steal ...
  double user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  double tick = static_cast<double>(sysconf(_SC_CLK_TCK));
  s.busy_s = (user + nice + system + irq + softirq) / tick;
  s.steal_s = steal / tick;
  rusage self{}, children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  s.ours_s = Seconds(self.ru_utime) + Seconds(self.ru_stime) + Seconds(children.ru_utime) + Seconds(children.ru_stime);
  return s;
}

CpuLoad LoadBetween(const CpuSample& a, const CpuSample& b, long cpus) {
  CpuLoad l;
  l.seconds = b.wall_s - a.wall_s;
  l.others_cpu_s = (b.busy_s - a.busy_s) - (b.ours_s - a.ours_s);
  if (l.others_cpu_s < 0) l.others_cpu_s = 0;  // tick granularity
  l.steal_cpu_s = b.steal_s - a.steal_s;
  if (l.seconds > 0 && cpus > 0) l.others_share = l.others_cpu_s / (l.seconds * static_cast<double>(cpus));
  return l;
}

long TcpExtCounter(const char* name) {
  // Pairs of lines: "TcpExt: Name1 Name2 ..." then "TcpExt: value1 value2 ...".
  std::ifstream in("/proc/net/netstat");
  std::string names, values;
  while (std::getline(in, names) && std::getline(in, values)) {
    if (names.compare(0, 7, "TcpExt:") != 0) continue;
    std::istringstream n(names), v(values);
    std::string key, value;
    while (n >> key && v >> value)
      if (key == name) return std::atol(value.c_str());
  }
  return -1;
}

}  // namespace bench
