// cm ping, cm info, cm kill: the cm: control types every process answers
// (docs/protocol.md, "Reserved message types").
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "commands.h"
#include "output.h"
#include "exchange.h"
#include "pinger.h"
#include "naming/process_info.h"
#include "util/version.h"

namespace cmtool {
namespace {

using Clock = std::chrono::steady_clock;

const CommandHelp kPingHelp = {
    "ping", "cm ping NAME... | --all  [--count N] [--timeout SECONDS] [--json] [--domain NAME]",
    "Check that processes answer: send each cm:ping, wait for its cm:pong and print\n"
    "the round-trip time.  Several names, or --all (every registered process), are\n"
    "pinged at once: a table of round trips, then a line naming those that did\n"
    "not answer.  \"NAME: not running\" (exit 1) when no process has that name;\n"
    "exit 3 when one is registered but does not answer in time.",
    "  cm ping Daq\n"
    "  cm ping Daq --count 5\n"
    "  cm ping Daq Trigger Builder\n"
    "  cm ping --all --timeout 1\n"
    "  if cm ping Daq 2>/dev/null; then echo up; fi\n"};

const CommandHelp kInfoHelp = {
    "info", "cm info NAME [--json] [--timeout SECONDS] [--domain NAME]",
    "What process NAME says about itself (cm:info): pid, host, address, handlers\n"
    "installed and their message types (\"*\": the default handler), messages\n"
    "received and sent, send failures, unhandled, malformed\n"
    "and lost messages, and its library version; then cm's own library version and\n"
    "wire protocol, to compare (adjacent releases interoperate: docs/versions.md).",
    "  cm info Daq\n"
    "  cm info Daq --json\n"};

const CommandHelp kKillHelp = {
    "kill", "cm kill NAME [--timeout SECONDS] [--domain NAME]",
    "Ask process NAME to close and exit (cm:kill), then ask the name server until\n"
    "the name is gone.  Exit 0 when it went away, 3 when it is still registered\n"
    "after the timeout (a process only obeys inside its wait calls).",
    "  cm kill Daq\n"
    "  cm kill Daq --timeout 10\n"};

// The process a command is about: its domain and registration.
struct Target {
  cm::DomainConfig domain;
  cm::NameRecord record;
};

Target Find(const CommandLine& cli) {
  std::string name = cli.Required("name");
  Target target;
  target.domain = cli.Domain();
  target.record = LookupOrFail(*ConnectNameServers(target.domain), name);
  LimitSendTimeout(cli.TimeoutSeconds());
  return target;
}

// Sends control message `type` (with `text` as its one item, if given) and
// waits for `reply_type` (any type if empty).
void Ask(const Target& target, const char* type, const char* reply_type, int timeout_ms, const ReplyReader& read,
         const char* text = nullptr) {
  cm::Message request;
  request.SetType(type);
  if (text != nullptr) request.PutText(text);
  Exchange(target.domain, target.record, request, reply_type, timeout_ms, read);
}

std::string Where(const cm::NameRecord& r) { return "pid " + std::to_string(r.pid) + " on " + Printable(r.host); }

// cm ping --json: one object per process, then one per name not registered.
cm::json::Json PingJson(const std::vector<PingResult>& results, const std::vector<std::string>& not_running) {
  cm::json::Json out = cm::json::Json::array();
  for (const PingResult& r : results) {
    cm::json::Json entry = {{"name", cm::json::Text(r.target.name)}, {"host", cm::json::Text(r.target.host)},
                            {"pid", r.target.pid}, {"answered", r.answered}};
    entry["round_trip_ms"] = r.answered ? cm::json::Json(r.round_trip_ms) : cm::json::Json(nullptr);
    entry["why"] = r.answered ? cm::json::Json(nullptr) : cm::json::Text(r.why);
    out.push_back(std::move(entry));
  }
  for (const std::string& name : not_running)
    out.push_back({{"name", cm::json::Text(name)}, {"host", nullptr}, {"pid", nullptr}, {"answered", false},
                   {"round_trip_ms", nullptr}, {"why", "not running"}});
  return out;
}

// cm ping A B C, cm ping --all: a row per process, then a line that names
// those that did not answer.
void PrintPingTable(const std::vector<PingResult>& results, const std::vector<std::string>& not_running,
                    double took_ms) {
  Table table({"NAME", "HOST", "PID", "ROUND TRIP"}, {false, false, true, false});
  std::string silent;
  size_t answered = 0;
  for (const PingResult& r : results) {
    char rtt[32];
    std::snprintf(rtt, sizeof rtt, "%.3f ms", r.round_trip_ms);
    table.Add({Printable(r.target.name), Printable(r.target.host), std::to_string(r.target.pid),
               r.answered ? std::string(rtt) : Printable(r.why)});
    if (r.answered) ++answered;
    else silent += " " + Printable(r.target.name);
  }
  std::string absent;
  for (const std::string& name : not_running) {
    table.Add({Printable(name), "-", "-", "not running"});
    absent += " " + Printable(name);
  }
  table.Print(stdout);
  std::printf("%zu of %zu answered, in %.1f ms%s%s%s%s\n", answered, results.size(), took_ms,
              silent.empty() ? "" : "; no answer from:", silent.c_str(), absent.empty() ? "" : "; not running:",
              absent.c_str());
}

}  // namespace

int RunPing(const Args& args) {
  CommandLine cli(kPingHelp);
  cli.hidden.add_options()("name", po::value<std::vector<std::string>>(), "the process names");
  cli.positional.add("name", -1);
  cli.AddTimeout(3, "how long to wait for each answer");
  cli.options.add_options()
      ("all", "ping every registered process, all at once")
      ("count,n", po::value<int>()->default_value(1)->value_name("N"), "ping N times, 0.2 s apart")
      ("json", "print a JSON array, one object per process: name, host, pid, answered, round_trip_ms, why");
  if (!cli.Parse(args)) return kExitOk;
  int count = cli.vm["count"].as<int>();
  if (count < 1 || count > 100000) Fail(kExitUsage, "ping: --count must be from 1 to 100000");
  std::vector<std::string> names;
  if (cli.Has("name"))
    for (const std::string& name : cli.vm["name"].as<std::vector<std::string>>())  // each once, in order
      if (std::find(names.begin(), names.end(), name) == names.end()) names.push_back(name);
  bool all = cli.Has("all");
  if (all == !names.empty()) Fail(kExitUsage, "ping: give process names, or --all (try cm ping --help)");
  cm::DomainConfig domain = cli.Domain();

  // Who: one lookup for one name (its error as before), one list for more.
  std::vector<cm::NameRecord> targets;
  std::vector<std::string> not_running;
  if (names.size() == 1) {
    targets.push_back(LookupOrFail(*ConnectNameServers(domain), names.front()));
  } else {
    std::vector<cm::NameRecord> records;
    CheckNameServer(ConnectNameServers(domain)->List(&records, kNameServerTimeoutMs));
    std::sort(records.begin(), records.end(),
              [](const cm::NameRecord& a, const cm::NameRecord& b) { return a.name < b.name; });
    if (all) targets = records;
    for (const std::string& name : names) {
      auto found = std::find_if(records.begin(), records.end(), [&](const cm::NameRecord& r) { return r.name == name; });
      if (found == records.end()) not_running.push_back(name);
      else targets.push_back(*found);
    }
  }
  bool one = names.size() == 1;
  bool json = cli.Has("json");
  Pinger pinger(domain);
  int status = kExitOk;
  for (int round = 0; round < count; ++round) {
    if (round > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto start = Clock::now();
    std::vector<PingResult> results = pinger.PingAll(targets, cli.TimeoutMs());
    double took_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    for (const PingResult& r : results)
      if (!r.answered) status = kExitTimeout;
    if (json) {
      PrintJson(PingJson(results, not_running));
    } else if (one) {
      const PingResult& r = results.front();
      if (!r.answered)
        Fail(kExitTimeout, r.target.name + " (" + Where(r.target) + ") did not answer cm:ping: " + r.why);
      std::printf("%s: alive, round trip %.3f ms (%s)\n", Printable(r.target.name).c_str(), r.round_trip_ms,
                  Where(r.target).c_str());
    } else {
      PrintPingTable(results, not_running, took_ms);
    }
    std::fflush(stdout);
  }
  if (!not_running.empty()) return kExitFailed;
  return status;
}

int RunInfo(const Args& args) {
  CommandLine cli(kInfoHelp);
  cli.AddPositional("name", "the process name");
  cli.AddTimeout(3, "how long to wait for the answer");
  cli.options.add_options()("json", "print one JSON object");
  if (!cli.Parse(args)) return kExitOk;
  Target target = Find(cli);
  cm::ProcessInfo info;
  bool complete = false;
  Ask(target, "cm:info", "cm:info-reply", cli.TimeoutMs(),
      [&](cm::Message& reply) { complete = cm::GetProcessInfo(reply, &info); });
  if (!complete)
    Fail(kExitFailed, target.record.name + " (" + Where(target.record) + ") sent an incomplete cm:info-reply");
  // A process before 1.1 does not say when it started: its registration does.
  if (info.start_time == 0) info.start_time = target.record.started;
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  // Beside the process's library version, cm's own, to compare: adjacent
  // releases interoperate (docs/versions.md).
  if (cli.Has("json")) {
    cm::json::Json out = cm::json::Info(info, now);
    out["cm_version"] = cm::LibraryVersion();
    out["cm_protocol"] = cm::WriteProtocolVersion();
    out["cm_reads"] = {cm::kOldestProtocolVersion, cm::kProtocolVersion};
    PrintJson(out);
    return kExitOk;
  }
  std::string types;
  for (const std::string& type : info.handler_types) types += (types.empty() ? "" : " ") + Printable(type);
  if (info.handler_types.empty()) types = "(not said: a process before 1.1)";
  const std::pair<const char*, std::string> lines[] = {
      {"name", Printable(info.name)},
      {"pid", std::to_string(info.pid)},
      {"host", Printable(info.host)},
      {"address", Printable(info.address)},
      {"handlers installed", std::to_string(info.handlers)},
      {"handler types", types},  // "*": the default handler
      {"messages received", std::to_string(info.received)},
      {"messages sent", std::to_string(info.sent)},
      {"send failures", std::to_string(info.send_failures)},
      {"unhandled", std::to_string(info.unhandled)},
      {"malformed", std::to_string(info.malformed)},
      {"lost", std::to_string(info.lost)},
      {"library version", Printable(info.version)},
      {"queued to dispatch", std::to_string(info.queued)},
      {"unacknowledged", std::to_string(info.unacked)},  // sent to peers that went away first (may be lost)
      {"uptime", FormatDuration(now - info.start_time)},
  };
  for (const auto& [label, value] : lines) std::printf("%-19s %s\n", (std::string(label) + ":").c_str(), value.c_str());
  std::printf("%-19s %s, %s\n", "this cm's library:", cm::LibraryVersion(), ProtocolSummary().c_str());
  return kExitOk;
}

int RunKill(const Args& args) {
  CommandLine cli(kKillHelp);
  cli.AddPositional("name", "the process name");
  cli.AddTimeout(5, "how long to wait for the name to disappear");
  if (!cli.Parse(args)) return kExitOk;
  Target target = Find(cli);
  const cm::NameRecord& was = target.record;
  auto deadline = Clock::now() + std::chrono::milliseconds(cli.TimeoutMs());
  // cm:killed says it is closing; the name server has the last word, so a
  // missing cm:killed is no failure.
  // cm:kill names our domain: a process refuses it for another one.
  std::string refused;
  try {
    Ask(
        target, "cm:kill", "", std::min(cli.TimeoutMs(), 2000),
        [&](cm::Message& reply) {
          if (reply.type_string() == "cm:kill-refused") refused = reply.items().empty() ? "?" : reply.GetText();
        },
        target.domain.name.c_str());
  } catch (const Failure& failure) {
    if (failure.code() == kExitNameServer) throw;
  }
  if (!refused.empty()) Fail(kExitFailed, was.name + " (" + Where(was) + ") refused to stop: " + refused);
  cm::Status s;
  auto names = ConnectNameServers(target.domain);
  for (;;) {
    cm::NameRecord now;
    s = names->Lookup(was.name, &now, kNameServerTimeoutMs);
    if (s.IsNotFound() || (s.ok() && now.address != was.address)) break;  // gone (or replaced by another)
    CheckNameServer(s);
    if (Clock::now() >= deadline)
      Fail(kExitTimeout, was.name + " (" + Where(was) + ") was asked to stop but is still registered after " +
                             FormatSeconds(cli.TimeoutSeconds()) +
                             " (a process obeys only inside its wait calls)");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::printf("%s: stopped (was %s)\n", Printable(was.name).c_str(), Where(was).c_str());
  return kExitOk;
}

}  // namespace cmtool
