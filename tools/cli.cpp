#include "cli.h"

#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "transport/address.h"

namespace cmtool {

void Fail(int code, const std::string& message) { throw Failure(code, message); }

CommandLine::CommandLine(const CommandHelp& h) : help(h), options("Options"), hidden("Hidden") {
  options.add_options()
      ("help,h", "print this help and exit")
      ("domain", po::value<std::string>()->value_name("NAME"), "the Cm domain (default: $CMDOMAIN, else 'default')");
}

void CommandLine::AddTimeout(double seconds, const char* what) {
  options.add_options()("timeout", po::value<double>()->default_value(seconds)->value_name("SECONDS"), what);
  has_timeout_ = true;
}

void CommandLine::AddPositional(const char* name, const char* what) {
  hidden.add_options()(name, po::value<std::string>(), what);
  positional.add(name, 1);
  positional_names_.emplace_back(name, what);
}

bool CommandLine::Parse(const Args& args) {
  po::options_description all;
  all.add(options).add(hidden);
  // unix style without abbreviations, plus the legacy single-dash long
  // options (-type).  Guessing would make "-t" ambiguous (text, type, timeout).
  int style = (po::command_line_style::unix_style & ~po::command_line_style::allow_guessing) |
              po::command_line_style::allow_long_disguise;
  std::string prefix = std::string(help.name) + ": ";
  try {
    parsed = po::command_line_parser(args).options(all).positional(positional).style(style).run();
    po::store(parsed, vm);
    po::notify(vm);
  } catch (const po::error& e) {
    Fail(kExitUsage, prefix + e.what() + " (try cm " + help.name + " --help)");
  }
  if (Has("help")) {
    std::cout << "Usage: " << help.usage << "\n\n" << help.description << "\n\n" << options << "\nExamples:\n"
              << help.examples;
    return false;
  }
  if (has_timeout_) {
    double t = vm["timeout"].as<double>();
    if (!(t > 0 && t <= 3600)) Fail(kExitUsage, prefix + "--timeout must be more than 0 and at most 3600 seconds");
  }
  return true;
}

std::string CommandLine::Required(const char* name) const {
  if (vm.count(name)) return vm[name].as<std::string>();
  std::string what = std::string("--") + name;
  for (const auto& [n, w] : positional_names_)
    if (n == name) what = w;
  Fail(kExitUsage, std::string(help.name) + ": missing " + what + " (try cm " + help.name + " --help)");
}

double CommandLine::TimeoutSeconds() const { return vm["timeout"].as<double>(); }

cm::DomainConfig CommandLine::Domain(bool load_secret) const {
  std::string name;
  if (Has("domain")) {
    name = vm["domain"].as<std::string>();
    if (name.empty()) Fail(kExitUsage, std::string(help.name) + ": --domain needs a domain name");
    setenv("CMDOMAIN", name.c_str(), 1);
  }
  cm::DomainConfig domain;
  cm::Status s = cm::LoadDomain(name, &domain, load_secret);
  if (s.ok() && domain.name_servers.empty()) s = cm::Status::NotFound("domain '" + domain.name + "' has no name server");
  if (!s.ok()) Fail(kExitUsage, s.message());
  return domain;
}

std::unique_ptr<cm::NameClient> ConnectNameServers(const cm::DomainConfig& domain) {
  // A routing id of our own: the session's (if any) is its listener's.
  auto client = std::make_unique<cm::NameClient>(domain, "cm-" + cm::NewIncarnation());
  client->set_sender(OwnName());
  return client;
}

std::unique_ptr<cm::NameClient> ConnectNameServer(const cm::DomainConfig& domain, size_t index) {
  cm::DomainConfig one = domain;
  one.name_servers = {domain.name_servers.at(index)};
  return ConnectNameServers(one);
}

void CheckNameServer(const cm::Status& status) {
  if (status.ok()) return;
  switch (status.code()) {
    case cm::Status::Code::kUnavailable:
    case cm::Status::Code::kTimeout:
      Fail(kExitNameServer, status.message());
    default:
      Fail(kExitFailed, "the name server says: " + status.message());
  }
}

cm::NameRecord LookupOrFail(cm::NameClient& names, const std::string& name) {
  cm::NameRecord record;
  cm::Status s = names.Lookup(name, &record, kNameServerTimeoutMs);
  if (s.IsNotFound()) Fail(kExitFailed, name + ": not running (no process is registered under that name)");
  CheckNameServer(s);
  return record;
}

std::string OwnName() { return cm::LocalHostName() + "_" + std::to_string(getpid()); }

}  // namespace cmtool
