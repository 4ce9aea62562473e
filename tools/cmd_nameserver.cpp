// cm nameserver status|stop|cleanup, cm version.
#include <cstdio>
#include <cstring>

#include "codec/frame.h"
#include "commands.h"
#include "output.h"

namespace cmtool {
namespace {

const CommandHelp kNameServerHelp = {
    "nameserver", "cm nameserver status|stop|cleanup [--json] [--domain NAME]",
    "Ask the domain's name server(s):\n"
    "  status   version, uptime, names registered, requests served, malformed frames\n"
    "  cleanup  drop the entries of processes that are gone (it does so by itself too)\n"
    "  stop     make the name server exit",
    "  cm nameserver status\n"
    "  cm nameserver status --domain Conda --json\n"
    "  cm nameserver cleanup\n"
    "  cm nameserver stop\n"};

const CommandHelp kVersionHelp = {
    "version", "cm version",
    "Print the release of cm's library (libCm-zmq; its major number is the ABI's,\n"
    "libCm-zmq.so.MAJOR), the wire protocol it writes (CM_PROTOCOL may choose\n"
    "another it reads) and the protocols it reads.  Adjacent releases read each\n"
    "other (docs/versions.md).",
    "  cm version\n"
    "  CM_PROTOCOL=1 cm version\n"};

// One request to one name server; its payload follows in *reply.  `text`,
// if given, is the request's one item.
cm::Status Call(cm::NameClient& client, const char* type, cm::Message* reply, const char* text = nullptr) {
  cm::Message request;
  request.SetType(type);
  if (text != nullptr) request.PutText(text);
  return client.Call(request, reply, kNameServerTimeoutMs);
}

// The status of one name server as (key, JSON value) pairs, and its version
// as it sent it.
cm::Status Status(cm::NameClient& client, std::vector<std::pair<std::string, std::string>>* fields,
                  std::string* version_text) {
  cm::Message version, stats;
  cm::Status s = Call(client, "NSGetVersion", &version);
  if (s.ok()) s = Call(client, "NSGetStatistics", &stats);
  if (!s.ok()) return s;
  const char* text = version.GetText();
  fields->emplace_back("version", JsonString(text ? text : ""));
  *version_text = text ? text : "";
  fields->emplace_back("protocol", std::to_string(version.GetInt()));
  fields->emplace_back("names", std::to_string(stats.GetInt()));
  for (const char* key : {"requests", "registered", "unregistered", "cleaned", "malformed", "uptime"})
    fields->emplace_back(key, std::to_string(stats.GetLong()));
  return s;
}

// True when name server `index` no longer accepts connections.
bool Gone(const cm::DomainConfig& domain, size_t index) {
  cm::Message reply;
  cm::Status s = Call(*ConnectNameServer(domain, index), "NSGetVersion", &reply);
  return s.code() == cm::Status::Code::kUnavailable;
}

void PrintStatus(const std::string& server, const std::vector<std::pair<std::string, std::string>>& fields,
                 const std::string& version_text) {
  std::printf("name server %s\n", server.c_str());
  for (const auto& [key, value] : fields) {
    std::string shown = value;
    if (key == "version") shown = Printable(version_text);
    if (key == "uptime") shown = FormatDuration(std::stoll(value));
    std::printf("  %-13s %s\n", key.c_str(), shown.c_str());
  }
}

}  // namespace

int RunNameServer(const Args& args) {
  CommandLine cli(kNameServerHelp);
  cli.AddPositional("action", "the action: status, stop or cleanup");
  cli.options.add_options()("json", "status: print a JSON array, one object per name server");
  if (!cli.Parse(args)) return kExitOk;
  std::string action = cli.Required("action");
  if (action != "status" && action != "stop" && action != "cleanup")
    Fail(kExitUsage, "nameserver: unknown action '" + action + "' (status, stop or cleanup)");
  cm::DomainConfig domain = cli.Domain();
  bool json = cli.Has("json") && action == "status";
  int status = kExitOk;
  std::string json_out;
  // Every name server of the domain, in turn; one that is down does not stop the others.
  for (size_t i = 0; i < domain.name_servers.size(); ++i) {
    std::string server = domain.name_servers[i].ToString();
    auto client = ConnectNameServer(domain, i);
    cm::Status s;
    if (action == "status") {
      std::vector<std::pair<std::string, std::string>> fields;
      std::string version_text;
      s = Status(*client, &fields, &version_text);
      if (s.ok() && json) {
        json_out += std::string(json_out.empty() ? "" : ",") + "\n  {\"server\": " + JsonString(server);
        for (const auto& [key, value] : fields) json_out += ", \"" + key + "\": " + value;
        json_out += "}";
      } else if (s.ok()) {
        PrintStatus(server, fields, version_text);
      }
    } else {
      cm::Message reply;
      // NSStop names the domain it means to stop: a name server refuses it
      // for another.
      s = action == "stop" ? Call(*client, "NSStop", &reply, domain.name.c_str())
                           : Call(*client, "NSDoCleanup", &reply);
      if (action == "stop" && s.IsTimeout() && Gone(domain, i)) s = cm::Status::Ok();  // its answer was lost
      if (s.ok() && action == "stop") std::printf("name server %s: stopped\n", server.c_str());
      if (s.ok() && action == "cleanup")
        std::printf("name server %s: removed %d dead entries\n", server.c_str(), reply.GetInt());
    }
    if (s.ok()) continue;
    if (domain.name_servers.size() == 1) CheckNameServer(s);
    std::fflush(stdout);
    std::fprintf(stderr, "cm: %s\n", Printable(s.message()).c_str());
    status = s.code() == cm::Status::Code::kRefused ? kExitFailed : kExitNameServer;
  }
  if (json) std::printf("[%s\n]\n", json_out.c_str());
  return status;
}

int RunVersion(const Args& args) {
  CommandLine cli(kVersionHelp);
  if (!cli.Parse(args)) return kExitOk;
  std::printf("cm (libCm-zmq) %s, %s\n", cm::LibraryVersion(), ProtocolSummary().c_str());
  return kExitOk;
}

}  // namespace cmtool
