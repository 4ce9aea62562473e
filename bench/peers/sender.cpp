// cm_bench_sender: the sending side of section 2 as a process of its own, so
// that cm_bench can run it (or its receiver) under callgrind and count the
// instructions each side spends per message.
//
//   cm_bench_sender cm NAME TO COUNT       register NAME, send COUNT "Small" messages
//                                          (int, double, 32-byte text, built as the driver
//                                          builds them) to TO, read the acknowledgements
//                                          that came back, close; print "sent COUNT FAILED"
//   cm_bench_sender zmq ENDPOINT COUNT HEX PUSH (the library's high-water mark) connected to
//                                          ENDPOINT: send COUNT times the bytes HEX (the
//                                          Cm frame), wait until they left; print "sent COUNT 0"
//   cm_bench_sender cm-ping NAME TO COUNT  section 1's libCm-zmq client: register NAME, COUNT
//                                          round trips of a 64-byte "Ping" to TO (its "Pong"
//                                          handler breaks the wait); print "sent COUNT FAILED"
//   cm_bench_sender zmq-ping ENDPOINT COUNT
//                                          section 1's raw libzmq client: a DEALER, COUNT
//                                          round trips of 64 bytes; print "sent COUNT FAILED"
//   cm_bench_sender legacy-ping NAME TO COUNT
//                                          section 1's legacy-pattern client (harness/
//                                          legacy_client.h): register NAME, COUNT requests
//                                          to TO (cm_bench_legacy_echo), each waited for with
//                                          the time left of its deadline; "sent COUNT FAILED"
//   cm_bench_sender zmq-legacy-ping ENDPOINT COUNT
//                                          the same in raw libzmq (a DEALER against
//                                          cm_bench_raw_peer zmq-legacy-echo)
//   cm_bench_sender cm-flood NAME TO COUNT register NAME, send "Large" 8 MiB arrays to TO
//                                          until COUNT went or one send failed; print "sent
//                                          ACCEPTED FAILED", then do nothing until killed
//                                          (the driver reads both processes' memory)
//
// Both exit only when everything sent has left the process.
#include <unistd.h>
#include <zmq.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <CmConnect.h>
#include <CmMessage.h>

#include "harness/legacy_client.h"
#include "harness/process.h"
#include "harness/raw_zmq.h"
#include "harness/small_message.h"

namespace {

void Sent(long count, long failed) {
  std::printf("sent %ld %ld\n", count, failed);
  std::fflush(stdout);
}

int SendCm(const char* name, const char* to, long count) {
  // The receiver may be running under valgrind, fifty times slower than we
  // send: a send that finds its queue full must wait rather than fail.
  setenv("CM_SEND_TIMEOUT", "300", 0);
  if (!CmMessageOpenServer(const_cast<char*>(name))) {
    std::fprintf(stderr, "cm_bench_sender: CmMessageOpenServer(\"%s\") failed\n", name);
    return 1;
  }
  CmMessage m = CmMessageNew();
  long failed = 0;
  for (long i = 0; i < count; ++i) {
    bench::FillSmall(m, static_cast<int>(i));
    if (!CmMessageSend(m, const_cast<char*>(to))) ++failed;
  }
  CmMessageDelete(m);
  // Read the acknowledgements queued meanwhile, as the driver does after
  // each run (and as any program that waits would).
  CmMessageWaitWithTimeout(0.0);
  Sent(count, failed);
  CmMessageCloseServer();
  return failed == 0 ? 0 : 1;
}

int Flood(const char* name, const char* to, long count) {
  if (!CmMessageOpenServer(const_cast<char*>(name))) return 1;
  std::vector<double> data(1 << 20, 1.0);
  CmMessage m = CmMessageNew();
  CmMessageSetType(m, const_cast<char*>("Large"));
  CmMessagePutExternalArray(m, CmMessageDouble, static_cast<int>(data.size()), data.data());
  long accepted = 0;
  while (accepted < count && CmMessageSend(m, const_cast<char*>(to))) ++accepted;
  Sent(accepted, accepted < count ? 1 : 0);
  for (;;) pause();
}

int SendZmq(const char* endpoint, long count, const std::string& hex) {
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  void* context = zmq_ctx_new();
  void* push = bench::ConnectPush(context, endpoint);
  if (push == nullptr) {
    std::fprintf(stderr, "cm_bench_sender: cannot connect to %s\n", endpoint);
    return 1;
  }
  int linger = -1;  // zmq_ctx_term below waits until every message has left
  zmq_setsockopt(push, ZMQ_LINGER, &linger, sizeof linger);
  for (long i = 0; i < count; ++i)
    if (zmq_send(push, bytes.data(), bytes.size(), 0) < 0) {
      std::fprintf(stderr, "cm_bench_sender: zmq_send: %s\n", zmq_strerror(zmq_errno()));
      return 1;
    }
  Sent(count, 0);
  zmq_close(push);
  zmq_ctx_term(context);
  return 0;
}

constexpr size_t kPingBytes = 64;  // section 1's payload

CmMessageStatus OnPong(CmMessage message, char*, char*) {
  int size = 0;
  (void)CmMessageGetBytes(message, &size);
  return CmMessageBreak;
}

int PingCm(const char* name, const char* to, long count) {
  if (!CmMessageOpenServer(const_cast<char*>(name))) {
    std::fprintf(stderr, "cm_bench_sender: CmMessageOpenServer(\"%s\") failed\n", name);
    return 1;
  }
  CmMessageInstallHandler(OnPong, const_cast<char*>("Pong"));
  std::string payload(kPingBytes, 'p');
  CmMessage ping = CmMessageNew();
  CmMessageSetType(ping, const_cast<char*>("Ping"));
  CmMessagePutBytes(ping, payload.data(), static_cast<int>(payload.size()));
  long failed = 0;
  for (long i = 0; i < count; ++i)
    if (!CmMessageSend(ping, const_cast<char*>(to)) || CmMessageWaitWithTimeout(60.0) != CmMessageBreak) ++failed;
  CmMessageDelete(ping);
  Sent(count, failed);
  CmMessageCloseServer();
  return failed == 0 ? 0 : 1;
}

int PingZmq(const char* endpoint, long count) {
  void* context = zmq_ctx_new();
  void* dealer = zmq_socket(context, ZMQ_DEALER);
  int linger = 0;
  zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof linger);
  if (zmq_connect(dealer, endpoint) != 0) {
    std::fprintf(stderr, "cm_bench_sender: cannot connect to %s\n", endpoint);
    return 1;
  }
  char buffer[kPingBytes];
  std::memset(buffer, 'z', sizeof buffer);
  long failed = 0;
  for (long i = 0; i < count; ++i)
    if (zmq_send(dealer, buffer, sizeof buffer, 0) < 0 || zmq_recv(dealer, buffer, sizeof buffer, 0) < 0) ++failed;
  Sent(count, failed);
  zmq_close(dealer);
  zmq_ctx_term(context);
  return failed == 0 ? 0 : 1;
}

int LegacyPingCm(const char* name, const char* to, long count) {
  if (!CmMessageOpenServer(const_cast<char*>(name))) return 1;
  bench::InstallLegacyReplyHandler();
  std::string payload(kPingBytes, 'p');
  CmMessage request = CmMessageNew();
  CmMessageSetType(request, const_cast<char*>("Request"));
  CmMessagePutBytes(request, payload.data(), static_cast<int>(payload.size()));
  long failed = 0;
  for (long i = 0; i < count; ++i) failed += !bench::LegacyCmRoundTrip(request, to);
  CmMessageDelete(request);
  Sent(count, failed);
  CmMessageCloseServer();
  return failed == 0 ? 0 : 1;
}

int LegacyPingZmq(const char* endpoint, long count) {
  void* context = zmq_ctx_new();
  void* dealer = zmq_socket(context, ZMQ_DEALER);
  int linger = 0;
  zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof linger);
  if (zmq_connect(dealer, endpoint) != 0) return 1;
  std::string request(kPingBytes, 'z'), reply(kPingBytes + bench::kLegacyReplyExtra, 0);
  long failed = 0;
  for (long i = 0; i < count; ++i) failed += !bench::LegacyZmqRoundTrip(dealer, request, &reply);
  Sent(count, failed);
  zmq_close(dealer);
  zmq_ctx_term(context);
  return failed == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  bench::DieWithParent();
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "cm" && argc == 5) return SendCm(argv[2], argv[3], std::atol(argv[4]));
  if (mode == "zmq" && argc == 5) return SendZmq(argv[2], std::atol(argv[3]), argv[4]);
  if (mode == "cm-ping" && argc == 5) return PingCm(argv[2], argv[3], std::atol(argv[4]));
  if (mode == "zmq-ping" && argc == 4) return PingZmq(argv[2], std::atol(argv[3]));
  if (mode == "legacy-ping" && argc == 5) return LegacyPingCm(argv[2], argv[3], std::atol(argv[4]));
  if (mode == "zmq-legacy-ping" && argc == 4) return LegacyPingZmq(argv[2], std::atol(argv[3]));
  if (mode == "cm-flood" && argc == 5) return Flood(argv[2], argv[3], std::atol(argv[4]));
  std::fprintf(stderr,
               "usage: cm_bench_sender cm NAME TO COUNT | zmq ENDPOINT COUNT HEX | cm-ping NAME TO COUNT |\n"
               "       zmq-ping ENDPOINT COUNT | legacy-ping NAME TO COUNT | zmq-legacy-ping ENDPOINT COUNT |\n"
               "       cm-flood NAME TO COUNT\n");
  return 2;
}
