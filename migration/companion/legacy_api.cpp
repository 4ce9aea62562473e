#include "companion/legacy_api.h"

#include <dlfcn.h>

namespace cm {

Status LegacyApi::Load(const std::string& path, LegacyApi* out) {
  // RTLD_LOCAL: its symbols serve itself only.  RTLD_NOW: an unresolved
  // dependency is found here, not in the middle of a send.
  void* lib = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    return Status::NotFound("cannot load the legacy library " + path + ": " + (why ? why : "dlopen failed"));
  }
  std::string missing;
  auto resolve = [&](auto& fn, const char* name) {
    void* sym = dlsym(lib, name);
    if (sym == nullptr) missing += (missing.empty() ? "" : ", ") + std::string(name);
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(sym);
  };
  LegacyApi& a = *out;
  resolve(a.OpenServer, "CmMessageOpenServer");
  resolve(a.CloseServer, "CmMessageCloseServer");
  resolve(a.New, "CmMessageNew");
  resolve(a.Delete, "CmMessageDelete");
  resolve(a.Reset, "CmMessageReset");
  resolve(a.SetType, "CmMessageSetType");
  resolve(a.GetType, "CmMessageGetType");
  resolve(a.PutChar, "CmMessagePutChar");
  resolve(a.PutShort, "CmMessagePutShort");
  resolve(a.PutInt, "CmMessagePutInt");
  resolve(a.PutLong, "CmMessagePutLong");
  resolve(a.PutFloat, "CmMessagePutFloat");
  resolve(a.PutDouble, "CmMessagePutDouble");
  resolve(a.PutText, "CmMessagePutText");
  resolve(a.PutBytes, "CmMessagePutBytes");
  resolve(a.PutArray, "CmMessagePutArray");
  resolve(a.GetChar, "CmMessageGetChar");
  resolve(a.GetShort, "CmMessageGetShort");
  resolve(a.GetInt, "CmMessageGetInt");
  resolve(a.GetLong, "CmMessageGetLong");
  resolve(a.GetFloat, "CmMessageGetFloat");
  resolve(a.GetDouble, "CmMessageGetDouble");
  resolve(a.GetText, "CmMessageGetText");
  resolve(a.GetBytes, "CmMessageGetBytes");
  resolve(a.GetArray, "CmMessageGetArray");
  resolve(a.GetItemType, "CmMessageGetItemType");
  resolve(a.Send, "CmMessageSend");
  resolve(a.InstallDefaultHandler, "CmMessageInstallDefaultHandler");
  resolve(a.WaitWithTimeout, "CmMessageWaitWithTimeout");
  resolve(a.GetReference, "CmConnectGetReference");
  resolve(a.GetName, "CmConnectGetName");
  resolve(a.InstallConnectionHandler, "CmConnectInstallConnectionHandler");
  resolve(a.InstallDisconnectionHandler, "CmConnectInstallDisconnectionHandler");
  if (!missing.empty())
    return Status::NotFound("the legacy library " + path + " lacks " + missing +
                            ": is it a Cm library of another version?");
  return Status::Ok();
}

}  // namespace cm
