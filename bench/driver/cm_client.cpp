#include "driver/cm_client.h"

#include <string>

namespace bench {
namespace {

CmMessageStatus OnPong(CmMessage message, char*, char*) {
  int size = 0;
  (void)CmMessageGetBytes(message, &size);
  return CmMessageBreak;
}

// The round trip OnStampedPong fills in (one at a time).
StampedRoundTrip* g_stamped = nullptr;

Clock::time_point FromNs(long ns) { return Clock::time_point(std::chrono::nanoseconds(ns)); }

CmMessageStatus OnStampedPong(CmMessage message, char*, char*) {
  Clock::time_point handled = Clock::now();
  int size = 0;
  (void)CmMessageGetBytes(message, &size);
  long echo_in = CmMessageGetLong(message);
  long echo_out = CmMessageGetLong(message);
  if (g_stamped != nullptr) {
    g_stamped->handled = handled;
    g_stamped->echo_in = FromNs(echo_in);
    g_stamped->echo_out = FromNs(echo_out);
  }
  return CmMessageBreak;
}

}  // namespace

bool OpenCmClient(const char* name) {
  if (!CmMessageOpenServer(const_cast<char*>(name))) return false;
  CmMessageInstallHandler(OnPong, const_cast<char*>("Pong"));
  CmMessageInstallHandler(OnStampedPong, const_cast<char*>("StampedPong"));
  return true;
}

bool CmRoundTrip(CmMessage ping, const char* to, double timeout_s, Clock::time_point* sent) {
  if (!CmMessageSend(ping, const_cast<char*>(to))) return false;
  if (sent != nullptr) *sent = Clock::now();
  return CmMessageWaitWithTimeout(timeout_s) == CmMessageBreak;
}

bool CmStampedRoundTrip(CmMessage ping, const char* to, double timeout_s, StampedRoundTrip* out) {
  *out = StampedRoundTrip();
  g_stamped = out;
  out->start = Clock::now();
  bool ok = CmMessageSend(ping, const_cast<char*>(to));
  out->sent = Clock::now();
  ok = ok && CmMessageWaitWithTimeout(timeout_s) == CmMessageBreak;
  out->done = Clock::now();
  g_stamped = nullptr;
  return ok && out->handled != Clock::time_point();
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
