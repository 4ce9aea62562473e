// HttpQueries: what the web view shows, asked of this name server the way any
// client asks it (NSGetNames, NSGetConnects, NSGetReports, NSGetMetrics,
// NSGetAddress), over a NameClient connected to our own port.  The
// registry belongs to the server's loop thread: asking through the socket
// keeps it that way, and the page sees exactly what `cm` sees.
//
// Thread-safe: the HTTP server's threads share one connection, one
// question at a time (each bounded by kQueryTimeoutMs).
#ifndef CM_NAMESERVER_HTTP_QUERIES_H
#define CM_NAMESERVER_HTTP_QUERIES_H

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "naming/domain.h"
#include "naming/name_client.h"
#include "naming/process_info.h"
#include "util/status.h"

namespace cm {

// A process's last periodic report, as the name server keeps it.
struct ProcessReport {
  ProcessInfo info;
  double age_seconds = 0;  // since the name server received it
};

class HttpQueries {
 public:
  // How long one question may take, our own server being on this host.
  static constexpr int kQueryTimeoutMs = 3000;

  // `own`: our domain, its name servers being this one only.
  explicit HttpQueries(const DomainConfig& own);

  Status Names(std::vector<NameRecord>* names);
  Status Connects(std::vector<ConnectRecord>* connects);
  Status Reports(std::vector<ProcessReport>* reports);
  Status Metrics(std::string* text);  // the Prometheus exposition
  Status Lookup(const std::string& name, NameRecord* record);

 private:
  std::mutex mu_;
  NameClient client_;
};

}  // namespace cm

#endif
