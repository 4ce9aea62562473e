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
#include "util/version.h"

namespace cmtool {
namespace {

using Clock = std::chrono::steady_clock;

const CommandHelp kPingHelp = {
    "ping", "cm ping NAME [--count N] [--timeout SECONDS] [--domain NAME]",
    "Check that process NAME answers: send it cm:ping, wait for cm:pong and print\n"
    "the round-trip time.  \"NAME: not running\" (exit 1) when no process has that\n"
    "name; exit 3 when it is registered but does not answer in time.",
    "  cm ping Daq\n"
    "  cm ping Daq --count 5\n"
    "  if cm ping Daq 2>/dev/null; then echo up; fi\n"};

const CommandHelp kInfoHelp = {
    "info", "cm info NAME [--json] [--timeout SECONDS] [--domain NAME]",
    "What process NAME says about itself (cm:info): pid, host, address, handlers\n"
    "installed, messages received and sent, send failures, unhandled, malformed\n"
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

}  // namespace

int RunPing(const Args& args) {
  CommandLine cli(kPingHelp);
  cli.AddPositional("name", "the process name");
  cli.AddTimeout(3, "how long to wait for each answer");
  cli.options.add_options()("count,n", po::value<int>()->default_value(1)->value_name("N"), "send N pings, 0.2 s apart");
  if (!cli.Parse(args)) return kExitOk;
  int count = cli.vm["count"].as<int>();
  if (count < 1 || count > 100000) Fail(kExitUsage, "ping: --count must be from 1 to 100000");
  Target target = Find(cli);
  for (int i = 0; i < count; ++i) {
    if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto start = Clock::now();
    Ask(target, "cm:ping", "cm:pong", cli.TimeoutMs(), [](cm::Message&) {});
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    std::printf("%s: alive, round trip %.3f ms (%s)\n", Printable(target.record.name).c_str(), ms,
                Where(target.record).c_str());
    std::fflush(stdout);
  }
  return kExitOk;
}

int RunInfo(const Args& args) {
  CommandLine cli(kInfoHelp);
  cli.AddPositional("name", "the process name");
  cli.AddTimeout(3, "how long to wait for the answer");
  cli.options.add_options()("json", "print one JSON object");
  if (!cli.Parse(args)) return kExitOk;
  Target target = Find(cli);

  // The items of cm:info-reply, in order (docs/protocol.md): t text, i int, l long.
  static const struct {
    const char* key;    // in --json
    const char* label;  // for people
    char kind;
  } kFields[] = {
      {"name", "name", 't'},
      {"pid", "pid", 'i'},
      {"host", "host", 't'},
      {"address", "address", 't'},
      {"handlers", "handlers installed", 'i'},
      {"received", "messages received", 'l'},
      {"sent", "messages sent", 'l'},
      {"send_failures", "send failures", 'l'},
      {"unhandled", "unhandled", 'l'},
      {"malformed", "malformed", 'l'},
      {"lost", "lost", 'l'},
      {"version", "library version", 't'},
      {"queued", "queued to dispatch", 'l'},
      {"unacked", "unacknowledged", 'l'},  // sent to peers that went away first (may be lost)
  };
  std::vector<std::pair<std::string, std::string>> values;  // key, JSON value
  std::vector<std::string> shown;                            // the value for people
  Ask(target, "cm:info", "cm:info-reply", cli.TimeoutMs(), [&](cm::Message& reply) {
    for (const auto& field : kFields) {
      if (field.kind == 't') {
        const char* text = reply.GetText();
        values.emplace_back(field.key, JsonString(text ? text : ""));
        shown.push_back(Printable(text ? text : ""));
      } else {
        std::string value = std::to_string(field.kind == 'i' ? static_cast<long>(reply.GetInt()) : reply.GetLong());
        values.emplace_back(field.key, value);
        shown.push_back(value);
      }
    }
  });
  int64_t uptime = static_cast<int64_t>(std::time(nullptr)) - target.record.started;
  // Beside the process's library version, cm's own, to compare: adjacent
  // releases interoperate (docs/versions.md).
  if (cli.Has("json")) {
    std::printf("{");
    for (const auto& [key, value] : values) std::printf("\"%s\": %s, ", key.c_str(), value.c_str());
    std::printf("\"uptime\": %lld, \"cm_version\": %s, \"cm_protocol\": %u, \"cm_reads\": [%u, %u]}\n",
                static_cast<long long>(std::max<int64_t>(uptime, 0)), JsonString(cm::LibraryVersion()).c_str(),
                cm::WriteProtocolVersion(), cm::kOldestProtocolVersion, cm::kProtocolVersion);
    return kExitOk;
  }
  for (size_t i = 0; i < shown.size(); ++i)
    std::printf("%-19s %s\n", (std::string(kFields[i].label) + ":").c_str(), shown[i].c_str());
  std::printf("%-19s %s\n", "uptime:", FormatDuration(uptime).c_str());
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
