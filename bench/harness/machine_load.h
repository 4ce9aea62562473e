// What the machine is doing besides us.  CPU: /proc/stat's busy time for the
// whole machine minus the CPU time of this process and its reaped children
// (getrusage); a run on a machine shared with compilers says so in its
// report.  TCP: the kernel's counters (/proc/net/netstat), e.g. how many
// connections a full listen queue dropped.
#ifndef CM_BENCH_HARNESS_MACHINE_LOAD_H
#define CM_BENCH_HARNESS_MACHINE_LOAD_H

namespace bench {

struct CpuSample {
  double wall_s = 0;   // steady clock
  double busy_s = 0;   // all CPUs: user, nice, system, irq, softirq
  double steal_s = 0;  // time the hypervisor gave to other guests
  double ours_s = 0;   // this process and its reaped children, user + system
};

CpuSample SampleCpu();

// Over the interval between two samples.
struct CpuLoad {
  double seconds = 0;
  double others_cpu_s = 0;  // CPU-seconds used by processes that are not ours
  double steal_cpu_s = 0;
  double others_share = 0;  // others_cpu_s / (seconds x CPUs)
};
CpuLoad LoadBetween(const CpuSample& a, const CpuSample& b, long cpus);

// A TcpExt counter of /proc/net/netstat (e.g. "ListenOverflows"), for the
// whole machine since boot; -1 if absent.
long TcpExtCounter(const char* name);

}  // namespace bench

#endif
