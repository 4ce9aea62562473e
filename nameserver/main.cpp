// CmNameServer: command line, domain resolution, then the daemon's loop.
#include <sys/stat.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include <boost/program_options.hpp>

#include "http_view.h"
#include "memory_registry.h"
#include "name_server.h"
#include "naming/domain.h"
#include "stop_signal.h"
#include "transport/context.h"
#include "util/log.h"
#include "util/open_files.h"

namespace po = boost::program_options;

namespace {

constexpr char kExamples[] =
    "Examples:\n"
    "  CmNameServer                      serve the domain $CMDOMAIN names (without it: domain\n"
    "                                    'default', port 19000)\n"
    "  CmNameServer --domain Conda       serve domain Conda on the port its CmDomains line gives\n"
    "  CmNameServer --port 19500         serve on port 19500 whatever the domain says\n"
    "  CmNameServer --log-level debug    also log every request that fails\n"
    "  CmNameServer --log-file           log to <repository>/CmNameServer.<domain>.log\n"
    "  CmNameServer --http 8080          also serve the web view on http://127.0.0.1:8080/\n";

// Where --log-file without a path writes: beside the domain's other files.
std::string DefaultLogFile(const cm::DomainConfig& domain) {
  return domain.repository + "/CmNameServer." + domain.name + ".log";
}

// SIGHUP (logrotate has moved the file away): lines go on in a new file.
void ReopenLog() {
  std::string path = cm::LogFilePath();
  cm::Status s = cm::ReopenLogFile();
  if (path.empty())
    CM_INFO("SIGHUP: no log file to reopen (lines go to stderr)");
  else if (!s.ok())
    CM_ERROR("SIGHUP: %s: lines go on to the file as it was", s.message().c_str());
  else
    CM_INFO("SIGHUP: log file %s reopened", path.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  cm::SetLogName("CmNameServer");
  cm::SetDefaultLogLevel(cm::LogLevel::kInfo);  // a daemon says what it does

  po::options_description options("Options");
  options.add_options()
      ("help,h", "print this help and exit")
      ("domain", po::value<std::string>()->value_name("NAME"),
       "the domain to serve (default: $CMDOMAIN, else 'default')")
      ("port", po::value<int>()->value_name("N"),
       "the port to listen on (default: the domain's name-server port)")
      ("log-level", po::value<std::string>()->value_name("LEVEL"),
       "error, warn, info, debug or trace (default: $CM_LOG, else info)")
      ("log-file", po::value<std::string>()->implicit_value("")->value_name("PATH"),
       "append log lines to PATH instead of stderr (without PATH: "
       "<repository>/CmNameServer.<domain>.log), reopened on SIGHUP (default: $CM_LOG_FILE, else stderr)")
      ("max-request-kb", po::value<int>()->value_name("N"),
       "close a connection whose request frame declares more than N KiB (default: 64)")
      ("max-names-per-connection", po::value<int>()->value_name("N"),
       "refuse a registration beyond N names on one connection (default: 16; a process registers one)")
      ("http", po::value<std::string>()->value_name("[ADDR:]PORT"),
       "serve the web view (docs/operations.md, \"Web view\") on PORT of ADDR (default "
       "address: 127.0.0.1, this host only; PORT 0: any free port, logged)")
      ("allow-kill", "let the web view kill processes (behind a confirmation; in a domain "
       "with a secret, only with its key)");
  po::variables_map args;
  try {
    po::store(po::command_line_parser(argc, argv).options(options).run(), args);
    po::notify(args);
  } catch (const po::error& e) {
    std::fprintf(stderr, "CmNameServer: %s (try --help)\n", e.what());
    return 2;
  }
  if (args.count("help")) {
    std::cout << "Usage: CmNameServer [options]\n\n"
                 "The name server of a Cm domain: processes register their names here and\n"
                 "look up each other's addresses.  Stops on SIGINT, SIGTERM or an NSStop request;\n"
                 "reopens its log file on SIGHUP.\n\n"
              << options << "\n" << kExamples;
    return 0;
  }
  if (args.count("log-level")) {
    std::string text = args["log-level"].as<std::string>();
    cm::LogLevel level;
    if (!cm::ParseLogLevel(text, &level)) {
      std::fprintf(stderr, "CmNameServer: --log-level must be one of %s, not '%s'\n", cm::LogLevelNames(),
                   text.c_str());
      return 2;
    }
    cm::SetLogLevel(level);  // over CM_LOG
  }

  cm::DomainConfig domain;
  cm::Status s = cm::LoadDomain(args.count("domain") ? args["domain"].as<std::string>() : "", &domain);
  if (s.ok() && domain.name_servers.empty()) s = cm::Status::NotFound("domain '" + domain.name + "' has no name server");
  if (!s.ok()) {
    CM_ERROR("%s", s.message().c_str());
    return 1;
  }
  if (args.count("log-file")) {
    std::string path = args["log-file"].as<std::string>();
    if (path.empty()) {
      path = DefaultLogFile(domain);
      mkdir(domain.repository.c_str(), 0755);  // as `cm secret` would (/tmp/cm on a fresh machine); else said below
    }
    s = cm::SetLogFile(path);
    if (!s.ok()) {
      CM_ERROR("--log-file: %s", s.message().c_str());
      return 1;
    }
  }
  cm::NameServerOptions server_options;
  server_options.domain = domain.name;
  server_options.host = domain.name_servers[0].host;
  server_options.security = domain.security;
  server_options.port = args.count("port") ? args["port"].as<int>() : domain.name_servers[0].port;
  if (server_options.port <= 0 || server_options.port > 65535) {
    std::fprintf(stderr, "CmNameServer: --port must be 1 to 65535, not %d\n", server_options.port);
    return 2;
  }
  if (args.count("max-request-kb")) {
    int kb = args["max-request-kb"].as<int>();
    if (kb < 1 || kb > 1024 * 1024) {
      std::fprintf(stderr, "CmNameServer: --max-request-kb must be 1 to 1048576, not %d\n", kb);
      return 2;
    }
    server_options.max_request_bytes = int64_t{kb} << 10;
  }
  if (args.count("max-names-per-connection")) {
    int names = args["max-names-per-connection"].as<int>();
    if (names < 1) {
      std::fprintf(stderr, "CmNameServer: --max-names-per-connection must be at least 1, not %d\n", names);
      return 2;
    }
    server_options.max_names_per_connection = static_cast<size_t>(names);
  }
  cm::HttpViewOptions http_options;
  http_options.allow_kill = args.count("allow-kill") != 0;
  if (args.count("http")) {
    cm::Status parsed = cm::ParseHttpAddress(args["http"].as<std::string>(), &http_options);
    if (!parsed.ok()) {
      std::fprintf(stderr, "CmNameServer: %s\n", parsed.message().c_str());
      return 2;
    }
  } else if (http_options.allow_kill) {
    std::fprintf(stderr, "CmNameServer: --allow-kill is about the web view: give --http too\n");
    return 2;
  }

  long open_files = cm::RaiseOpenFileLimit();  // one descriptor per client
  cm::StopSignal stop;
  s = cm::StopSignal::Install(&stop);
  std::unique_ptr<cm::NameServer> server;
  if (s.ok()) s = cm::NameServer::Open(server_options, std::make_unique<cm::MemoryRegistry>(), &server);
  if (!s.ok()) {
    CM_ERROR("%s", s.message().c_str());
    return 1;
  }
  CM_INFO("serving domain '%s' (%s) on %s, version %s, up to %ld open files, %s", domain.name.c_str(),
          domain.source.c_str(), server->address().endpoint.c_str(), CM_VERSION, open_files,
          domain.security.enabled() ? ("members only: secret " + domain.security.source).c_str()
                                    : "open to all (no domain secret)");
  std::unique_ptr<cm::HttpView> http_view;  // destroyed after the server: see http_view.h
  if (args.count("http")) {
    std::string own = "tcp://" + server_options.host + ":" + std::to_string(server_options.port);
    s = cm::HttpView::Open(http_options, domain, own, &http_view);
    if (!s.ok()) {
      CM_ERROR("%s", s.message().c_str());
      server.reset();
      cm::TerminateZmqContext();
      return 1;
    }
    CM_INFO("web view on %s%s", http_view->url().c_str(),
            !http_options.allow_kill ? " (read-only)"
            : domain.security.enabled() ? " (kill allowed with the domain's key)" : " (kill allowed)");
  }
  std::string why;
  for (;;) {
    why = server->Run(stop.fd());
    if (why != "signal" || cm::StopSignal::Received() != 0) break;
    if (stop.TakeHangup()) ReopenLog();  // else the byte of a SIGHUP already taken
  }
  CM_INFO("stopping: %s", why.c_str());
  if (http_view) http_view->Stop();
  server.reset();
  http_view.reset();  // after the server: it may end the ZeroMQ context (http_kill.h)
  // We own every socket of this process, so the context can end: that waits
  // (up to the linger) for the last reply, the one to NSStop, to go out.
  cm::TerminateZmqContext();
  return 0;
}
