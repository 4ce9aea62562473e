// cli: what every cm subcommand shares.  Exit codes, the one error type
// (reported as one line "cm: <text>" by main), legacy-style option parsing,
// and access to the domain's name servers.
#ifndef CM_TOOLS_CLI_H
#define CM_TOOLS_CLI_H

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "naming/domain.h"
#include "naming/name_client.h"
#include "util/status.h"

namespace cmtool {

namespace po = boost::program_options;
using Args = std::vector<std::string>;  // the words after the subcommand

// Exit status of every command (docs/cm.md, "Exit status").
enum Exit {
  kExitOk = 0,
  kExitFailed = 1,      // unknown name, not delivered, refused, not running
  kExitUsage = 2,       // bad option, bad item value, unknown domain
  kExitTimeout = 3,     // a registered process did not answer in time
  kExitNameServer = 4,  // no name server of the domain answered
};

// A failure, printed by main as one line on stderr.
class Failure : public std::runtime_error {
 public:
  Failure(int code, const std::string& message) : std::runtime_error(message), code_(code) {}
  int code() const { return code_; }

 private:
  int code_;
};

[[noreturn]] void Fail(int code, const std::string& message);

// How long a command waits for a name server's answer.
constexpr int kNameServerTimeoutMs = 1500;

// The help of one subcommand.
struct CommandHelp {
  const char* name;         // "ping"
  const char* usage;        // "cm ping NAME [options]"
  const char* description;  // what it does, a few lines
  const char* examples;     // "  cm ping Daq\n..."
};

// A subcommand's options: the visible ones (printed by --help, which and
// --domain are already there) and the positional arguments.
struct CommandLine {
  explicit CommandLine(const CommandHelp& help);
  // Adds --timeout SECONDS (default `seconds`).
  void AddTimeout(double seconds, const char* what);
  // Declares positional argument `name` (one word), required or not.
  void AddPositional(const char* name, const char* what);

  // Parses `args` in the legacy style: single-dash long options (-type) are
  // accepted, abbreviations are not.  False when --help was printed (the
  // command then returns 0).  Bad syntax: Failure(kExitUsage).
  bool Parse(const Args& args);

  // The value of option or positional argument `name`, or Failure(kExitUsage)
  // naming `what` when it is missing.
  std::string Required(const char* name) const;
  bool Has(const char* name) const { return vm.count(name) != 0; }
  double TimeoutSeconds() const;
  int TimeoutMs() const { return static_cast<int>(TimeoutSeconds() * 1000 + 0.5); }

  // The domain from --domain, else $CMDOMAIN.  It is also exported as
  // CMDOMAIN, so that the Session (which reads the environment) agrees.
  cm::DomainConfig Domain(bool load_secret = true) const;

  const CommandHelp& help;
  po::options_description options;
  po::options_description hidden;
  po::positional_options_description positional;
  po::parsed_options parsed{nullptr};
  po::variables_map vm;

 private:
  std::vector<std::pair<std::string, std::string>> positional_names_;  // name, what
  bool has_timeout_ = false;
};

// A short-lived client of the domain's name servers (close it, by letting
// it go, before the program exits).
std::unique_ptr<cm::NameClient> ConnectNameServers(const cm::DomainConfig& domain);
// A client of just one of them.
std::unique_ptr<cm::NameClient> ConnectNameServer(const cm::DomainConfig& domain, size_t index);

// Failure for a name server call that did not succeed: not reachable or no
// answer -> kExitNameServer; refused -> kExitFailed.
void CheckNameServer(const cm::Status& status);

// The registration of `name`; not registered: Failure(kExitFailed, "<name>: not running").
cm::NameRecord LookupOrFail(cm::NameClient& names, const std::string& name);

// This tool's process name in frames and logs: "<host>_<pid>", the form of
// the library's automatic names.
std::string OwnName();

}  // namespace cmtool

#endif
