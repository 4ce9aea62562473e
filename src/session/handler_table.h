// HandlerTable: which handler gets a message, by its type.
//
// Exact type match first, then the default handler, else none (the caller
// logs, counts and drops).  Installing a handler for a type replaces the old
// one; a null handler uninstalls.  Lookup is one hash probe per message, or
// none when the type is the one asked for last (a stream of one type): a
// string compare costs a fifth of hashing it and probing.
#ifndef CM_SESSION_HANDLER_TABLE_H
#define CM_SESSION_HANDLER_TABLE_H

#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "codec/message.h"

namespace cm {

// Returns true to make the current wait return (CmMessageBreak).
using MessageHandler = std::function<bool(Message& message, const char* sender)>;

class HandlerTable {
 public:
  void Install(const std::string& type, MessageHandler handler);
  void Uninstall(const std::string& type) {
    by_type_.erase(type);
    Forget();
  }
  void InstallDefault(MessageHandler handler) {
    default_ = std::move(handler);
    Forget();
  }
  void Clear();

  // The handler for `type`, or nullptr.  Valid until the table changes.
  const MessageHandler* Find(const std::string& type) const;
  size_t size() const { return by_type_.size() + (default_ ? 1 : 0); }
  // The installed types, sorted, then "*" if there is a default handler
  // (cm:info-reply and the report to the name server list them).
  std::vector<std::string> Types() const;

 private:
  void Forget() const { last_valid_ = false; }

  std::unordered_map<std::string, MessageHandler> by_type_;
  MessageHandler default_;
  // The last lookup, until the table changes.
  mutable bool last_valid_ = false;
  mutable std::string last_type_;
  mutable const MessageHandler* last_found_ = nullptr;
};

}  // namespace cm

#endif
