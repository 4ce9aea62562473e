// Section 2: one-way throughput of small messages (an int, a double and a
// 32-byte text).  Raw libzmq PUSH/PULL sends (a) the very bytes CmMessageSend
// puts on the wire, captured below, and (b) the bare 44 bytes of the three
// values; libCm-zmq builds and sends each message through the C API to a
// peer whose handler reads every item, directly and through a relay (a
// process whose handler sends each message on).  Each run stops the clock only when
// the receiver reports that it counted every message.  Then each side's
// instructions per message are counted under callgrind (instructions.cpp).
#include <unistd.h>
#include <zmq.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "driver/cm_client.h"
#include "driver/results.h"
#include "harness/process.h"
#include "harness/raw_zmq.h"
#include "harness/small_message.h"

namespace bench {
namespace {

constexpr int kSinkTimeoutMs = 120000;

// Registers a raw ROUTER under a Cm name, sends it one small message through
// CmMessageSend and returns the frame that arrived.  The ROUTER acknowledges
// it (cm:ack), as a Cm receiver would: otherwise the library, seeing the link
// close with the message unacknowledged, would report it as maybe lost.
std::string CaptureCmFrame(Setup& setup, int index) {
  const std::string incarnation = "00c0ffee00c0ffee";
  void* router = zmq_socket(setup.zmq_context, ZMQ_ROUTER);
  int linger = 0;
  zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt(router, ZMQ_ROUTING_ID, incarnation.data(), incarnation.size());
  zmq_bind(router, "tcp://127.0.0.1:*");
  char endpoint[256];
  size_t size = sizeof endpoint;
  zmq_getsockopt(router, ZMQ_LAST_ENDPOINT, endpoint, &size);
  NameEntry entry;
  entry.name = "bench_capture";
  entry.address = std::string(endpoint) + "#" + incarnation;
  entry.host = "localhost";
  entry.pid = getpid();
  std::string frame;
  if (setup.probe->Register(entry, 2000)) {
    CmMessage m = CmMessageNew();
    FillSmall(m, index);
    if (CmMessageSend(m, const_cast<char*>("bench_capture"))) {
      zmq_pollitem_t item{router, 0, ZMQ_POLLIN, 0};
      zmq_msg_t part;
      zmq_msg_init(&part);
      // Two parts: the sender's routing id, then the frame.
      for (int k = 0; k < 2 && zmq_poll(&item, 1, 2000) > 0 && zmq_msg_recv(&part, router, 0) >= 0; ++k)
        if (k == 1) frame.assign(static_cast<const char*>(zmq_msg_data(&part)), zmq_msg_size(&part));
      zmq_msg_close(&part);
      if (!frame.empty() && AcknowledgeFrame(setup.zmq_context, frame, entry.name, entry.address))
        ReadAcknowledgements();
    }
    CmMessageDelete(m);
  }
  zmq_close(router);
  if (frame.empty()) throw Failure("could not capture the frame of a small Cm message");
  return frame;
}

// CPU time of the driver (the sender) and of a sink over one run.
class CpuMeter {
 public:
  explicit CpuMeter(const Child& sink) : sink_(sink.pid()), sender0_(CpuSeconds(0)), receiver0_(CpuSeconds(sink_)) {}
  void Record(size_t n, CpuPerMessage* out) const {
    double per = 1e6 / static_cast<double>(n);
    out->sender_us.runs.push_back((CpuSeconds(0) - sender0_) * per);
    out->receiver_us.runs.push_back((CpuSeconds(sink_) - receiver0_) * per);
  }

 private:
  pid_t sink_;
  double sender0_, receiver0_;
};

double RawRun(void* push, const std::string& bytes, size_t n, Child& sink) {
  Clock::time_point t0 = Clock::now();
  for (size_t i = 0; i < n; ++i)
    if (zmq_send(push, bytes.data(), bytes.size(), 0) < 0) throw Failure("zmq_send failed");
  std::string got;
  if (!sink.WaitFor("got ", &got, kSinkTimeoutMs)) throw Failure("the raw sink did not count every message");
  double seconds = SecondsSince(t0);
  if (std::stoul(got) != n) throw Failure("the raw sink counted " + got);
  return static_cast<double>(n) / seconds;
}

double CmRun(CmMessage m, size_t n, const char* to, Child& sink, ThroughputResults* r) {
  Clock::time_point t0 = Clock::now();
  for (size_t i = 0; i < n; ++i) {
    FillSmall(m, static_cast<int>(i));
    if (!CmMessageSend(m, const_cast<char*>(to))) ++r->send_failures;
  }
  // The sink counts to n: with a message missing it would never answer.
  if (r->send_failures > 0) throw Failure(std::to_string(r->send_failures) + " CmMessageSend calls failed");
  std::string got;
  if (!sink.WaitFor("got ", &got, kSinkTimeoutMs)) throw Failure("the Cm sink did not count every message");
  double seconds = SecondsSince(t0);
  ReadAcknowledgements();
  size_t space = got.find(' ');
  if (std::stoul(got) != n || space == std::string::npos) throw Failure("the Cm sink counted " + got);
  r->sink_errors += std::stol(got.substr(space + 1));
  return static_cast<double>(n) / seconds;
}

}  // namespace

ThroughputResults MeasureThroughput(Setup& setup, const Options& options) {
  ThroughputResults r;
  r.messages = static_cast<size_t>(options.small_messages);
  const std::string count = std::to_string(r.messages);
  Child raw_sink, cm_sink, relay_sink, relay, relay_alone;
  std::string endpoint = StartPeer(&raw_sink, setup.RawPeer({"zmq-sink", count}));
  StartPeer(&cm_sink, setup.CmPeer({"sink", "bench_sink", count}));
  StartPeer(&relay_sink, setup.CmPeer({"sink", "bench_relay_sink", count}));
  StartPeer(&relay, setup.CmPeer({"relay", "bench_relay", "bench_relay_sink", count}));
  setenv("CM_COALESCE", "0", 1);  // this relay sends every message alone, as relays did before 2026-11-25
  StartPeer(&relay_alone, setup.CmPeer({"relay", "bench_relay_alone", "bench_relay_sink", count}));
  unsetenv("CM_COALESCE");

  std::string frame = CaptureCmFrame(setup, options.small_messages / 2);
  r.cm_frame_bytes = frame.size();
  std::string small(r.raw_small_bytes, '\0');  // int, double, 32 bytes of text
  int index = options.small_messages / 2;
  double value = index * 0.5;
  std::memcpy(&small[0], &index, 4);
  std::memcpy(&small[4], &value, 8);
  std::memcpy(&small[12], kSmallText, 32);

  void* push = ConnectPush(setup.zmq_context, endpoint);
  if (push == nullptr) throw Failure("cannot connect to " + endpoint);
  CmMessage m = CmMessageNew();
  for (int run = 0; run <= options.runs; ++run) {  // run 0 warms up
    bool timed = run > 0;
    CpuMeter meter(raw_sink);
    double frame_rate = RawRun(push, frame, r.messages, raw_sink);
    if (timed) meter.Record(r.messages, &r.zmq_frame_cpu);
    meter = CpuMeter(raw_sink);
    double small_rate = RawRun(push, small, r.messages, raw_sink);
    if (timed) meter.Record(r.messages, &r.zmq_small_cpu);
    meter = CpuMeter(cm_sink);
    double cm_rate = CmRun(m, r.messages, "bench_sink", cm_sink, &r);
    if (timed) meter.Record(r.messages, &r.cm_cpu);
    double relay0 = CpuSeconds(relay.pid());
    double relay_rate = CmRun(m, r.messages, "bench_relay", relay_sink, &r);
    double relay_cpu = (CpuSeconds(relay.pid()) - relay0) * 1e6 / static_cast<double>(r.messages);
    double alone0 = CpuSeconds(relay_alone.pid());
    double alone_rate = CmRun(m, r.messages, "bench_relay_alone", relay_sink, &r);
    double alone_cpu = (CpuSeconds(relay_alone.pid()) - alone0) * 1e6 / static_cast<double>(r.messages);
    if (!timed) continue;
    r.cm_relay.runs.push_back(relay_rate);
    r.cm_relay_alone.runs.push_back(alone_rate);
    r.relay_cpu_us.runs.push_back(relay_cpu);
    r.relay_alone_cpu_us.runs.push_back(alone_cpu);
    r.zmq_frame.runs.push_back(frame_rate);
    r.zmq_small.runs.push_back(small_rate);
    r.cm.runs.push_back(cm_rate);
  }
  CmMessageDelete(m);
  zmq_close(push);
  Say("small messages: zmq %.0f/s (%zu B), zmq %.0f/s (44 B), cm %.0f/s", r.zmq_frame.Median(), r.cm_frame_bytes,
      r.zmq_small.Median(), r.cm.Median());
  Say("through a relay: %.0f/s coalescing, %.0f/s with CM_COALESCE=0 (relay CPU %.2f / %.2f us per message)",
      r.cm_relay.Median(), r.cm_relay_alone.Median(), r.relay_cpu_us.Median(), r.relay_alone_cpu_us.Median());
  raw_sink.Stop();
  cm_sink.Stop();
  relay.Stop();
  relay_alone.Stop();
  relay_sink.Stop();
  r.instructions = MeasureInstructions(setup, options, frame);
  return r;
}

}  // namespace bench
