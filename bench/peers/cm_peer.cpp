// cm_bench_cm_peer: the far end of the libCm-zmq measurements, started by
// cm_bench; it uses only the C API, as a legacy program would.
//
//   cm_bench_cm_peer echo NAME         register NAME; answer every "Ping" with a
//                                      "Pong" holding the same bytes; print "ready"
//   cm_bench_cm_peer sink NAME COUNT   register NAME; read every item of "Small"
//                                      (int, double, text) and "Large" (double
//                                      array) messages; print "got COUNT ERRORS"
//                                      after each COUNT messages
//   cm_bench_cm_peer sink-once NAME COUNT
//                                      as sink, but close and exit after the first COUNT
//                                      (cm_bench counts its instructions under callgrind)
//   cm_bench_cm_peer stamped-echo NAME as echo, but the "StampedPong" carries two longs
//                                      after the bytes: when the handler began, and
//                                      when it called CmMessageSend (steady_clock, ns)
//   cm_bench_cm_peer echo-once NAME COUNT
//                                      as echo, but print "got COUNT 0", close and exit
//                                      after COUNT pings (counted under callgrind)
//   cm_bench_cm_peer relay NAME TO COUNT
//                                      register NAME; send every "Small" on to TO as
//                                      it came (one CmMessageSend per message handled);
//                                      print "got COUNT ERRORS" after each COUNT
//   cm_bench_cm_peer relay-once NAME TO COUNT
//                                      as relay, but close and exit after the first COUNT
//   cm_bench_cm_peer register-exit NAME
//                                      register NAME, then end at once (_exit: no
//                                      goodbye; the CPU a registration costs)
//   cm_bench_cm_peer exit              exit at once (the cost of starting a process)
//   cm_bench_cm_peer held-echo NAME    as echo, but make no Cm call before standard
//                                      input reaches end of file (the driver releases
//                                      hundreds at once by closing one pipe)
//   cm_bench_cm_peer stuck NAME        register NAME, print "ready", then read nothing
//                                      (no Cm call) until killed: a receiver that hangs
#include <unistd.h>

#include <CmConnect.h>
#include <CmMessage.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "harness/process.h"

namespace {

CmMessage g_reply;
long g_round = 0;      // messages per "got" line
bool g_once = false;   // exit after the first "got" line
bool g_done = false;   // ... which was printed
long g_count = 0;      // messages in this round
long g_errors = 0;     // items that were not what the driver sent
int g_next_index = 0;  // the int the next "Small" should carry

CmMessageStatus Counted();

CmMessageStatus OnPing(CmMessage message, char* sender, char*) {
  int size = 0;
  char* bytes = CmMessageGetBytes(message, &size);
  CmMessageReset(g_reply);
  CmMessageSetType(g_reply, const_cast<char*>("Pong"));
  CmMessagePutBytes(g_reply, bytes, size);
  CmMessageSend(g_reply, sender);
  if (g_round > 0) return Counted();  // echo-once
  return CmMessageOk;
}

long NowNs() {
  return static_cast<long>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

// Where a round trip spends its time (cm_bench section 1): the stamps go
// last, so that the second is taken just before the send.
CmMessageStatus OnStampedPing(CmMessage message, char* sender, char*) {
  long began = NowNs();
  int size = 0;
  char* bytes = CmMessageGetBytes(message, &size);
  CmMessageReset(g_reply);
  CmMessageSetType(g_reply, const_cast<char*>("StampedPong"));
  CmMessagePutBytes(g_reply, bytes, size);
  CmMessagePutLong(g_reply, began);
  CmMessagePutLong(g_reply, NowNs());
  CmMessageSend(g_reply, sender);
  return CmMessageOk;
}

// CmMessageBreak when a sink-once has counted its messages.
CmMessageStatus Counted() {
  if (++g_count < g_round) return CmMessageOk;
  std::printf("got %ld %ld\n", g_count, g_errors);
  std::fflush(stdout);
  g_count = 0;
  g_errors = 0;
  g_next_index = 0;
  g_done = g_once;
  return g_done ? CmMessageBreak : CmMessageOk;
}

const char* g_forward_to = nullptr;  // relay-once

CmMessageStatus OnSmall(CmMessage message, char*, char*) {
  if (g_forward_to != nullptr) {
    if (!CmMessageSend(message, const_cast<char*>(g_forward_to))) ++g_errors;
    return Counted();
  }
  int index = CmMessageGetInt(message);
  double value = CmMessageGetDouble(message);
  char* text = CmMessageGetText(message);
  if (index != g_next_index || value != index * 0.5 || text == nullptr || std::strlen(text) != 32) ++g_errors;
  g_next_index = index + 1;
  return Counted();
}

CmMessageStatus OnLarge(CmMessage message, char*, char*) {
  CmMessageArrayType type;
  int count = 0;
  const double* data = static_cast<const double*>(CmMessageGetArray(message, &type, &count));
  if (data == nullptr || type != CmMessageDouble || count < 2 || data[0] != 0.0 || data[count - 1] != count - 1.0)
    ++g_errors;
  return Counted();
}

int Serve(const char* name, bool stamped = false) {
  if (!CmMessageOpenServer(const_cast<char*>(name))) {
    std::printf("failed\n");
    return 1;
  }
  g_reply = CmMessageNew();
  CmMessageInstallHandler(stamped ? OnStampedPing : OnPing, const_cast<char*>("Ping"));
  CmMessageInstallHandler(OnSmall, const_cast<char*>("Small"));
  CmMessageInstallHandler(OnLarge, const_cast<char*>("Large"));
  std::printf("ready\n");
  std::fflush(stdout);
  while (!g_done) CmMessageWait();
  CmMessageCloseServer();  // acknowledges what it dispatched
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bench::DieWithParent();
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "exit" && argc == 2) return 0;
  if (mode == "echo" && argc == 3) return Serve(argv[2]);
  if (mode == "stamped-echo" && argc == 3) return Serve(argv[2], true);
  if (mode == "register-exit" && argc == 3) _exit(CmMessageOpenServer(argv[2]) ? 0 : 1);
  if (mode == "echo-once" && argc == 4) {
    g_round = std::atol(argv[3]);
    g_once = true;
    return Serve(argv[2]);
  }
  if ((mode == "relay" || mode == "relay-once") && argc == 5) {
    g_forward_to = argv[3];
    g_round = std::atol(argv[4]);
    g_once = mode == "relay-once";
    return Serve(argv[2]);
  }
  if (mode == "held-echo" && argc == 3) {
    char byte;
    while (read(STDIN_FILENO, &byte, 1) > 0) {
    }
    return Serve(argv[2]);
  }
  if (mode == "stuck" && argc == 3) {
    if (!CmMessageOpenServer(argv[2])) return 1;
    std::printf("ready\n");
    std::fflush(stdout);
    for (;;) pause();
  }
  if ((mode == "sink" || mode == "sink-once") && argc == 4) {
    g_round = std::atol(argv[3]);
    g_once = mode == "sink-once";
    return Serve(argv[2]);
  }
  std::fprintf(stderr, "usage: cm_bench_cm_peer echo NAME | stamped-echo NAME | echo-once NAME COUNT | held-echo NAME | register-exit NAME | sink NAME COUNT | sink-once NAME COUNT | relay NAME TO COUNT | relay-once NAME TO COUNT | stuck NAME | exit\n");
  return 2;
}
