#include "naming/process_info.h"

namespace cm {
namespace {

// Texts are read by their kind: Get* answers a default for a mismatch, and
// the first fourteen items must all be there for the answer to count.
bool ReadText(Message& m, std::string* out) {
  if (m.PeekKind() != ItemKind::kText) return false;
  const char* text = m.GetText();
  *out = text != nullptr ? text : "";
  return true;
}

bool ReadInt(Message& m, int* out) {
  if (m.PeekKind() != ItemKind::kInt) return false;
  *out = m.GetInt();
  return true;
}

bool ReadLong(Message& m, int64_t* out) {
  if (m.PeekKind() != ItemKind::kLong) return false;
  *out = m.GetLong();
  return true;
}

}  // namespace

void PutProcessInfo(const ProcessInfo& info, Message* m) {
  m->PutText(info.name.c_str());
  m->PutInt(info.pid);
  m->PutText(info.host.c_str());
  m->PutText(info.address.c_str());
  m->PutInt(info.handlers);
  for (int64_t v : {info.received, info.sent, info.send_failures, info.unhandled, info.malformed, info.lost})
    m->PutLong(static_cast<long>(v));
  m->PutText(info.version.c_str());
  m->PutLong(static_cast<long>(info.queued));
  m->PutLong(static_cast<long>(info.unacked));
  m->PutInt(static_cast<int>(info.handler_types.size()));
  for (const std::string& type : info.handler_types) m->PutText(type.c_str(), type.size());
  m->PutLong(static_cast<long>(info.start_time));
}

bool GetProcessInfo(Message& m, ProcessInfo* info) {
  bool complete = ReadText(m, &info->name) && ReadInt(m, &info->pid) && ReadText(m, &info->host) &&
                  ReadText(m, &info->address) && ReadInt(m, &info->handlers) && ReadLong(m, &info->received) &&
                  ReadLong(m, &info->sent) && ReadLong(m, &info->send_failures) &&
                  ReadLong(m, &info->unhandled) && ReadLong(m, &info->malformed) && ReadLong(m, &info->lost) &&
                  ReadText(m, &info->version) && ReadLong(m, &info->queued) && ReadLong(m, &info->unacked);
  if (!complete) return false;
  // Since 1.1 (an older process stops here).
  int types = 0;
  if (!ReadInt(m, &types) || types < 0) return true;
  info->handler_types.clear();
  for (int i = 0; i < types; ++i) {
    std::string type;
    if (!ReadText(m, &type)) return true;
    info->handler_types.push_back(std::move(type));
  }
  (void)ReadLong(m, &info->start_time);
  return true;
}

}  // namespace cm
