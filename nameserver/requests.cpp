// The name server's requests: one table, then one handler per request.
// docs/protocol.md ("Name server requests") is the contract for each.
#include <cstdio>
#include <cstring>
#include <ctime>

#include "Cm/CmDefs.h"
#include "name_server.h"
#include "naming/process_info.h"
#include "util/log.h"

namespace cm {

// type, items (t text, i int, l long), handler.  Items are checked against
// the letters before the handler runs; items past them are ignored, so that
// a later version may append some.
const NameServer::Command NameServer::kCommands[] = {
    {"NSRegister", "ttti", &NameServer::Register},      // name, address, host, pid
    {"NSUnregister", "t", &NameServer::Unregister},     // name
    {"NSGetAddress", "t", &NameServer::GetAddress},     // name
    {"NSGetNames", "", &NameServer::GetNames},
    {"NSConnect", "ttl", &NameServer::Connect},         // from, to, messages [, long total since 1.1]
    {"NSGetConnects", "", &NameServer::GetConnects},
    {"NSReport", "tittilllllltll", &NameServer::TakeReport},  // a ProcessInfo (naming/process_info.h)
    {"NSGetReports", "", &NameServer::GetReports},
    {"NSGetMetrics", "", &NameServer::GetMetrics},
    {"NSGetVersion", "", &NameServer::GetVersion},
    {"NSGetStatistics", "", &NameServer::GetStatistics},
    {"NSDoCleanup", "", &NameServer::DoCleanup},
    {"NSStop", "t", &NameServer::Stop},                // domain
};

namespace {

const char* LetterName(char letter) {
  switch (letter) {
    case 't': return "text";
    case 'i': return "int";
    default: return "long";
  }
}

ItemKind LetterKind(char letter) {
  switch (letter) {
    case 't': return ItemKind::kText;
    case 'i': return ItemKind::kInt;
    default: return ItemKind::kLong;
  }
}

// Names and hosts are shown in tables, typed on command lines and written
// into the log: no blanks, no control characters (a newline in a host once
// wrote a forged line into the log), and a bounded length.  `what` names
// the field in the reason, which never repeats the text: it would carry the
// bad byte along.
Status CheckWord(const char* what, const std::string& text, size_t max = CM_NAME_MAX) {
  if (text.empty()) return Status::Invalid(std::string("a ") + what + " cannot be empty");
  if (text.size() > max)
    return Status::Invalid(std::string(what) + " '" + text.substr(0, 40) + "...' is " + std::to_string(text.size()) +
                           " bytes long; the limit is " + std::to_string(max));
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c <= ' ' || c == 0x7f)
      return Status::Invalid(std::string("a ") + what + " cannot contain blanks or control characters (byte " +
                             std::to_string(i + 1) + " is " + std::to_string(c) + ")");
  }
  return Status::Ok();
}

Status CheckName(const std::string& name) { return CheckWord("name", name); }

// tcp://<host>:<port>#<incarnation>: a host name of up to 255 bytes and more.
constexpr size_t kAddressMax = 1024;

// For the log only: text a client chose (a sender, a domain), with control
// characters written as \xNN so that it cannot start a line of its own.
std::string Printable(const std::string& text) {
  std::string out;
  for (unsigned char c : text.substr(0, 2 * CM_NAME_MAX)) {
    if (c < ' ' || c == 0x7f || c == '\\') {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// Exactly the bytes (c_str() would cut at a NUL in a host or address).
void PutString(Message* message, const std::string& text) { message->PutText(text.data(), text.size()); }

std::string Describe(const Entry& e) {
  return e.name + " (pid " + std::to_string(e.pid) + " on " + e.host + ")";
}

}  // namespace

const NameServer::Command* NameServer::FindCommand(const std::string& type) {
  for (const Command& command : kCommands)
    if (type == command.type) return &command;
  return nullptr;
}

void NameServer::DeclareRequestTypes(RequestMetrics* metrics) {
  for (const Command& command : kCommands) metrics->Declare(command.type);
  metrics->Declare(RequestMetrics::kOtherType);
}

Status NameServer::CheckItems(const Command& command, const Message& message) {
  const std::vector<Item>& items = message.items();
  size_t want = std::strlen(command.items);
  std::string expected;
  for (size_t i = 0; i < want; ++i) expected += std::string(i ? ", " : "") + LetterName(command.items[i]);
  if (items.size() < want)
    return Status::Invalid(std::string(command.type) + " takes " + std::to_string(want) + " items (" + expected +
                           "), not " + std::to_string(items.size()));
  for (size_t i = 0; i < want; ++i) {
    ItemKind kind = items[i].kind;
    if (kind != LetterKind(command.items[i]))
      return Status::Invalid(std::string(command.type) + " takes (" + expected + "): item " + std::to_string(i + 1) +
                             " is a " + ItemKindName(kind));
    if (kind == ItemKind::kText && items[i].null_text)
      return Status::Invalid(std::string(command.type) + ": item " + std::to_string(i + 1) + " is a NULL text");
  }
  return Status::Ok();
}

std::string NameServer::Request::Text(size_t i) const {
  const Item& item = message.items()[i];
  return std::string(message.SpanData(item), item.size);
}

int64_t NameServer::Request::Integer(size_t i) const { return message.items()[i].v.i; }

Status NameServer::Register(const Request& request, Message*) {
  Entry entry;
  entry.name = request.Text(0);
  entry.address = request.Text(1);
  entry.host = request.Text(2);
  entry.pid = static_cast<int>(request.Integer(3));
  entry.start_time = static_cast<int64_t>(std::time(nullptr));
  entry.owner = request.owner;
  entry.owner_fd = request.fd;
  Status s = CheckName(entry.name);
  if (s.ok()) s = CheckWord("host", entry.host);
  if (s.ok()) s = CheckWord("address", entry.address, kAddressMax);
  if (!s.ok()) return s;
  Address address;
  if (!Address::Parse(entry.address, &address))
    return Status::Invalid("address '" + entry.address + "' is not of the form tcp://host:port#incarnation");
  // The incarnation is published (NSGetNames, NSGetAddress): a connection
  // known by it could be taken over by anyone who read it (ROUTER_HANDOVER),
  // and its names unlisted or stolen with one frame.  Clients identify
  // their connections with a secret routing id instead (name_client.h).
  if (request.owner == address.incarnation)
    return Status::Refused("this connection's routing id is the incarnation of the address it registers, which "
                           "anyone can read: a client must identify its name-server connection with a secret");

  Entry holder;
  bool held = registry_->Lookup(entry.name, &holder) && holder.owner == entry.owner;
  if (!held && registry_->CountOwned(entry.owner) >= max_names_per_connection_) {
    if (too_many_names_.Count())
      CM_WARN("refused: %s at %s: its connection already holds %zu names, the limit (%lld more refusals since the "
              "last such line, %lld in all)",
              Describe(entry).c_str(), entry.address.c_str(), max_names_per_connection_,
              static_cast<long long>(too_many_names_.skipped()), static_cast<long long>(too_many_names_.total()));
    return Status::Refused("this connection already holds " + std::to_string(max_names_per_connection_) +
                           " names, the most one connection may register");
  }
  s = registry_->Register(entry, &holder);
  // The holder may have died a moment ago, its close not yet reported:
  // ask now rather than refuse a process that replaces a dead one.
  if (s.code() == Status::Code::kRefused && !Probe(holder.owner)) {
    NoteGone(registry_->DropOwner(holder.owner));
    s = registry_->Register(entry, nullptr);
  }
  if (!s.ok()) {
    CM_INFO("refused: %s at %s: %s", Describe(entry).c_str(), entry.address.c_str(), s.message().c_str());
    return s;
  }
  ++stats_.registered;
  CM_INFO("register: %s at %s", Describe(entry).c_str(), entry.address.c_str());
  return Status::Ok();
}

Status NameServer::Unregister(const Request& request, Message*) {
  Entry removed;
  Status s = registry_->Unregister(request.Text(0), request.owner, &removed);
  if (!s.ok()) return s;
  ++stats_.unregistered;
  CM_INFO("unregister: %s at %s: asked by its owner", Describe(removed).c_str(), removed.address.c_str());
  return Status::Ok();
}

Status NameServer::GetAddress(const Request& request, Message* payload) {
  Entry entry;
  std::string name = request.Text(0);
  if (!registry_->Lookup(name, &entry)) return Status::NotFound("no process is registered as '" + name + "'");
  PutString(payload, entry.address);
  PutString(payload, entry.host);
  payload->PutInt(entry.pid);
  payload->PutLong(entry.start_time);
  return Status::Ok();
}

Status NameServer::GetNames(const Request&, Message* payload) {
  payload->PutInt(static_cast<int>(registry_->size()));
  // Visited, not copied: a domain starting polls this list while it grows.
  registry_->ForEach([payload](const Entry& e) {
    PutString(payload, e.name);
    PutString(payload, e.host);
    payload->PutInt(e.pid);
    PutString(payload, e.address);
    payload->PutLong(e.start_time);
  });
  return Status::Ok();
}

Status NameServer::Connect(const Request& request, Message*) {
  std::string from = request.Text(0);
  std::string to = request.Text(1);
  int64_t messages = request.Integer(2);
  Status s = CheckName(from);
  if (s.ok()) s = CheckName(to);
  if (!s.ok()) return s;
  if (messages < 0) return Status::Invalid("a message count cannot be negative");
  ++stats_.connects;
  // Since 1.1 a fourth item, the total since `from` started, replaces the
  // count (so a name server that restarted has it again when the process
  // registers again); before, the count was added.
  const std::vector<Item>& items = request.message.items();
  if (items.size() < 4) {
    registry_->RecordConnect(from, to, messages);
    return Status::Ok();
  }
  if (items[3].kind != ItemKind::kLong)
    return Status::Invalid("NSConnect's fourth item, the total, is a long, not a " +
                           std::string(ItemKindName(items[3].kind)));
  int64_t total = request.Integer(3);
  if (total < 0) return Status::Invalid("a message total cannot be negative");
  registry_->SetConnectTotal(from, to, total, Clock::now());
  return Status::Ok();
}

Status NameServer::GetConnects(const Request&, Message* payload) {
  std::vector<ConnectEdge> edges = registry_->ListConnects();
  payload->PutInt(static_cast<int>(edges.size()));
  for (const ConnectEdge& edge : edges) {
    PutString(payload, edge.from);
    PutString(payload, edge.to);
    payload->PutLong(edge.messages);
  }
  return Status::Ok();
}

Status NameServer::TakeReport(const Request& request, Message*) {
  cm::Report report;
  request.message.Rewind();
  if (!GetProcessInfo(request.message, &report.info))  // CheckItems has matched the first fourteen
    return Status::Invalid("NSReport: not a process's report");
  report.received = Clock::now();
  Status s = CheckName(report.info.name);
  if (s.ok()) s = registry_->StoreReport(request.owner, std::move(report));
  if (s.ok()) ++stats_.reports;
  return s;
}

// Each report: long age (ms), int k, then k items, the ProcessInfo (k lets a
// reader skip items a later version appends to it).
Status NameServer::GetReports(const Request&, Message* payload) {
  payload->PutInt(static_cast<int>(registry_->ReportCount()));
  Clock::time_point now = Clock::now();
  Message counted;  // k, from the items PutProcessInfo makes: whatever a later version appends
  registry_->ForEachReport([&](const cm::Report& r) {
    counted.Reset();
    PutProcessInfo(r.info, &counted);
    payload->PutLong(std::chrono::duration_cast<std::chrono::milliseconds>(now - r.received).count());
    payload->PutInt(static_cast<int>(counted.items().size()));
    PutProcessInfo(r.info, payload);
  });
  return Status::Ok();
}

Status NameServer::GetMetrics(const Request&, Message* payload) {
  ServerCounts counts;
  counts.registered = stats_.registered;
  counts.unregistered = stats_.unregistered;
  counts.cleaned = stats_.cleaned;
  counts.malformed = stats_.malformed;
  counts.connects = stats_.connects;
  counts.reports = stats_.reports;
  counts.uptime_seconds = std::chrono::duration<double>(Clock::now() - stats_.started).count();
  std::string text = RenderMetrics(counts, request_metrics_, *registry_, Clock::now());
  PutString(payload, text);
  return Status::Ok();
}

Status NameServer::GetVersion(const Request&, Message* payload) {
  payload->PutText(CM_VERSION);
  payload->PutInt(static_cast<int>(kProtocolVersion));
  return Status::Ok();
}

Status NameServer::GetStatistics(const Request&, Message* payload) {
  payload->PutInt(static_cast<int>(registry_->size()));
  payload->PutLong(stats_.requests);
  payload->PutLong(stats_.registered);
  payload->PutLong(stats_.unregistered);
  payload->PutLong(stats_.cleaned);
  payload->PutLong(stats_.malformed);
  payload->PutLong(std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - stats_.started).count());
  return Status::Ok();
}

Status NameServer::DoCleanup(const Request&, Message* payload) {
  payload->PutInt(static_cast<int>(Sweep()));
  return Status::Ok();
}

// Only from inside the domain: a tool pointed at the wrong name server by a
// mistaken CmDomains line must not stop it.  (With a domain secret, no one
// outside the domain can even connect.)
Status NameServer::Stop(const Request& request, Message*) {
  if (request.Text(0) != domain_) {
    CM_WARN("refused NSStop from '%s': it is for domain '%s', this name server serves '%s'",
            Printable(std::string(request.envelope.sender)).c_str(), Printable(request.Text(0)).c_str(),
            domain_.c_str());
    return Status::Refused("NSStop for domain '" + request.Text(0) + "' but this name server serves domain '" +
                           domain_ + "'");
  }
  stopping_ = true;
  stop_requester_fd_ = request.fd;
  stop_deadline_ = Clock::now() + kStopGrace;
  stop_reason_ = "NSStop from '" + Printable(std::string(request.envelope.sender)) + "'";
  return Status::Ok();
}

}  // namespace cm
