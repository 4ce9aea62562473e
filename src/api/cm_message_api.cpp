// The legacy CmMessage* calls: check the arguments, call the core, translate.
#include <atomic>
#include <cmath>
#include <cstring>
#include <mutex>
#include <set>
#include <string>

#include "api/handles.h"
#include "session/session.h"
#include "util/log.h"

using cm::FromHandle;
using cm::Message;
using cm::Session;

namespace cm {

bool ApiMisuse(const char* function, const char* problem) {
  static std::mutex mutex;
  static std::set<std::string> warned;
  std::lock_guard<std::mutex> lock(mutex);
  if (warned.insert(std::string(function) + problem).second)
    CM_WARN("%s: %s: call ignored (this warning is shown once)", function, problem);
  return false;
}

}  // namespace cm

namespace {

Message* Checked(CmMessage m, const char* function) {
  return cm::ApiCheck(m != nullptr, function, "NULL message") ? FromHandle(m) : nullptr;
}

bool ValidName(const char* name, std::string* why) {
  if (name == nullptr || *name == '\0') return *why = "empty name", false;
  size_t n = std::strlen(name);
  if (n > CM_NAME_MAX) return *why = "name longer than 255 bytes", false;
  for (size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c <= ' ' || c == 127) return *why = "name holds white space or a control character", false;
  }
  return true;
}

// Legacy handler types were cut at 16 characters; we keep 255 (see CmDefs.h).
std::string HandlerType(const char* type) {
  std::string t = type ? type : "";
  if (t.size() > CM_TYPE_MAX) {
    CM_WARN("handler type '%.40s...' is %zu bytes long: cut to %d", t.c_str(), t.size(), CM_TYPE_MAX);
    t.resize(CM_TYPE_MAX);
  }
  return t;
}

cm::MessageHandler Wrap(CmMessageHandler handler) {
  return [handler](Message& message, const char* sender) {
    Session& session = Session::Instance();
    return handler(cm::ToHandle(&message), const_cast<char*>(sender),
                   const_cast<char*>(session.name().c_str())) == CmMessageBreak;
  };
}

}  // namespace

CM_EXPORT int CmMessageOpenServer(char* name) {
  std::string why;
  if (!ValidName(name, &why)) {
    CM_WARN("CmMessageOpenServer: %s", why.c_str());
    return 0;
  }
  cm::Status s = Session::Instance().Open(name);
  if (!s.ok()) CM_ERROR("cannot open server '%s': %s", name, s.message().c_str());
  return s.ok() ? 1 : 0;
}

CM_EXPORT void CmMessageCloseServer(void) { Session::Instance().Close(); }

namespace {
// A legacy program often builds each reply in a new message and deletes it
// once sent: the last one deleted is kept, reset with its buffers, for the
// next CmMessageNew (of any thread), unless it holds more than
// kKeptMessageBytes.
std::atomic<Message*> g_kept{nullptr};
constexpr size_t kKeptMessageBytes = 65536;
}  // namespace

CM_EXPORT CmMessage CmMessageNew(void) {
  if (g_kept.load(std::memory_order_relaxed) != nullptr)
    if (Message* m = g_kept.exchange(nullptr, std::memory_order_acquire)) return cm::ToHandle(m);
  return cm::ToHandle(new (std::nothrow) Message());
}

CM_EXPORT void CmMessageDelete(CmMessage m) {
  Message* message = FromHandle(m);
  if (message == nullptr) return;
  if (message->StorageBytes() <= kKeptMessageBytes && g_kept.load(std::memory_order_relaxed) == nullptr) {
    message->Reset();
    Message* none = nullptr;
    if (g_kept.compare_exchange_strong(none, message, std::memory_order_release)) return;
  }
  delete message;
}

CM_EXPORT void CmMessageReset(CmMessage m) {
  if (Message* msg = Checked(m, "CmMessageReset")) msg->Reset();
}

CM_EXPORT void CmMessageSetType(CmMessage m, char* type) {
  if (Message* msg = Checked(m, "CmMessageSetType")) msg->SetType(type);
}

CM_EXPORT char* CmMessageGetType(CmMessage m) {
  Message* msg = Checked(m, "CmMessageGetType");
  return msg ? const_cast<char*>(msg->type()) : nullptr;
}

CM_EXPORT void CmMessagePutChar(CmMessage m, char v) {
  if (Message* msg = Checked(m, "CmMessagePutChar")) msg->PutChar(v);
}
CM_EXPORT void CmMessagePutShort(CmMessage m, short v) {
  if (Message* msg = Checked(m, "CmMessagePutShort")) msg->PutShort(v);
}
CM_EXPORT void CmMessagePutInt(CmMessage m, int v) {
  if (Message* msg = Checked(m, "CmMessagePutInt")) msg->PutInt(v);
}
CM_EXPORT void CmMessagePutLong(CmMessage m, long v) {
  if (Message* msg = Checked(m, "CmMessagePutLong")) msg->PutLong(v);
}
CM_EXPORT void CmMessagePutFloat(CmMessage m, float v) {
  if (Message* msg = Checked(m, "CmMessagePutFloat")) msg->PutFloat(v);
}
CM_EXPORT void CmMessagePutDouble(CmMessage m, double v) {
  if (Message* msg = Checked(m, "CmMessagePutDouble")) msg->PutDouble(v);
}
CM_EXPORT void CmMessagePutText(CmMessage m, char* text) {
  if (Message* msg = Checked(m, "CmMessagePutText")) msg->PutText(text);
}

CM_EXPORT void CmMessagePutBytes(CmMessage m, char* bytes, int size) {
  Message* msg = Checked(m, "CmMessagePutBytes");
  if (msg == nullptr || !cm::ApiCheck(size >= 0, "CmMessagePutBytes", "negative size") ||
      !cm::ApiCheck(bytes != nullptr || size == 0, "CmMessagePutBytes", "NULL bytes with a size"))
    return;
  msg->PutBytes(bytes, static_cast<size_t>(size));
}

static void PutArray(CmMessage m, CmMessageArrayType type, int count, void* data, bool external,
                     const char* function) {
  Message* msg = Checked(m, function);
  if (msg == nullptr || !cm::ApiCheck(type >= CmMessageChar && type <= CmMessageDouble, function, "unknown array type") ||
      !cm::ApiCheck(count >= 0, function, "negative count") ||
      !cm::ApiCheck(data != nullptr || count == 0, function, "NULL data with a count"))
    return;
  msg->PutArray(static_cast<cm::ArrayKind>(type), data, static_cast<size_t>(count), external);
}

CM_EXPORT void CmMessagePutArray(CmMessage m, CmMessageArrayType type, int count, void* data) {
  PutArray(m, type, count, data, false, "CmMessagePutArray");
}

CM_EXPORT void CmMessagePutExternalArray(CmMessage m, CmMessageArrayType type, int count, void* data) {
  PutArray(m, type, count, data, true, "CmMessagePutExternalArray");
}

CM_EXPORT char CmMessageGetChar(CmMessage m) {
  Message* msg = Checked(m, "CmMessageGetChar");
  return msg ? msg->GetChar() : 0;
}
CM_EXPORT short CmMessageGetShort(CmMessage m) {
  Message* msg = Checked(m, "CmMessageGetShort");
  return msg ? msg->GetShort() : 0;
}
CM_EXPORT int CmMessageGetInt(CmMessage m) {
  Message* msg = Checked(m, "CmMessageGetInt");
  return msg ? msg->GetInt() : 0;
}
CM_EXPORT long CmMessageGetLong(CmMessage m) {
  Message* msg = Checked(m, "CmMessageGetLong");
  return msg ? msg->GetLong() : 0;
}
CM_EXPORT float CmMessageGetFloat(CmMessage m) {
  Message* msg = Checked(m, "CmMessageGetFloat");
  return msg ? msg->GetFloat() : 0;
}
CM_EXPORT double CmMessageGetDouble(CmMessage m) {
  Message* msg = Checked(m, "CmMessageGetDouble");
  return msg ? msg->GetDouble() : 0;
}
CM_EXPORT char* CmMessageGetText(CmMessage m) {
  Message* msg = Checked(m, "CmMessageGetText");
  return msg ? const_cast<char*>(msg->GetText()) : nullptr;
}

CM_EXPORT char* CmMessageGetBytes(CmMessage m, int* size) {
  Message* msg = Checked(m, "CmMessageGetBytes");
  size_t n = 0;
  const char* bytes = msg ? msg->GetBytes(&n) : nullptr;
  if (size != nullptr) *size = static_cast<int>(n);
  return const_cast<char*>(bytes);
}

CM_EXPORT void* CmMessageGetArray(CmMessage m, CmMessageArrayType* type, int* count) {
  Message* msg = Checked(m, "CmMessageGetArray");
  cm::ArrayKind kind = cm::ArrayKind::kChar;
  size_t n = 0;
  const void* data = msg ? msg->GetArray(&kind, &n) : nullptr;
  if (type != nullptr) *type = static_cast<CmMessageArrayType>(kind);
  if (count != nullptr) *count = static_cast<int>(n);
  return const_cast<void*>(data);
}

CM_EXPORT CmMessageItemType CmMessageGetItemType(CmMessage m) {
  Message* msg = Checked(m, "CmMessageGetItemType");
  return msg ? static_cast<CmMessageItemType>(msg->PeekKind()) : CmMessageItemTail;
}

CM_EXPORT int CmMessageSend(CmMessage m, char* name) {
  Message* msg = Checked(m, "CmMessageSend");
  if (msg == nullptr || !cm::ApiCheck(name != nullptr, "CmMessageSend", "NULL destination name")) return 0;
  return Session::Instance().Send(*msg, name) ? 1 : 0;
}

CM_EXPORT void CmMessageInstallHandler(CmMessageHandler handler, char* type) {
  if (!cm::ApiCheck(type != nullptr, "CmMessageInstallHandler", "NULL type")) return;
  if (handler == nullptr)
    Session::Instance().handlers().Uninstall(HandlerType(type));
  else
    Session::Instance().handlers().Install(HandlerType(type), Wrap(handler));
}

CM_EXPORT void CmMessageUninstallHandler(char* type) {
  if (!cm::ApiCheck(type != nullptr, "CmMessageUninstallHandler", "NULL type")) return;
  Session::Instance().handlers().Uninstall(HandlerType(type));
}

CM_EXPORT void CmMessageInstallDefaultHandler(CmMessageHandler handler) {
  Session::Instance().handlers().InstallDefault(handler ? Wrap(handler) : cm::MessageHandler());
}

CM_EXPORT CmMessageStatus CmMessageWait(void) {
  return Session::Instance().Wait(-1) ? CmMessageBreak : CmMessageOk;
}

CM_EXPORT CmMessageStatus CmMessageWaitWithTimeout(double seconds) {
  // 0, negative and NaN all mean: what has arrived, then return.
  if (!(seconds > 0)) seconds = 0;
  if (std::isinf(seconds)) seconds = -1;
  return Session::Instance().Wait(seconds) ? CmMessageBreak : CmMessageOk;
}
