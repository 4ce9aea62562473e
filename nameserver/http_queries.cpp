#include "http_queries.h"

#include <algorithm>

namespace cm {
namespace {

// Moves `message`'s cursor to item `end` (or its last item).
void SkipItems(Message& message, size_t end) {
  while (message.cursor() < end && message.PeekKind() != ItemKind::kTail) {
    size_t size;
    switch (message.PeekKind()) {
      case ItemKind::kText: (void)message.GetText(); break;
      case ItemKind::kBytes:
      case ItemKind::kArray: (void)message.GetBytes(&size); break;  // (an array: a warning, still skipped)
      default: (void)message.GetLong();  // a number of any kind
    }
  }
}

}  // namespace

HttpQueries::HttpQueries(const DomainConfig& own) : client_(own, "http-view") {
  client_.set_sender("CmNameServer/http");
}

Status HttpQueries::Names(std::vector<NameRecord>* names) {
  std::lock_guard<std::mutex> lock(mu_);
  client_.DrainUnsolicited();
  return client_.List(names, kQueryTimeoutMs);
}

Status HttpQueries::Connects(std::vector<ConnectRecord>* connects) {
  std::lock_guard<std::mutex> lock(mu_);
  client_.DrainUnsolicited();
  return client_.Connects(connects, kQueryTimeoutMs);
}

Status HttpQueries::Lookup(const std::string& name, NameRecord* record) {
  std::lock_guard<std::mutex> lock(mu_);
  client_.DrainUnsolicited();
  return client_.Lookup(name, record, kQueryTimeoutMs);
}

Status HttpQueries::Reports(std::vector<ProcessReport>* reports) {
  Message request, reply;
  request.SetType("NSGetReports");
  {
    std::lock_guard<std::mutex> lock(mu_);
    client_.DrainUnsolicited();
    Status s = client_.Call(request, &reply, kQueryTimeoutMs);
    if (!s.ok()) return s;
  }
  // docs/protocol.md, NSGetReports: int n, then n times (long age in ms,
  // int k, k items: a ProcessInfo).  k lets us skip what a later release
  // appends to a report.
  reports->clear();
  int n = reply.GetInt();
  for (int i = 0; i < n && reply.PeekKind() != ItemKind::kTail; ++i) {
    ProcessReport report;
    report.age_seconds = reply.GetLong() / 1000.0;
    int k = reply.GetInt();
    size_t end = reply.cursor() + static_cast<size_t>(std::max(k, 0));
    if (!GetProcessInfo(reply, &report.info) || reply.cursor() > end)
      return Status::Malformed("report " + std::to_string(i + 1) + " of " + std::to_string(n) +
                               " is not a ProcessInfo");
    SkipItems(reply, end);
    reports->push_back(std::move(report));
  }
  return Status::Ok();
}

Status HttpQueries::Metrics(std::string* text) {
  Message request, reply;
  request.SetType("NSGetMetrics");
  std::lock_guard<std::mutex> lock(mu_);
  client_.DrainUnsolicited();
  Status s = client_.Call(request, &reply, kQueryTimeoutMs);
  if (!s.ok()) return s;
  const char* exposition = reply.GetText();
  text->assign(exposition ? exposition : "");
  return Status::Ok();
}

}  // namespace cm
