// HttpView: CmNameServer's web view (--http [ADDR:]PORT, docs/operations.md,
// "Web view"): the page (http_assets.h), its JSON API and /metrics, served
// by cpp-httplib in threads of their own.  Everything shown is asked of the
// name server itself over its own port (http_queries.h); a kill goes out as
// `cm kill` sends it (http_kill.h), when HttpAccess allows it.
//
//   GET  /                  the page (index.html, app.js, style.css)
//   GET  /api/about         {domain, version, allow_kill, secret, refresh_ms}
//   GET  /api/names         = cm names --json
//   GET  /api/connects      = cm connects --json
//   GET  /api/reports       [{age, info}]: every process's last report (NSGetReports)
//   GET  /api/info/NAME     = cm info --json NAME, from NAME's last report
//   GET  /metrics           the Prometheus exposition (NSGetMetrics)
//   POST /api/kill/NAME     asks NAME to exit (http_access.h says who may)
// NAME is the path segment percent-encoded byte by byte, so a name that is
// not UTF-8 has a URL too.  Errors are {"error": "..."} with a status.
#ifndef CM_NAMESERVER_HTTP_VIEW_H
#define CM_NAMESERVER_HTTP_VIEW_H

#include <memory>
#include <string>
#include <thread>

#include "naming/domain.h"
#include "util/status.h"

namespace httplib {
class Server;
}

namespace cm {

class HttpAccess;
class HttpKill;
class HttpQueries;

struct HttpViewOptions {
  std::string host = "127.0.0.1";  // loopback unless --http names an address
  int port = 0;                    // 0: any free port (the log says which)
  bool allow_kill = false;         // --allow-kill
  int refresh_ms = 2000;           // how often the page asks again
};

// Parses --http's "[ADDR:]PORT" ("8080", "0.0.0.0:8080", "[::1]:8080").
Status ParseHttpAddress(const std::string& text, HttpViewOptions* out);

class HttpView {
 public:
  // Binds the HTTP port and starts serving.  `domain`: the domain served;
  // `own_endpoint`: this name server's "tcp://host:port".  Sets CMDOMAIN
  // and CM_NAMESERVER for the kill's Session (http_kill.h): call it before
  // other threads start.
  static Status Open(const HttpViewOptions& options, const DomainConfig& domain, const std::string& own_endpoint,
                     std::unique_ptr<HttpView>* out);
  // Stops serving (Stop), then closes the kill's Session, which ends the
  // process's ZeroMQ context: destroy the view after the name server.
  ~HttpView();

  // Stops the HTTP threads and our connection to the name server.
  void Stop();
  const std::string& url() const { return url_; }

 private:
  HttpView() = default;
  void Route();

  HttpViewOptions options_;
  std::string domain_;
  std::string url_;
  std::unique_ptr<httplib::Server> server_;
  std::unique_ptr<HttpQueries> queries_;
  std::unique_ptr<HttpAccess> access_;
  std::unique_ptr<HttpKill> kill_;
  std::thread thread_;
};

}  // namespace cm

#endif
