// cm names, cm connects: what the name server knows of the domain, each in
// one request.  In migration mode (CM_LEGACY_LIBRARY set) also what the
// legacy domain's name server knows, asked through a legacy companion
// (docs/migration.md, "Listing both worlds"), each entry marked new, legacy
// or both.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>

#include "bridge_config.h"
#include "commands.h"
#include "directory.h"
#include "legacy_bridge.h"
#include "output.h"

namespace cmtool {
namespace {

const CommandHelp kNamesHelp = {
    "names", "cm names [PATTERN] [--json] [--domain NAME]",
    "List every process registered in the domain: name, host, pid, address\n"
    "(where it listens) and uptime (since it registered), sorted by name.\n"
    "PATTERN (a shell glob: * ? [...], quoted) keeps the names it matches.\n"
    "One request to the name server.  In migration mode (CM_LEGACY_LIBRARY set)\n"
    "the legacy domain's names too, asked of its name server through a legacy\n"
    "companion, with a column WORLD: new, legacy or both.",
    "  cm names\n"
    "  cm names 'Daq*'\n"
    "  cm names --domain Conda\n"
    "  cm names --json | python3 -m json.tool\n"};

const CommandHelp kConnectsHelp = {
    "connects", "cm connects [PATTERN] [--dot | --json] [--domain NAME]   (also: cm connections)",
    "Who sends to whom: one line per (sender, receiver) pair with the number of\n"
    "messages sent, as registered processes report them (about once a second).\n"
    "PATTERN (a shell glob, quoted) keeps the pairs whose sender or receiver it\n"
    "matches.\n"
    "--dot prints a Graphviz graph.  One request to the name server.  In\n"
    "migration mode (CM_LEGACY_LIBRARY set) the legacy domain's pairs too\n"
    "(without counts), with a column WORLD: new, legacy or both.",
    "  cm connects\n"
    "  cm connects --dot | dot -Tpng > domain.png\n"
    "  cm connects 'Daq*' --json\n"};

// DOT identifiers are quoted; quotes and backslashes inside are escaped,
// and control characters written \xHH (as on a terminal).
std::string DotId(const std::string& text) { return QuotedText(text); }

NameFilter Filter(CommandLine& cli) {
  NameFilter filter;
  if (cli.Has("pattern")) filter.pattern = cli.vm["pattern"].as<std::string>();
  return filter;
}

// How long the legacy name server gets to answer.
constexpr int kLegacyAnswerTimeoutMs = 3000;

// Migration mode: a companion of our own (the one relinked processes use),
// or nullptr when CM_LEGACY_LIBRARY is not set.  Failure(kExitNameServer)
// when it cannot start: a list without the legacy side would mark every
// relinked process "new".
std::unique_ptr<cm::LegacyBridge> StartLegacyBridge() {
  cm::BridgeConfig config = cm::BridgeConfig::FromEnvironment();
  if (!config.enabled) return nullptr;
  std::unique_ptr<cm::LegacyBridge> bridge;
  cm::Status s = cm::LegacyBridge::Start(config, &bridge);
  if (!s.ok())
    Fail(kExitNameServer, "migration mode (CM_LEGACY_LIBRARY is set): cannot reach the legacy domain: " + s.message() +
                              " (unset CM_LEGACY_LIBRARY to list only this domain)");
  return bridge;
}

void CheckLegacy(const cm::Status& s, const std::string& task, const char* question) {
  if (!s.ok())
    Fail(kExitNameServer, "the legacy name server (task '" + task + "', CM_LEGACY_NAMESERVER_TASK) did not answer " +
                              question + ": " + s.message() + " (unset CM_LEGACY_LIBRARY to list only this domain)");
}

const char* World(bool ours, bool legacy) { return ours && legacy ? "both" : legacy ? "legacy" : "new"; }

}  // namespace

int RunNames(const Args& args) {
  CommandLine cli(kNamesHelp);
  cli.AddPositional("pattern", "a name pattern");
  cli.options.add_options()("json", "print a JSON array of objects");
  if (!cli.Parse(args)) return kExitOk;
  NameFilter filter = Filter(cli);
  cm::DomainConfig domain = cli.Domain();
  std::vector<cm::NameRecord> records = FetchNames(domain, filter);
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (auto bridge = StartLegacyBridge()) {
    std::string task = cm::LegacyNameServerTask();
    std::vector<std::string> legacy_names;
    CheckLegacy(bridge->Names(task, &legacy_names, kLegacyAnswerTimeoutMs), task, "NSGetNames");
    bridge.reset();
    std::set<std::string> legacy(legacy_names.begin(), legacy_names.end());
    // name -> our record (nullptr: only in the legacy domain)
    std::map<std::string, const cm::NameRecord*> all;
    for (const cm::NameRecord& r : records) all[r.name] = &r;
    for (const std::string& n : legacy)
      if (filter.Keeps(n)) all.emplace(n, nullptr);
    if (cli.Has("json")) {
      cm::json::Json out = cm::json::Json::array();
      for (const auto& [name, r] : all) {
        cm::json::Json entry;
        if (r != nullptr) {
          entry = cm::json::Names({*r}, now).front();
        } else {  // the legacy name server says no more than the name
          entry["name"] = cm::json::Text(name);
          for (const char* key : {"host", "pid", "address", "started", "uptime"}) entry[key] = nullptr;
        }
        entry["world"] = World(r != nullptr, legacy.count(name) != 0);
        out.push_back(std::move(entry));
      }
      PrintJson(out);
      return kExitOk;
    }
    Table table({"NAME", "HOST", "PID", "ADDRESS", "UPTIME", "WORLD"}, {false, false, true, false, true, false});
    for (const auto& [name, r] : all) {
      const char* world = World(r != nullptr, legacy.count(name) != 0);
      if (r != nullptr)
        table.Add({Printable(name), Printable(r->host), std::to_string(r->pid), Printable(r->address),
                   FormatDuration(now - r->started), world});
      else
        table.Add({Printable(name), "-", "-", "-", "-", world});
    }
    table.Print(stdout);
    return kExitOk;
  }
  if (cli.Has("json")) {
    PrintJson(cm::json::Names(records, now));
    return kExitOk;
  }
  PrintNames(records, now);
  return kExitOk;
}

int RunConnects(const Args& args) {
  CommandLine cli(kConnectsHelp);
  cli.AddPositional("pattern", "a name pattern");
  cli.options.add_options()
      ("dot", "print a Graphviz (dot) graph: one node per process, one edge per pair")
      ("json", "print a JSON array of objects");
  if (!cli.Parse(args)) return kExitOk;
  if (cli.Has("dot") && cli.Has("json")) Fail(kExitUsage, "connects: choose --dot or --json, not both");
  NameFilter filter = Filter(cli);
  cm::DomainConfig domain = cli.Domain();
  std::vector<cm::ConnectRecord> records = FetchConnects(domain, filter);
  if (auto bridge = StartLegacyBridge()) {
    std::string task = cm::LegacyNameServerTask();
    std::vector<std::pair<std::string, std::string>> legacy_pairs;
    CheckLegacy(bridge->Connects(task, &legacy_pairs, kLegacyAnswerTimeoutMs), task, "NSGetConnects");
    bridge.reset();
    std::set<std::pair<std::string, std::string>> legacy(legacy_pairs.begin(), legacy_pairs.end());
    // (from, to) -> our record (nullptr: only in the legacy domain, no count)
    std::map<std::pair<std::string, std::string>, const cm::ConnectRecord*> all;
    for (const cm::ConnectRecord& r : records) all[{r.from, r.to}] = &r;
    for (const auto& p : legacy)
      if (filter.Keeps(p.first) || filter.Keeps(p.second)) all.emplace(p, nullptr);
    auto count = [](const cm::ConnectRecord* r) { return r ? std::to_string(r->messages) : std::string(); };
    if (cli.Has("dot")) {
      std::printf("digraph %s {\n  rankdir=LR;\n  node [shape=box];\n", DotId("cm " + domain.name).c_str());
      for (const auto& [p, r] : all)
        std::printf("  %s -> %s [label=\"%s\"%s];\n", DotId(p.first).c_str(), DotId(p.second).c_str(), count(r).c_str(),
                    r ? "" : ", style=dashed");
      std::printf("}\n");
    } else if (cli.Has("json")) {
      cm::json::Json out = cm::json::Json::array();
      for (const auto& [p, r] : all) {
        cm::json::Json entry = cm::json::Connects({r ? *r : cm::ConnectRecord{p.first, p.second, 0}}).front();
        if (r == nullptr) entry["messages"] = nullptr;  // the legacy name server does not count
        entry["world"] = World(r != nullptr, legacy.count(p) != 0);
        out.push_back(std::move(entry));
      }
      PrintJson(out);
    } else {
      Table table({"FROM", "TO", "MESSAGES", "WORLD"}, {false, false, true, false});
      for (const auto& [p, r] : all)
        table.Add({Printable(p.first), Printable(p.second), r ? count(r) : "-", World(r != nullptr, legacy.count(p) != 0)});
      table.Print(stdout);
    }
    return kExitOk;
  }
  if (cli.Has("dot")) {
    std::printf("digraph %s {\n  rankdir=LR;\n  node [shape=box];\n", DotId("cm " + domain.name).c_str());
    for (const cm::ConnectRecord& r : records)
      std::printf("  %s -> %s [label=\"%lld\"];\n", DotId(r.from).c_str(), DotId(r.to).c_str(),
                  static_cast<long long>(r.messages));
    std::printf("}\n");
  } else if (cli.Has("json")) {
    PrintJson(cm::json::Connects(records));
  } else {
    PrintConnects(records);
  }
  return kExitOk;
}

}  // namespace cmtool
