// cm names, cm connects: what the name server knows of the domain, each in
// one request.
#include <algorithm>
#include <cstdio>
#include <ctime>

#include "commands.h"
#include "output.h"

namespace cmtool {
namespace {

const CommandHelp kNamesHelp = {
    "names", "cm names [--json] [--domain NAME]",
    "List every process registered in the domain: name, host, pid, address\n"
    "(where it listens) and uptime (since it registered), sorted by name.\n"
    "One request to the name server.",
    "  cm names\n"
    "  cm names --domain Conda\n"
    "  cm names --json | python3 -m json.tool\n"};

const CommandHelp kConnectsHelp = {
    "connects", "cm connects [--dot | --json] [--domain NAME]   (also: cm connections)",
    "Who sends to whom: one line per (sender, receiver) pair with the number of\n"
    "messages sent, as registered processes report them (about once a second).\n"
    "--dot prints a Graphviz graph.  One request to the name server.",
    "  cm connects\n"
    "  cm connects --dot | dot -Tpng > domain.png\n"
    "  cm connects --json\n"};

// DOT identifiers are quoted; quotes and backslashes inside are escaped.
std::string DotId(const std::string& text) { return JsonString(text); }

}  // namespace

int RunNames(const Args& args) {
  CommandLine cli(kNamesHelp);
  cli.options.add_options()("json", "print a JSON array of objects");
  if (!cli.Parse(args)) return kExitOk;
  cm::DomainConfig domain = cli.Domain();
  std::vector<cm::NameRecord> records;
  {
    auto names = ConnectNameServers(domain);
    CheckNameServer(names->List(&records, kNameServerTimeoutMs));
  }
  std::sort(records.begin(), records.end(),
            [](const cm::NameRecord& a, const cm::NameRecord& b) { return a.name < b.name; });
  int64_t now = static_cast<int64_t>(std::time(nullptr));
  if (cli.Has("json")) {
    std::printf("[");
    for (size_t i = 0; i < records.size(); ++i) {
      const cm::NameRecord& r = records[i];
      std::printf("%s\n  {\"name\": %s, \"host\": %s, \"pid\": %d, \"address\": %s, \"started\": %lld, "
                  "\"uptime\": %lld}",
                  i ? "," : "", JsonString(r.name).c_str(), JsonString(r.host).c_str(), r.pid,
                  JsonString(r.address).c_str(), static_cast<long long>(r.started),
                  static_cast<long long>(std::max<int64_t>(0, now - r.started)));
    }
    std::printf("%s]\n", records.empty() ? "" : "\n");
    return kExitOk;
  }
  Table table({"NAME", "HOST", "PID", "ADDRESS", "UPTIME"}, {false, false, true, false, true});
  for (const cm::NameRecord& r : records)
    table.Add({Printable(r.name), Printable(r.host), std::to_string(r.pid), Printable(r.address),
               FormatDuration(now - r.started)});
  table.Print(stdout);
  return kExitOk;
}

int RunConnects(const Args& args) {
  CommandLine cli(kConnectsHelp);
  cli.options.add_options()
      ("dot", "print a Graphviz (dot) graph: one node per process, one edge per pair")
      ("json", "print a JSON array of objects");
  if (!cli.Parse(args)) return kExitOk;
  if (cli.Has("dot") && cli.Has("json")) Fail(kExitUsage, "connects: choose --dot or --json, not both");
  cm::DomainConfig domain = cli.Domain();
  std::vector<cm::ConnectRecord> records;
  {
    auto names = ConnectNameServers(domain);
    CheckNameServer(names->Connects(&records, kNameServerTimeoutMs));
  }
  std::sort(records.begin(), records.end(), [](const cm::ConnectRecord& a, const cm::ConnectRecord& b) {
    return a.from != b.from ? a.from < b.from : a.to < b.to;
  });
  if (cli.Has("dot")) {
    std::printf("digraph %s {\n  rankdir=LR;\n  node [shape=box];\n", DotId("cm " + domain.name).c_str());
    for (const cm::ConnectRecord& r : records)
      std::printf("  %s -> %s [label=\"%lld\"];\n", DotId(r.from).c_str(), DotId(r.to).c_str(),
                  static_cast<long long>(r.messages));
    std::printf("}\n");
  } else if (cli.Has("json")) {
    std::printf("[");
    for (size_t i = 0; i < records.size(); ++i)
      std::printf("%s\n  {\"from\": %s, \"to\": %s, \"messages\": %lld}", i ? "," : "",
                  JsonString(records[i].from).c_str(), JsonString(records[i].to).c_str(),
                  static_cast<long long>(records[i].messages));
    std::printf("%s]\n", records.empty() ? "" : "\n");
  } else {
    Table table({"FROM", "TO", "MESSAGES"}, {false, false, true});
    for (const cm::ConnectRecord& r : records)
      table.Add({Printable(r.from), Printable(r.to), std::to_string(r.messages)});
    table.Print(stdout);
  }
  return kExitOk;
}

}  // namespace cmtool
