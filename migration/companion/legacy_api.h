// LegacyApi: the site's legacy libcm.so, loaded with dlopen() and every Cm*
// function it must provide resolved with dlsym().
//
// The companion never links a Cm library: libCm-zmq's exported Cm* symbols
// would interpose the legacy library's own.  The signatures come from our
// header (include/Cm/CmMessage.h), which is the legacy interface; a site whose
// real header differs in an enum value adjusts include/Cm/CmDefs.h.
#ifndef CM_MIGRATION_COMPANION_LEGACY_API_H
#define CM_MIGRATION_COMPANION_LEGACY_API_H

#include <string>

#include "Cm/CmMessage.h"
#include "util/status.h"

namespace cm {

struct LegacyApi {
  decltype(&::CmMessageOpenServer) OpenServer = nullptr;
  decltype(&::CmMessageCloseServer) CloseServer = nullptr;
  decltype(&::CmMessageNew) New = nullptr;
  decltype(&::CmMessageDelete) Delete = nullptr;
  decltype(&::CmMessageReset) Reset = nullptr;
  decltype(&::CmMessageSetType) SetType = nullptr;
  decltype(&::CmMessageGetType) GetType = nullptr;
  decltype(&::CmMessagePutChar) PutChar = nullptr;
  decltype(&::CmMessagePutShort) PutShort = nullptr;
  decltype(&::CmMessagePutInt) PutInt = nullptr;
  decltype(&::CmMessagePutLong) PutLong = nullptr;
  decltype(&::CmMessagePutFloat) PutFloat = nullptr;
  decltype(&::CmMessagePutDouble) PutDouble = nullptr;
  decltype(&::CmMessagePutText) PutText = nullptr;
  decltype(&::CmMessagePutBytes) PutBytes = nullptr;
  decltype(&::CmMessagePutArray) PutArray = nullptr;
  decltype(&::CmMessageGetChar) GetChar = nullptr;
  decltype(&::CmMessageGetShort) GetShort = nullptr;
  decltype(&::CmMessageGetInt) GetInt = nullptr;
  decltype(&::CmMessageGetLong) GetLong = nullptr;
  decltype(&::CmMessageGetFloat) GetFloat = nullptr;
  decltype(&::CmMessageGetDouble) GetDouble = nullptr;
  decltype(&::CmMessageGetText) GetText = nullptr;
  decltype(&::CmMessageGetBytes) GetBytes = nullptr;
  decltype(&::CmMessageGetArray) GetArray = nullptr;
  decltype(&::CmMessageGetItemType) GetItemType = nullptr;
  decltype(&::CmMessageSend) Send = nullptr;
  decltype(&::CmMessageInstallDefaultHandler) InstallDefaultHandler = nullptr;
  decltype(&::CmMessageWaitWithTimeout) WaitWithTimeout = nullptr;
  decltype(&::CmConnectGetReference) GetReference = nullptr;
  decltype(&::CmConnectGetName) GetName = nullptr;
  decltype(&::CmConnectInstallConnectionHandler) InstallConnectionHandler = nullptr;
  decltype(&::CmConnectInstallDisconnectionHandler) InstallDisconnectionHandler = nullptr;

  // dlopen(path, RTLD_NOW | RTLD_LOCAL), then every function above.  Fails
  // naming the path (and dlerror's reason), or every symbol that is missing.
  // The library is never closed: legacy code is not written to be unloaded.
  static Status Load(const std::string& path, LegacyApi* out);
};

}  // namespace cm

#endif
