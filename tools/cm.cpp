// cm: the command-line tool of a Cm domain.  One table of subcommands; each
// parses its own options (cli.h) and prints on stdout; every failure ends
// here as one line on stderr and an exit status (docs/cm.md).
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>

#include "commands.h"
#include "output.h"
#include "util/log.h"

namespace {

using cmtool::Args;

// One line, whatever the text holds.
// One line, whatever it quotes: names, hosts and reasons from the network
// are escaped (a newline as \n, an ESC as \x1b: output.h, Printable).
void PrintError(const char* text) { std::fprintf(stderr, "cm: %s\n", cmtool::Printable(text).c_str()); }

struct Command {
  const char* name;
  const char* alias;  // another name for it, or nullptr
  int (*run)(const Args& args);
  const char* summary;
};

const Command kCommands[] = {
    {"names", nullptr, cmtool::RunNames, "list the registered processes (host, pid, address, uptime)"},
    {"connects", "connections", cmtool::RunConnects, "who sends to whom, with message counts (--dot: a graph)"},
    {"send", nullptr, cmtool::RunSend, "send one message with items (-type T -i 1 -t text ...)"},
    {"request", nullptr, cmtool::RunRequest, "send a message, wait for the reply and print its items"},
    {"listen", nullptr, cmtool::RunListen, "print every message that arrives (optionally as a registered name)"},
    {"ping", nullptr, cmtool::RunPing, "check that a process answers; print the round-trip time"},
    {"info", nullptr, cmtool::RunInfo, "a process's pid, host, address, handlers and message counters"},
    {"kill", nullptr, cmtool::RunKill, "ask a process to close and exit; wait until it is gone"},
    {"nameserver", nullptr, cmtool::RunNameServer, "the name server: status, stop, cleanup"},
    {"secret", nullptr, cmtool::RunSecret, "create the domain's secret (a key file only members hold)"},
    {"version", nullptr, cmtool::RunVersion, "the version of cm (its library) and of the wire protocol"},
    {"abi-check", nullptr, cmtool::RunAbiCheck, "compare a legacy libcm.so and its headers with ours"},
};

const Command* Find(const char* name) {
  for (const Command& c : kCommands)
    if (std::strcmp(name, c.name) == 0 || (c.alias != nullptr && std::strcmp(name, c.alias) == 0)) return &c;
  return nullptr;
}

void PrintHelp() {
  std::printf(
      "Usage: cm COMMAND [options]\n\n"
      "Talk to the processes and the name server of a Cm domain ($CMDOMAIN, or --domain).\n\n"
      "Commands:\n");
  for (const Command& c : kCommands) {
    std::string name = c.name;
    if (c.alias != nullptr) name += std::string(" (") + c.alias + ")";
    std::printf("  %-26s %s\n", name.c_str(), c.summary);
  }
  std::printf(
      "\nEvery command takes --help (with examples) and --domain NAME.\n"
      "Exit status: 0 success, 1 failure (unknown name, refused), 2 bad usage,\n"
      "3 not taken or not answered in time, 4 name server not reachable.\n\n"
      "Examples:\n"
      "  cm names\n"
      "  cm send Daq -type SetRate -i 50\n"
      "  cm request Daq -type GetStatus --timeout 2\n"
      "  cm connects --dot | dot -Tpng > domain.png\n");
}

int Run(int argc, char** argv) {
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0 ||
      std::strcmp(argv[1], "-help") == 0 || std::strcmp(argv[1], "help") == 0) {
    if (argc >= 3 && std::strcmp(argv[1], "help") == 0 && Find(argv[2]) != nullptr)
      return Find(argv[2])->run({"--help"});
    PrintHelp();
    return argc < 2 ? cmtool::kExitUsage : cmtool::kExitOk;
  }
  if (std::strcmp(argv[1], "--version") == 0) return cmtool::RunVersion({});
  const Command* command = Find(argv[1]);
  if (command == nullptr)
    cmtool::Fail(cmtool::kExitUsage, std::string("unknown command '") + argv[1] + "' (try cm --help)");
  return command->run(Args(argv + 2, argv + argc));
}

}  // namespace

int main(int argc, char** argv) {
  // The library's warnings would add lines to cm's one-line errors; CM_LOG
  // (e.g. CM_LOG=warn) still shows them.
  cm::SetDefaultLogLevel(cm::LogLevel::kError);
  cm::SetLogName("cm");
  try {
    int status = Run(argc, argv);
    std::fflush(stdout);
    return status;
  } catch (const cmtool::Failure& failure) {
    std::fflush(stdout);
    PrintError(failure.what());
    return failure.code();
  } catch (const std::exception& e) {
    std::fflush(stdout);
    PrintError(e.what());
    return cmtool::kExitFailed;
  } catch (...) {
    std::fprintf(stderr, "cm: unexpected error\n");
    return cmtool::kExitFailed;
  }
}
