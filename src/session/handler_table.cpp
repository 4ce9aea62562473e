#include "session/handler_table.h"

namespace cm {

void HandlerTable::Install(const std::string& type, MessageHandler handler) {
  if (!handler) {
    by_type_.erase(type);
    return;
  }
  by_type_[type] = std::move(handler);
}

void HandlerTable::Clear() {
  by_type_.clear();
  default_ = nullptr;
}

const MessageHandler* HandlerTable::Find(const std::string& type) const {
  auto it = by_type_.find(type);
  if (it != by_type_.end()) return &it->second;
  return default_ ? &default_ : nullptr;
}

}  // namespace cm
