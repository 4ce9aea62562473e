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
    {"names", nullptr, cmtool::RunNames, "the registered processes (host, pid, address, uptime); [PATTERN]"},
    {"connects", "connections", cmtool::RunConnects, "who sends to whom, with message counts (--dot: a graph)"},
    {"watch", nullptr, cmtool::RunWatch, "names and connects, refreshed every few seconds until Ctrl-C"},
    {"send", nullptr, cmtool::RunSend, "send one message with items (-type T -i 1 -t text ...)"},
    {"request", nullptr, cmtool::RunRequest, "send a message, wait for the reply and print its items"},
    {"listen", nullptr, cmtool::RunListen, "print every message that arrives, as a registered name"},
    {"ping", nullptr, cmtool::RunPing, "do processes answer? round trips (NAME..., or --all at once)"},
    {"info", nullptr, cmtool::RunInfo, "a process's pid, host, address, handler types and message counters"},
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
      "Usage: cm [--domain NAME] [--json] COMMAND [options]\n\n"
      "Talk to the processes and the name server of a Cm domain ($CMDOMAIN, or --domain).\n\n"
      "Commands:\n");
  for (const Command& c : kCommands) {
    std::string name = c.name;
    if (c.alias != nullptr) name += std::string(" (") + c.alias + ")";
    std::printf("  %-26s %s\n", name.c_str(), c.summary);
  }
  std::printf(
      "\nEvery command takes --help (with examples) and --domain NAME; --domain and\n"
      "--json may also come before the command (cm --domain Conda names).\n"
      "Exit status: 0 success, 1 failure (unknown name, refused), 2 bad usage,\n"
      "3 not taken or not answered in time, 4 name server not reachable.\n\n"
      "Examples:\n"
      "  cm names 'Daq*'\n"
      "  cm ping --all\n"
      "  cm watch\n"
      "  cm send Daq -type SetRate -i 50\n"
      "  cm request Daq -type GetStatus --timeout 2\n"
      "  cm connects --dot | dot -Tpng > domain.png\n");
}

// The global options, which may come before the command (cm --domain X
// names): moved behind it, where every command takes --domain, and those
// that print JSON --json.  Fail(kExitUsage) for --domain without its value.
Args TakeGlobalOptions(Args* words) {
  Args globals;
  size_t i = 0;
  for (; i < words->size(); ++i) {
    const std::string& w = (*words)[i];
    if (w == "--json" || w == "-json") {
      globals.push_back("--json");
    } else if (w == "--domain" || w == "-domain") {
      if (i + 1 >= words->size()) cmtool::Fail(cmtool::kExitUsage, w + " needs a domain name (try cm --help)");
      globals.push_back("--domain");
      globals.push_back((*words)[++i]);
    } else if (w.rfind("--domain=", 0) == 0) {
      globals.push_back(w);
    } else {
      break;
    }
  }
  words->erase(words->begin(), words->begin() + static_cast<long>(i));
  return globals;
}

int Run(int argc, char** argv) {
  Args words(argv + 1, argv + argc);
  Args globals = TakeGlobalOptions(&words);
  auto is = [&](size_t k, const char* w) { return words.size() > k && words[k] == w; };
  if (words.empty() || is(0, "--help") || is(0, "-h") || is(0, "-help") || is(0, "help")) {
    if (is(0, "help") && words.size() >= 2 && Find(words[1].c_str()) != nullptr) return Find(words[1].c_str())->run({"--help"});
    PrintHelp();
    return words.empty() ? cmtool::kExitUsage : cmtool::kExitOk;
  }
  if (is(0, "--version")) return cmtool::RunVersion({});
  const Command* command = Find(words[0].c_str());
  if (command == nullptr)
    cmtool::Fail(cmtool::kExitUsage, "unknown command '" + words[0] + "' (try cm --help)");
  Args args(words.begin() + 1, words.end());
  args.insert(args.end(), globals.begin(), globals.end());
  return command->run(args);
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
