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

// The status of one name server, in the order printed: version (its text),
// protocol, names, requests, registered, unregistered, cleaned, malformed,
// uptime (numbers).
cm::Status Status(cm::NameClient& client, cm::json::Json* fields) {
  cm::Message version, stats;
  cm::Status s = Call(client, "NSGetVersion", &version);
  if (s.ok()) s = Call(client, "NSGetStatistics", &stats);
  if (!s.ok()) return s;
  const char* text = version.GetText();
  (*fields)["version"] = cm::json::Text(text ? text : "");
  (*fields)["protocol"] = version.GetInt();
  (*fields)["names"] = stats.GetInt();
  for (const char* key : {"requests", "registered", "unregistered", "cleaned", "malformed", "uptime"})
    (*fields)[key] = static_cast<int64_t>(stats.GetLong());
  return s;
}

// True when name server `index` no longer accepts connections.
bool Gone(const cm::DomainConfig& domain, size_t index) {
  cm::Message reply;
  cm::Status s = Call(*ConnectNameServer(domain, index), "NSGetVersion", &reply);
  return s.code() == cm::Status::Code::kUnavailable;
}

void PrintStatus(const std::string& server, const cm::json::Json& fields, const std::string& version_text) {
  std::printf("name server %s\n", server.c_str());
  for (const auto& [key, value] : fields.items()) {
    std::string shown = key == "version" ? Printable(version_text)
                        : key == "uptime" ? FormatDuration(value.get<int64_t>())
                                          : std::to_string(value.get<int64_t>());
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
  cm::json::Json json_out = cm::json::Json::array();
  // Every name server of the domain, in turn; one that is down does not stop the others.
  for (size_t i = 0; i < domain.name_servers.size(); ++i) {
    std::string server = domain.name_servers[i].ToString();
    auto client = ConnectNameServer(domain, i);
    cm::Status s;
    if (action == "status") {
      cm::json::Json fields = {{"server", server}};
      s = Status(*client, &fields);
      if (s.ok() && json) {
        json_out.push_back(std::move(fields));
      } else if (s.ok()) {
        std::string version_text = fields["version"].is_string() ? fields["version"].get<std::string>() : "";
        if (fields["version"].is_object()) version_text = fields["version"]["shown"].get<std::string>();
        fields.erase("server");
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
  if (json) PrintJson(json_out);
  return status;
}

int RunVersion(const Args& args) {
  CommandLine cli(kVersionHelp);
  if (!cli.Parse(args)) return kExitOk;
  std::printf("cm (libCm-zmq) %s, %s\n", cm::LibraryVersion(), ProtocolSummary().c_str());
  return kExitOk;
}

}  // namespace cmtool
