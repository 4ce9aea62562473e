// cm watch: cm names and cm connects again every few seconds, redrawn in
// place on a terminal, until Ctrl-C (or --count refreshes, for scripts).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <ctime>
#include <thread>
#include <vector>

#include "commands.h"
#include "directory.h"
#include "output.h"

namespace cmtool {
namespace {

const CommandHelp kWatchHelp = {
    "watch", "cm watch [PATTERN] [--interval SECONDS] [--count N] [--domain NAME]",
    "Show the registered processes (as cm names) and who sends to whom (as cm\n"
    "connects), refreshed every --interval seconds (default 2) until Ctrl-C.\n"
    "On a terminal each refresh redraws the screen; otherwise the refreshes\n"
    "follow each other, a blank line between.  PATTERN (a shell glob, quoted)\n"
    "keeps the names it matches.  --count N stops after N refreshes.  Two\n"
    "requests to the name server per refresh; one it does not answer is said\n"
    "on the screen, and asked again at the next (exit 4 if the last was).",
    "  cm watch\n"
    "  cm watch 'Daq*' --interval 1\n"
    "  cm watch --count 1 > snapshot.txt\n"};

volatile std::sig_atomic_t g_stop = 0;
void OnStopSignal(int) { g_stop = 1; }

// Sleeps `seconds`, or less if Ctrl-C comes.
void Pause(double seconds) {
  using Clock = std::chrono::steady_clock;
  auto until = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (auto now = Clock::now(); !g_stop && now < until; now = Clock::now())
    std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::milliseconds(50), until - now));
}

}  // namespace

int RunWatch(const Args& args) {
  CommandLine cli(kWatchHelp);
  cli.AddPositional("pattern", "a name pattern");
  cli.options.add_options()
      ("interval", po::value<double>()->default_value(2)->value_name("SECONDS"), "time between refreshes")
      ("count", po::value<long>()->value_name("N"), "stop after N refreshes");
  if (!cli.Parse(args)) return kExitOk;
  double interval = cli.vm["interval"].as<double>();
  if (!(interval >= 0.1 && interval <= 3600)) Fail(kExitUsage, "watch: --interval must be from 0.1 to 3600 seconds");
  long count = cli.Has("count") ? cli.vm["count"].as<long>() : 0;
  if (cli.Has("count") && count < 1) Fail(kExitUsage, "watch: --count must be at least 1");
  NameFilter filter;
  if (cli.Has("pattern")) filter.pattern = cli.vm["pattern"].as<std::string>();
  cm::DomainConfig domain = cli.Domain();
  bool terminal = isatty(STDOUT_FILENO) == 1;
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  int status = kExitOk;
  for (long refresh = 1; !g_stop; ++refresh) {
    // Both asked before anything is drawn: the screen is never half old.
    // A name server that does not answer is said on the screen, and asked
    // again at the next refresh: watching is for when things go wrong.
    std::vector<cm::NameRecord> names;
    std::vector<cm::ConnectRecord> connects;
    std::string trouble;
    try {
      names = FetchNames(domain, filter);
      connects = FetchConnects(domain, filter);
      status = kExitOk;
    } catch (const Failure& failure) {
      trouble = failure.what();
      status = failure.code();
    }
    time_t now = std::time(nullptr);
    char clock[16];
    std::strftime(clock, sizeof clock, "%H:%M:%S", std::localtime(&now));
    if (terminal) std::printf("\x1b[H\x1b[2J");  // cursor home, clear the screen
    else if (refresh > 1) std::printf("\n");
    std::printf("cm watch: domain %s, %s, every %g s%s%s; Ctrl-C to stop\n\n", Printable(domain.name).c_str(), clock,
                interval, filter.pattern.empty() ? "" : ", names ", Printable(filter.pattern).c_str());
    if (!trouble.empty()) {
      std::printf("cm: %s\n", Printable(trouble).c_str());
    } else {
      PrintNames(names, static_cast<int64_t>(now));
      std::printf("\n");
      PrintConnects(connects);
    }
    std::fflush(stdout);
    if (count > 0 && refresh >= count) break;
    Pause(interval);
  }
  return status;  // the last refresh's: 4 if the name server did not answer it
}

}  // namespace cmtool
