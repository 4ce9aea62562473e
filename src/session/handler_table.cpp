#include "session/handler_table.h"

#include <algorithm>

namespace cm {

void HandlerTable::Install(const std::string& type, MessageHandler handler) {
  Forget();
  if (!handler) {
    by_type_.erase(type);
    return;
  }
  by_type_[type] = std::move(handler);
}

void HandlerTable::Clear() {
  Forget();
  by_type_.clear();
  default_ = nullptr;
}

const MessageHandler* HandlerTable::Find(const std::string& type) const {
  if (last_valid_ && type == last_type_) return last_found_;
  auto it = by_type_.find(type);
  last_found_ = it != by_type_.end() ? &it->second : default_ ? &default_ : nullptr;
  last_type_ = type;
  last_valid_ = true;
  return last_found_;
}

std::vector<std::string> HandlerTable::Types() const {
  std::vector<std::string> types;
  types.reserve(size());
  for (const auto& [type, handler] : by_type_) types.push_back(type);
  std::sort(types.begin(), types.end());
  if (default_) types.push_back("*");
  return types;
}

}  // namespace cm
