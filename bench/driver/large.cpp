// Section 3: bandwidth for an 8 MiB array of doubles: raw libzmq PUSH/PULL
// of the same 8 MiB (zmq_send: one copy, as a plain ZeroMQ program does),
// CmMessagePutArray (copied into the message, then encoded) and
// CmMessagePutExternalArray (encoded straight from the caller's array).
// Each message is built anew, as a program sending fresh data would.
#include <unistd.h>
#include <zmq.h>

#include <string>
#include <vector>

#include "driver/cm_client.h"
#include "driver/results.h"
#include "harness/process.h"
#include "harness/raw_zmq.h"

namespace bench {
namespace {

constexpr int kElements = 1 << 20;  // 8 MiB of doubles
constexpr int kSinkTimeoutMs = 120000;

double MegabytesPerSecond(size_t bytes, Clock::time_point t0) { return static_cast<double>(bytes) / 1e6 / SecondsSince(t0); }

void WaitForSink(Child& sink, size_t n, long* errors) {
  std::string got;
  if (!sink.WaitFor("got ", &got, kSinkTimeoutMs)) throw Failure("a sink did not count every array");
  if (std::stoul(got) != n) throw Failure("a sink counted " + got);
  size_t space = got.find(' ');
  if (errors != nullptr && space != std::string::npos) *errors += std::stol(got.substr(space + 1));
}

// A receiver that reads nothing: cm_bench_sender cm-flood sends it arrays
// until a send is refused (or `tried` went), then both processes' memory is read.
LargeResults::Stuck MeasureStuck(Setup& setup, const std::string& window, long tried, const std::string& tag) {
  LargeResults::Stuck s;
  s.window = window;
  s.tried = tried;
  Child stuck, flood;
  StartPeer(&stuck, setup.CmPeer({"stuck", "bench_stuck_" + tag}));
  // A refused send waits this long first (CM_SEND_TIMEOUT): the point is what piles up.
  if (!flood.Start({"env", "CM_SEND_TIMEOUT=0.5", "CM_SEND_WINDOW=" + window, setup.Program("cm_bench_sender"),
                    "cm-flood", "bench_flood_" + tag, "bench_stuck_" + tag, std::to_string(tried)},
                   Child::Output::kPipe))
    throw Failure("cannot start cm_bench_sender cm-flood");
  std::string got;
  if (!flood.WaitFor("sent ", &got, 120000)) throw Failure("cm-flood did not finish");
  s.accepted = std::stol(got);
  usleep(300000);  // the receiver's I/O thread takes in what reached its socket
  s.sender_kb = StatusKb(flood.pid(), "VmRSS");
  s.receiver_kb = StatusKb(stuck.pid(), "VmRSS");
  return s;
}

}  // namespace

LargeResults MeasureLarge(Setup& setup, const Options& options) {
  LargeResults r;
  r.array_bytes = kElements * sizeof(double);
  r.messages = static_cast<size_t>(options.large_messages);
  const size_t total = r.array_bytes * r.messages;
  std::vector<double> data(kElements);
  for (int i = 0; i < kElements; ++i) data[i] = i;

  Child raw_sink, cm_sink;
  const std::string count = std::to_string(r.messages);
  std::string endpoint = StartPeer(&raw_sink, setup.RawPeer({"zmq-sink", count}));
  StartPeer(&cm_sink, setup.CmPeer({"sink", "bench_large", count}));
  void* push = ConnectPush(setup.zmq_context, endpoint);
  if (push == nullptr) throw Failure("cannot connect to " + endpoint);
  CmMessage m = CmMessageNew();

  for (int run = 0; run <= options.runs; ++run) {  // run 0 warms up
    Clock::time_point t0 = Clock::now();
    for (size_t k = 0; k < r.messages; ++k)
      if (zmq_send(push, data.data(), r.array_bytes, 0) < 0) throw Failure("zmq_send failed");
    WaitForSink(raw_sink, r.messages, nullptr);
    double raw = MegabytesPerSecond(total, t0);

    double cm[2];
    for (int external = 0; external < 2; ++external) {
      t0 = Clock::now();
      for (size_t k = 0; k < r.messages; ++k) {
        CmMessageReset(m);
        CmMessageSetType(m, const_cast<char*>("Large"));
        if (external)
          CmMessagePutExternalArray(m, CmMessageDouble, kElements, data.data());
        else
          CmMessagePutArray(m, CmMessageDouble, kElements, data.data());
        if (!CmMessageSend(m, const_cast<char*>("bench_large"))) ++r.send_failures;
      }
      if (r.send_failures > 0) throw Failure(std::to_string(r.send_failures) + " CmMessageSend calls failed");
      WaitForSink(cm_sink, r.messages, &r.sink_errors);
      cm[external] = MegabytesPerSecond(total, t0);
      ReadAcknowledgements();
    }
    if (run == 0) continue;
    r.zmq.runs.push_back(raw);
    r.cm_copied.runs.push_back(cm[0]);
    r.cm_external.runs.push_back(cm[1]);
  }
  CmMessageDelete(m);
  zmq_close(push);
  Say("8 MiB arrays: zmq %.0f MB/s, cm copied %.0f MB/s, cm external %.0f MB/s", r.zmq.Median(),
      r.cm_copied.Median(), r.cm_external.Median());
  r.stuck.push_back(MeasureStuck(setup, "64", 1000, "window"));
  r.stuck.push_back(MeasureStuck(setup, "1000000", 64, "nowindow"));
  for (const LargeResults::Stuck& s : r.stuck)
    Say("a receiver that reads nothing, CM_SEND_WINDOW=%s: %ld of %ld arrays accepted; sender %ld kB, receiver %ld kB",
        s.window.c_str(), s.accepted, s.tried, s.sender_kb, s.receiver_kb);
  return r;
}

}  // namespace bench
