#include "http_view.h"

#include <sys/socket.h>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <thread>
#include <utility>

#include <httplib.h>

#include "http_access.h"
#include "http_assets.h"
#include "http_kill.h"
#include "http_queries.h"
#include "json/json_view.h"
#include "util/log.h"

namespace cm {
namespace {

using json::Json;

// A Cm name is a C string: "A%00B" would be taken as "A" further down
// (and a kill would reach A).
constexpr char kNulInName[] = "a process name cannot hold a NUL byte (%00)";

int64_t Now() { return static_cast<int64_t>(std::time(nullptr)); }

void SendJson(httplib::Response& res, const Json& value, int status = 200) {
  res.status = status;
  res.set_header("Cache-Control", "no-store");
  // With the charset, which cpp-httplib does not compress: brotli's slowest
  // level (its choice) would cost more than sending the bytes, every refresh.
  res.set_content(json::Dump(value), "application/json; charset=utf-8");
}

void SendError(httplib::Response& res, int status, const std::string& why) {
  SendJson(res, Json{{"error", why}}, status);
}

// A failed question to our own name server, as an HTTP status.
void SendFailure(httplib::Response& res, const Status& s, const char* request) {
  switch (s.code()) {
    case Status::Code::kNotFound: return SendError(res, 404, s.message());
    case Status::Code::kRefused:  // an older name server: it does not know the request
      return SendError(res, 501, std::string("the name server does not answer ") + request + ": " + s.message());
    default: return SendError(res, 503, std::string(request) + ": " + s.message());
  }
}

bool IsLoopback(const std::string& host) {
  return host == "127.0.0.1" || host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

// The Host header without its port ("[::1]:80" -> "::1").
std::string HostOnly(const std::string& header) {
  if (!header.empty() && header[0] == '[') {
    size_t end = header.find(']');
    return end == std::string::npos ? header : header.substr(1, end - 1);
  }
  return header.substr(0, header.find(':'));
}

}  // namespace

Status ParseHttpAddress(const std::string& text, HttpViewOptions* out) {
  std::string host = out->host, port = text;
  if (!text.empty() && text[0] == '[') {  // [v6]:port
    size_t end = text.find("]:");
    if (end == std::string::npos) return Status::Invalid("--http: '" + text + "' is not [ADDR]:PORT");
    host = text.substr(1, end - 1);
    port = text.substr(end + 2);
  } else if (size_t colon = text.rfind(':'); colon != std::string::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  char* end = nullptr;
  long n = port.empty() ? -1 : std::strtol(port.c_str(), &end, 10);
  if (host.empty() || port.empty() || *end != '\0' || n < 0 || n > 65535)
    return Status::Invalid("--http: '" + text + "' is not [ADDR:]PORT with PORT 0 to 65535");
  out->host = host;
  out->port = static_cast<int>(n);
  return Status::Ok();
}

Status HttpView::Open(const HttpViewOptions& options, const DomainConfig& domain, const std::string& own_endpoint,
                      std::unique_ptr<HttpView>* out) {
  std::unique_ptr<HttpView> view(new HttpView());
  view->options_ = options;
  view->domain_ = domain.name;
  DomainConfig own = domain;
  Status s = ParseNameServerList(own_endpoint, &own.name_servers);
  if (!s.ok()) return s;
  // The kill's Session reads its domain from the environment (http_kill.h).
  setenv("CMDOMAIN", domain.name.c_str(), 1);
  setenv("CM_NAMESERVER", own_endpoint.c_str(), 1);

  view->queries_ = std::make_unique<HttpQueries>(own);
  view->access_ = std::make_unique<HttpAccess>(options.allow_kill, domain.security);
  view->kill_ = std::make_unique<HttpKill>(domain.name, view->queries_.get());
  view->server_ = std::make_unique<httplib::Server>();
  // A thread serves one connection until it closes, and a browser keeps
  // up to six open to a host: threads for two pages, and idle connections
  // closed soon (a page asks again within its refresh anyway).
  view->server_->new_task_queue = [] { return new httplib::ThreadPool(12); };
  view->server_->set_keep_alive_timeout(1);
  // SO_REUSEADDR only: httplib's default adds SO_REUSEPORT, with which a
  // second name server would share a taken port instead of being refused.
  view->server_->set_socket_options([](int sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  view->Route();

  int port = options.port;
  if (port == 0) {
    port = view->server_->bind_to_any_port(options.host);
    if (port <= 0) return Status::Unavailable("--http: cannot listen on " + options.host);
  } else if (!view->server_->bind_to_port(options.host, port)) {
    return Status::Unavailable("--http: cannot listen on " + options.host + ":" + std::to_string(port) +
                               " (taken, or not an address of this host)");
  }
  bool v6 = options.host.find(':') != std::string::npos;
  view->url_ = "http://" + (v6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(port) + "/";
  httplib::Server* server = view->server_.get();
  view->thread_ = std::thread([server] { server->listen_after_bind(); });
  // stop() before the loop runs would be lost, and the join wait forever.
  for (int i = 0; i < 2000 && !server->is_running(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  *out = std::move(view);
  return Status::Ok();
}

HttpView::~HttpView() {
  Stop();
  if (kill_) kill_->Close();
}

void HttpView::Stop() {
  if (server_) server_->stop();
  if (thread_.joinable()) thread_.join();
  queries_.reset();  // its sockets, before the kill's Session ends the context
}

void HttpView::Route() {
  httplib::Server& http = *server_;
  // Bound to loopback, answer only requests addressed to loopback: a web
  // page elsewhere cannot then reach us by rebinding its own host name to
  // 127.0.0.1 (DNS rebinding).
  if (IsLoopback(options_.host)) {
    http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
      if (IsLoopback(HostOnly(req.get_header_value("Host")))) return httplib::Server::HandlerResponse::Unhandled;
      SendError(res, 421, "this web view answers only requests to a loopback address");
      return httplib::Server::HandlerResponse::Handled;
    });
  }

  // What no route answered (a path we do not serve, a method we do not take): JSON too.
  http.set_error_handler(httplib::Server::HandlerWithResponse([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;  // ours already
    std::string why = "cannot serve " + req.method + " " + req.path;
    if (res.status == 404) why = "no such page: " + req.path;
    if (res.status == 400) why = "malformed request (a POST without a body needs Content-Length: 0; curl -d '')";
    SendError(res, res.status, why);
    return httplib::Server::HandlerResponse::Handled;
  }));
  http.Get("/api/about", [this](const httplib::Request&, httplib::Response& res) {
    SendJson(res, Json{{"domain", json::Text(domain_)},
                       {"version", CM_VERSION},
                       {"allow_kill", access_->allow_kill()},
                       {"secret", access_->needs_key()},
                       {"refresh_ms", options_.refresh_ms}});
  });
  http.Get("/api/names", [this](const httplib::Request&, httplib::Response& res) {
    std::vector<NameRecord> names;
    Status s = queries_->Names(&names);
    if (!s.ok()) return SendFailure(res, s, "NSGetNames");
    SendJson(res, json::Names(names, Now()));
  });
  http.Get("/api/connects", [this](const httplib::Request&, httplib::Response& res) {
    std::vector<ConnectRecord> connects;
    Status s = queries_->Connects(&connects);
    if (!s.ok()) return SendFailure(res, s, "NSGetConnects");
    SendJson(res, json::Connects(connects));
  });
  http.Get("/api/reports", [this](const httplib::Request&, httplib::Response& res) {
    std::vector<ProcessReport> reports;
    Status s = queries_->Reports(&reports);
    if (!s.ok()) return SendFailure(res, s, "NSGetReports");
    Json out = Json::array();
    int64_t now = Now();
    for (const ProcessReport& r : reports)
      out.push_back(Json{{"age", r.age_seconds}, {"info", json::Info(r.info, now)}});
    SendJson(res, out);
  });
  http.Get(R"(/api/info/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::string name = req.matches[1];
    if (name.find('\0') != std::string::npos) return SendError(res, 400, kNulInName);
    std::vector<ProcessReport> reports;
    Status s = queries_->Reports(&reports);
    if (!s.ok()) return SendFailure(res, s, "NSGetReports");
    for (const ProcessReport& r : reports)
      if (r.info.name == name) return SendJson(res, json::Info(r.info, Now()));
    NameRecord record;
    s = queries_->Lookup(name, &record);
    if (s.ok())
      return SendError(res, 404, name + " is registered but has not reported yet (or cannot: a release before 1.1)");
    if (s.IsNotFound()) return SendError(res, 404, name + ": not running");
    SendFailure(res, s, "NSGetAddress");
  });
  http.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    std::string text;
    Status s = queries_->Metrics(&text);
    if (!s.ok()) return SendFailure(res, s, "NSGetMetrics");
    res.set_content(text, "text/plain; version=0.0.4");
  });
  http.Post(R"(/api/kill/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
    std::string name = req.matches[1], why;
    if (name.find('\0') != std::string::npos) return SendError(res, 400, kNulInName);
    int refused = access_->CheckKill(req.get_header_value("X-Cm-Confirm"), req.get_header_value("X-Cm-Key"), &why);
    if (refused != 0) {
      CM_INFO("web view: refused to kill '%s' for %s: %s", name.c_str(), req.remote_addr.c_str(), why.c_str());
      return SendError(res, refused, why);
    }
    CM_INFO("web view: %s asks '%s' to exit", req.remote_addr.c_str(), name.c_str());
    std::string said;
    Status s = kill_->Kill(name, &said);
    if (!s.ok()) {
      int status = s.IsNotFound() ? 404 : s.code() == Status::Code::kRefused ? 409 : s.IsTimeout() ? 504 : 503;
      return SendError(res, status, s.message());
    }
    SendJson(res, Json{{"result", said}});
  });
  // The page.  Built without npm there is none: say so instead.
  http.Get(R"(/[^/]*)", [](const httplib::Request& req, httplib::Response& res) {
    const HttpAsset* asset = FindHttpAsset(req.path);
    if (asset != nullptr) return res.set_content(std::string(asset->body()), HttpContentType(req.path));
    if (kHttpAssetCount == 0 && req.path == "/")
      return res.set_content("CmNameServer was built without its web page (npm was missing): the JSON API "
                             "(/api/names, /api/connects, /api/reports, /api/info/NAME) and /metrics are served.\n",
                             "text/plain; charset=utf-8");
    SendError(res, 404, "no such page: " + req.path);
  });
}

}  // namespace cm
