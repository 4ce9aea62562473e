// The C handles are pointers to core objects, nothing more: a CmMessage is a
// cm::Message*, a CmConnect a cm::Peer*.  Item and array kinds share their
// numbering with the C enums (checked here at compile time).
#ifndef CM_API_HANDLES_H
#define CM_API_HANDLES_H

#include "Cm/CmMessage.h"
#include "codec/message.h"
#include "session/peer.h"

#define CM_EXPORT extern "C" __attribute__((visibility("default")))

namespace cm {

inline Message* FromHandle(CmMessage m) { return reinterpret_cast<Message*>(m); }
inline CmMessage ToHandle(Message* m) { return reinterpret_cast<CmMessage>(m); }
inline Peer* FromHandle(CmConnect c) { return reinterpret_cast<Peer*>(c); }
inline CmConnect ToHandle(Peer* p) { return reinterpret_cast<CmConnect>(p); }

static_assert(static_cast<int>(ItemKind::kChar) == CmMessageItemChar && static_cast<int>(ItemKind::kShort) == CmMessageItemShort &&
              static_cast<int>(ItemKind::kInt) == CmMessageItemInt && static_cast<int>(ItemKind::kLong) == CmMessageItemLong &&
              static_cast<int>(ItemKind::kFloat) == CmMessageItemFloat && static_cast<int>(ItemKind::kDouble) == CmMessageItemDouble &&
              static_cast<int>(ItemKind::kArray) == CmMessageItemArray && static_cast<int>(ItemKind::kText) == CmMessageItemText &&
              static_cast<int>(ItemKind::kBytes) == CmMessageItemBytes && static_cast<int>(ItemKind::kTail) == CmMessageItemTail,
              "ItemKind must mirror CmMessageItemType");
static_assert(static_cast<int>(ArrayKind::kChar) == CmMessageChar && static_cast<int>(ArrayKind::kShort) == CmMessageShort &&
              static_cast<int>(ArrayKind::kInt) == CmMessageInt && static_cast<int>(ArrayKind::kLong) == CmMessageLong &&
              static_cast<int>(ArrayKind::kFloat) == CmMessageFloat && static_cast<int>(ArrayKind::kDouble) == CmMessageDouble,
              "ArrayKind must mirror CmMessageArrayType");

// Logs a misuse once per (function, problem); always false.
bool ApiMisuse(const char* function, const char* problem);

// Answers whether to go on: every API call asks, so the good case is inline.
inline bool ApiCheck(bool ok, const char* function, const char* problem) {
  return ok || ApiMisuse(function, problem);
}

}  // namespace cm

#endif
