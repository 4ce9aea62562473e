#include "metrics.h"

#include <cinttypes>
#include <cstdio>
#include <utility>
#include <vector>

namespace cm {
namespace {

using Labels = std::vector<std::pair<const char*, std::string>>;

// The length of the valid UTF-8 sequence at `p` (`left` bytes there), 0 if
// there is none (RFC 3629: no overlong forms, no surrogates, nothing past
// U+10FFFF).
size_t Utf8Length(const unsigned char* p, size_t left) {
  auto continuation = [&](size_t i, unsigned char low = 0x80, unsigned char high = 0xbf) {
    return i < left && p[i] >= low && p[i] <= high;
  };
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return continuation(1) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    unsigned char low = c == 0xe0 ? 0xa0 : 0x80, high = c == 0xed ? 0x9f : 0xbf;
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    unsigned char low = c == 0xf0 ? 0x90 : 0x80, high = c == 0xf4 ? 0x8f : 0xbf;
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}

// The text in the making: a family's # HELP and # TYPE lines once, then its
// samples.
class Exposition {
 public:
  void Family(const char* name, const char* type, const char* help) {
    text_ += "# HELP ";
    text_ += name;
    text_ += ' ';
    text_ += help;
    text_ += "\n# TYPE ";
    text_ += name;
    text_ += ' ';
    text_ += type;
    text_ += '\n';
  }
  void Sample(const char* name, const Labels& labels, int64_t value) {
    char number[32];
    std::snprintf(number, sizeof number, "%" PRId64, value);
    Line(name, labels, number);
  }
  void Sample(const char* name, const Labels& labels, double value) {
    char number[40];
    std::snprintf(number, sizeof number, "%.9g", value);
    Line(name, labels, number);
  }
  std::string Take() { return std::move(text_); }

 private:
  void Line(const char* name, const Labels& labels, const char* value) {
    text_ += name;
    if (!labels.empty()) {
      text_ += '{';
      for (size_t i = 0; i < labels.size(); ++i) {
        if (i > 0) text_ += ',';
        text_ += labels[i].first;
        text_ += "=\"";
        text_ += EscapeLabelValue(labels[i].second);
        text_ += '"';
      }
      text_ += '}';
    }
    text_ += ' ';
    text_ += value;
    text_ += '\n';
  }

  std::string text_;
};

double Seconds(std::chrono::steady_clock::duration d) { return std::chrono::duration<double>(d).count(); }

void RenderServer(const ServerCounts& counts, const RequestMetrics& requests, const Registry& registry,
                  size_t pairs, Exposition* out) {
  out->Family("cm_nameserver_requests_total", "counter",
              "Requests served, by type (\"other\": a type the name server does not know).");
  for (const auto& [type, per] : requests.by_type())
    out->Sample("cm_nameserver_requests_total", {{"type", type}}, per.count);

  out->Family("cm_nameserver_request_duration_seconds", "histogram",
              "Time from a request's frame decoded to its reply handed to ZeroMQ, by type.");
  for (const auto& [type, per] : requests.by_type()) {
    int64_t cumulative = 0;
    for (size_t i = 0; i < RequestMetrics::kBucketSeconds.size(); ++i) {
      cumulative += per.buckets[i];
      char le[32];
      std::snprintf(le, sizeof le, "%g", RequestMetrics::kBucketSeconds[i]);
      out->Sample("cm_nameserver_request_duration_seconds_bucket", {{"type", type}, {"le", le}}, cumulative);
    }
    out->Sample("cm_nameserver_request_duration_seconds_bucket", {{"type", type}, {"le", "+Inf"}}, per.count);
    out->Sample("cm_nameserver_request_duration_seconds_sum", {{"type", type}}, per.sum_seconds);
    out->Sample("cm_nameserver_request_duration_seconds_count", {{"type", type}}, per.count);
  }

  struct Counter {
    const char* name;
    const char* help;
    int64_t value;
  };
  const Counter counters[] = {
      {"cm_nameserver_registrations_total", "NSRegister requests that succeeded.", counts.registered},
      {"cm_nameserver_unregistrations_total", "NSUnregister requests that succeeded.", counts.unregistered},
      {"cm_nameserver_cleanups_total", "Names dropped because their process was gone.", counts.cleaned},
      {"cm_nameserver_malformed_frames_total", "Frames that did not decode, dropped.", counts.malformed},
      {"cm_nameserver_connect_notifications_total", "NSConnect notifications taken.", counts.connects},
      {"cm_nameserver_reports_total", "NSReport notifications taken.", counts.reports},
  };
  for (const Counter& c : counters) {
    out->Family(c.name, "counter", c.help);
    out->Sample(c.name, {}, c.value);
  }
  const Counter gauges[] = {
      {"cm_nameserver_names", "Names registered now.", static_cast<int64_t>(registry.size())},
      {"cm_nameserver_connect_pairs", "Pairs (from, to) of registered names with a message count.",
       static_cast<int64_t>(pairs)},
      {"cm_nameserver_process_reports", "Registered names whose process has reported.",
       static_cast<int64_t>(registry.ReportCount())},
  };
  for (const Counter& g : gauges) {
    out->Family(g.name, "gauge", g.help);
    out->Sample(g.name, {}, g.value);
  }
  out->Family("cm_nameserver_uptime_seconds", "gauge", "Time since the name server started.");
  out->Sample("cm_nameserver_uptime_seconds", {}, counts.uptime_seconds);
}

// One family per quantity, each with a sample per reported process: the
// format wants a family's samples together.
void RenderProcesses(const Registry& registry, std::chrono::steady_clock::time_point now, Exposition* out) {
  using Value = std::function<int64_t(const ProcessInfo&)>;
  struct Quantity {
    const char* name;
    const char* type;
    const char* help;
    Value value;
  };
  const Quantity quantities[] = {
      {"cm_process_messages_sent_total", "counter", "Messages the process sent (CmMessageSend returned 1).",
       [](const ProcessInfo& i) { return i.sent; }},
      {"cm_process_messages_received_total", "counter", "Messages the process received.",
       [](const ProcessInfo& i) { return i.received; }},
      {"cm_process_send_failures_total", "counter", "Sends that returned 0.",
       [](const ProcessInfo& i) { return i.send_failures; }},
      {"cm_process_messages_unacknowledged_total", "counter",
       "Messages sent to peers that went away before acknowledging them.",
       [](const ProcessInfo& i) { return i.unacked; }},
      {"cm_process_queue_depth", "gauge", "Messages received and not yet dispatched, when it reported.",
       [](const ProcessInfo& i) { return i.queued; }},
      {"cm_process_handlers", "gauge", "Handlers installed (the default handler counts one).",
       [](const ProcessInfo& i) { return static_cast<int64_t>(i.handlers); }},
      {"cm_process_start_time_seconds", "gauge", "When the process started using Cm (Unix time; 0: not said).",
       [](const ProcessInfo& i) { return i.start_time; }},
  };
  for (const Quantity& q : quantities) {
    out->Family(q.name, q.type, q.help);
    registry.ForEachReport([&](const Report& r) {
      out->Sample(q.name, {{"name", r.info.name}, {"host", r.info.host}}, q.value(r.info));
    });
  }
  // Dropped on receipt, by why: no handler, a frame that did not decode, a
  // gap in the sender's numbers (lost on the way).
  out->Family("cm_process_messages_dropped_total", "counter",
              "Messages the process did not hand to a handler, by reason: unhandled (no handler for the type), "
              "malformed (did not decode), lost (missing from the sender's numbers).");
  registry.ForEachReport([&](const Report& r) {
    const std::pair<const char*, int64_t> reasons[] = {
        {"unhandled", r.info.unhandled}, {"malformed", r.info.malformed}, {"lost", r.info.lost}};
    for (const auto& [reason, value] : reasons)
      out->Sample("cm_process_messages_dropped_total", {{"name", r.info.name}, {"host", r.info.host}, {"reason", reason}},
                  value);
  });
  out->Family("cm_process_report_age_seconds", "gauge",
              "Time since the process's last report (it reports at least every 30 s while it waits in "
              "CmMessageWait*).");
  registry.ForEachReport([&](const Report& r) {
    out->Sample("cm_process_report_age_seconds", {{"name", r.info.name}, {"host", r.info.host}},
                Seconds(now - r.received));
  });
  out->Family("cm_process_info", "gauge", "Always 1: the process's pid and library version as labels.");
  registry.ForEachReport([&](const Report& r) {
    out->Sample("cm_process_info",
                {{"name", r.info.name}, {"host", r.info.host}, {"pid", std::to_string(r.info.pid)},
                 {"version", r.info.version}},
                int64_t{1});
  });
}

}  // namespace

void RequestMetrics::Observe(std::string_view type, std::chrono::nanoseconds took) {
  auto it = by_type_.find(type);
  if (it == by_type_.end()) it = by_type_.emplace(std::string(type), PerType()).first;
  PerType& per = it->second;
  double seconds = std::chrono::duration<double>(took).count();
  size_t bucket = 0;
  while (bucket < kBucketSeconds.size() && seconds > kBucketSeconds[bucket]) ++bucket;
  ++per.buckets[bucket];
  ++per.count;
  per.sum_seconds += seconds;
}

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  const auto* p = reinterpret_cast<const unsigned char*>(value.data());
  for (size_t i = 0; i < value.size();) {
    size_t n = Utf8Length(p + i, value.size() - i);
    if (n == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\\\x%02x", p[i]);  // the text \xNN, its backslash escaped
      out += hex;
      ++i;
      continue;
    }
    if (n == 1) {
      char c = static_cast<char>(p[i]);
      if (c == '\\') out += "\\\\";
      else if (c == '"') out += "\\\"";
      else if (c == '\n') out += "\\n";
      else out += c;
    } else {
      out.append(value.data() + i, n);
    }
    i += n;
  }
  return out;
}

std::string RenderMetrics(const ServerCounts& counts, const RequestMetrics& requests, const Registry& registry,
                          std::chrono::steady_clock::time_point now) {
  std::vector<ConnectEdge> pairs = registry.ListConnects();
  Exposition out;
  RenderServer(counts, requests, registry, pairs.size(), &out);
  RenderProcesses(registry, now, &out);
  out.Family("cm_connect_messages_total", "counter",
             "Messages `from` sent `to` since `from` started (both registered names), as `from` reported them.");
  for (const ConnectEdge& pair : pairs)
    out.Sample("cm_connect_messages_total", {{"from", pair.from}, {"to", pair.to}}, pair.messages);
  return out.Take();
}

}  // namespace cm
