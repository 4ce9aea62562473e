#include "driver/cm_client.h"

#include <string>

namespace bench {
namespace {

CmMessageStatus OnPong(CmMessage message, char*, char*) {
  int size = 0;
  (void)CmMessageGetBytes(message, &size);
  return CmMessageBreak;
}

}  // namespace

bool OpenCmClient(const char* name) {
  if (!CmMessageOpenServer(const_cast<char*>(name))) return false;
  CmMessageInstallHandler(OnPong, const_cast<char*>("Pong"));
  return true;
}

bool CmRoundTrip(CmMessage ping, const char* to, double timeout_s, Clock::time_point* sent) {
  if (!CmMessageSend(ping, const_cast<char*>(to))) return false;
  if (sent != nullptr) *sent = Clock::now();
  return CmMessageWaitWithTimeout(timeout_s) == CmMessageBreak;
}

void ReadAcknowledgements() {
  // No handler breaks on an acknowledgement: this waits the whole time.
  CmMessageWaitWithTimeout(0.15);
}

CmMessage NewPing(size_t size) {
  CmMessage ping = CmMessageNew();
  std::string payload(size, 'p');
  CmMessageSetType(ping, const_cast<char*>("Ping"));
  CmMessagePutBytes(ping, payload.data(), static_cast<int>(size));
  return ping;
}

}  // namespace bench
