// cm send, cm request, cm listen: messages with items, from the command line.
#include <sys/time.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <ctime>
#include <set>

#include "Cm/CmDefs.h"
#include "commands.h"
#include "exchange.h"
#include "item_args.h"
#include "item_print.h"
#include "output.h"
#include "session/session.h"
#include "transport/address.h"
#include "util/log.h"

namespace cmtool {
namespace {

const CommandHelp kSendHelp = {
    "send", "cm send NAME -type TYPE [items...] [--domain NAME]",
    "Send one message of type TYPE to process NAME, with the items given, in that\n"
    "order.  Exit 0 when it was delivered to the live process; 1 when NAME is not\n"
    "registered, 3 when it did not take the message in time.\n"
    "Legacy single-dash options (-type, -text) are accepted.",
    "  cm send Daq -type SetRate -i 50\n"
    "  cm send Daq -type Configure -t run42 -d 0.25 -a int:1,2,3 -b 0x00ff\n"
    "  cm send Daq -type Note -b \"raw bytes\"\n"
    "  cm send Daq -type Mark -c A -s -3 -l 9000000000 -f 1.5\n"};

const CommandHelp kRequestHelp = {
    "request", "cm request NAME -type TYPE [items...] [--reply-type T] [--timeout S] [--json]",
    "Send one message to process NAME and wait for its reply: the first message\n"
    "NAME sends back (of type T with --reply-type).  Prints the reply's items, one\n"
    "per line as \"<type> <value>\".  Exit 3 when no reply comes in time.",
    "  cm request Daq -type GetStatus\n"
    "  cm request Daq -type GetChannel -i 3 --reply-type Channel --timeout 1\n"
    "  cm request Daq -type GetStatus --json\n"};

const CommandHelp kListenHelp = {
    "listen", "cm listen [--as NAME] [--type T]... [--count N] [--json] [--domain NAME]",
    "Print every message that arrives: a line \"HH:MM:SS.mmm from SENDER type TYPE\n"
    "items N\" (local time of arrival), then the items indented, one per line\n"
    "(--json: one JSON object per message, with \"time\" in UTC, ISO 8601).\n"
    "Registers NAME (--as), else listen-HOST-PID, said on stderr at start, so that\n"
    "others can send to it.  Runs until Ctrl-C (exit 0), or until N messages\n"
    "were printed.",
    "  cm listen\n"
    "  cm listen --as Spy --type Alarm --type Warning\n"
    "  cm listen --as Spy --json > messages.jsonl\n"};

// -type TYPE and the item options.
void AddMessageOptions(CommandLine* cli) {
  cli->AddPositional("name", "the process name");
  cli->options.add_options()("type", po::value<std::string>()->value_name("TYPE"), "the message type (required)");
  po::options_description items("Items (any number, sent in the order given)");
  AddItemOptions(&items);
  cli->options.add(items);
}

void BuildMessage(const CommandLine& cli, cm::Message* message) {
  std::string type = cli.Required("type");
  if (type.empty() || type.size() > CM_TYPE_MAX)
    Fail(kExitUsage, std::string(cli.help.name) + ": the type must be 1 to " + std::to_string(CM_TYPE_MAX) + " bytes");
  message->SetType(type.c_str());
  AppendItems(cli.parsed, cli.help.name, message);
}

// A message as JSON: {"from", "type", "items"}, after "time" when given.
cm::json::Json MessageJson(const cm::Message& message, const std::string& from, const std::string& time = "") {
  cm::json::Json out = cm::json::Json::object();
  if (!time.empty()) out["time"] = time;
  out["from"] = cm::json::Text(from);
  out["type"] = cm::json::Text(message.type_string());
  out["items"] = cm::json::Items(message);
  return out;
}

// The time of arrival: "05:40:01.123" (local) for people, or
// "2026-12-06T05:40:01.123456Z" (UTC) for JSON.
std::string ArrivalTime(bool json) {
  timeval now;
  gettimeofday(&now, nullptr);
  tm parts;
  char buffer[64];
  if (json) {
    gmtime_r(&now.tv_sec, &parts);
    size_t n = std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S", &parts);
    std::snprintf(buffer + n, sizeof buffer - n, ".%06ldZ", static_cast<long>(now.tv_usec));
  } else {
    localtime_r(&now.tv_sec, &parts);
    size_t n = std::strftime(buffer, sizeof buffer, "%H:%M:%S", &parts);
    std::snprintf(buffer + n, sizeof buffer - n, ".%03ld", static_cast<long>(now.tv_usec / 1000));
  }
  return buffer;
}

volatile std::sig_atomic_t g_stop = 0;
void OnStopSignal(int) { g_stop = 1; }

}  // namespace

int RunSend(const Args& args) {
  CommandLine cli(kSendHelp);
  AddMessageOptions(&cli);
  if (!cli.Parse(args)) return kExitOk;
  std::string name = cli.Required("name");
  cm::Message message;
  BuildMessage(cli, &message);
  cm::DomainConfig domain = cli.Domain();
  // The session would only log why a name cannot be used; ask first, to say it.
  cm::NameRecord target = LookupOrFail(*ConnectNameServers(domain), name);
  SendOrFail(domain, target, message);
  return kExitOk;
}

int RunRequest(const Args& args) {
  CommandLine cli(kRequestHelp);
  AddMessageOptions(&cli);
  cli.AddTimeout(3, "how long to wait for the reply");
  cli.options.add_options()
      ("reply-type", po::value<std::string>()->value_name("T"), "wait for a reply of this type (default: any)")
      ("json", "print the reply as one JSON object: from, type, items");
  if (!cli.Parse(args)) return kExitOk;
  std::string name = cli.Required("name");
  cm::Message request;
  BuildMessage(cli, &request);
  std::string reply_type = cli.Has("reply-type") ? cli.vm["reply-type"].as<std::string>() : "";
  cm::DomainConfig domain = cli.Domain();
  cm::NameRecord target = LookupOrFail(*ConnectNameServers(domain), name);
  LimitSendTimeout(cli.TimeoutSeconds());
  bool json = cli.Has("json");
  std::string output;  // the reply lives only during the handler
  Exchange(domain, target, request, reply_type, cli.TimeoutMs(), [&](cm::Message& reply) {
    if (json) {
      output = cm::json::Dump(MessageJson(reply, name)) + "\n";
    } else {
      for (const cm::Item& item : reply.items()) output += FormatItem(reply, item) + "\n";
    }
  });
  std::fputs(output.c_str(), stdout);
  return kExitOk;
}

int RunListen(const Args& args) {
  CommandLine cli(kListenHelp);
  cli.options.add_options()
      ("as", po::value<std::string>()->value_name("NAME"), "register as NAME (else: listen-HOST-PID)")
      ("type", po::value<std::vector<std::string>>()->value_name("T"), "print only messages of type T (repeatable)")
      ("count", po::value<long>()->value_name("N"), "exit after printing N messages")
      ("json", "print one JSON object per message, one per line");
  if (!cli.Parse(args)) return kExitOk;
  std::set<std::string> types;
  if (cli.Has("type"))
    for (const std::string& t : cli.vm["type"].as<std::vector<std::string>>()) types.insert(t);
  long count = cli.Has("count") ? cli.vm["count"].as<long>() : 0;
  if (cli.Has("count") && count < 1) Fail(kExitUsage, "listen: --count must be at least 1");
  bool json = cli.Has("json");
  cm::DomainConfig domain = cli.Domain();
  // Lost messages and the like are worth seeing while listening.
  cm::SetDefaultLogLevel(cm::LogLevel::kWarn);

  cm::Session& session = cm::Session::Instance();
  // Registered either way: a listener nobody can name receives nothing.
  std::string name = cli.Has("as") ? cli.vm["as"].as<std::string>()
                                   : "listen-" + cm::LocalHostName() + "-" + std::to_string(getpid());
  cm::Status s = session.Open(name);
  if (!s.ok()) {
    bool down = s.code() == cm::Status::Code::kUnavailable || s.code() == cm::Status::Code::kTimeout;
    Fail(down ? kExitNameServer : kExitFailed, "cannot register as '" + name + "': " + s.message());
  }
  std::fprintf(stderr, "cm listen: listening as '%s' in domain %s; Ctrl-C to stop\n", Printable(name).c_str(),
               Printable(domain.name).c_str());

  long printed = 0;
  session.handlers().InstallDefault([&](cm::Message& message, const char* sender) {
    if (!types.empty() && types.count(message.type_string()) == 0) return false;
    std::string time = ArrivalTime(json);
    if (json) {
      std::printf("%s\n", cm::json::Dump(MessageJson(message, sender, time)).c_str());
    } else {
      std::printf("%s from %s type %s items %zu\n", time.c_str(), Printable(sender).c_str(),
                  Printable(message.type_string()).c_str(), message.items().size());
      PrintItems(message, "  ", stdout);
    }
    std::fflush(stdout);
    return ++printed == count;
  });
  struct sigaction action = {};
  action.sa_handler = OnStopSignal;  // no SA_RESTART: the wait returns early
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  while (!g_stop && !session.Wait(0.25)) {
  }
  session.Close();
  return kExitOk;
}

}  // namespace cmtool
