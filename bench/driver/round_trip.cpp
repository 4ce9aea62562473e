// Section 1: round trip of a 64-byte payload, three ways, interleaved in
// blocks so that a noisy moment of the machine hits every transport alike,
// in several runs; then raw libzmq over one connection against two, the
// same way; then where a round trip's time goes, back to back and after a
// pause (echoes that stamp their replies); then the round trip as a legacy
// program makes it (harness/legacy_client.h), back to back and after a
// pause; then the instructions per round trip (instructions.cpp).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "driver/cm_client.h"
#include "driver/results.h"
#include "harness/legacy_client.h"
#include "harness/raw_zmq.h"

namespace bench {
namespace {

constexpr int kPausedRoundTrips = 1000;  // per way at most, each after a pause of kPauseUs
constexpr int kPauseUs = 5000;
constexpr int kSplitRoundTrips = 5000;  // per way at most, back to back, for where the time goes
constexpr int kSegmentRoundTrips = 20000;  // per way at most, for the TCP segments per round trip
constexpr int kPairRounds = 3;  // of the pairs of processes (CPU per round trip)
constexpr int kBlocks = 100;  // ~25 ms per transport and block: the load here changes faster than seconds

class PingPong {
 public:
  virtual ~PingPong() = default;
  virtual bool Once() = 0;
};

// Raw TCP with TCP_NODELAY against cm_bench_raw_peer tcp-echo.
class TcpPingPong : public PingPong {
 public:
  TcpPingPong(int port, size_t size) : buffer_(size, 't') {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) throw Failure("tcp: cannot connect");
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~TcpPingPong() override { close(fd_); }
  bool Once() override {
    if (write(fd_, buffer_.data(), buffer_.size()) != static_cast<ssize_t>(buffer_.size())) return false;
    for (size_t got = 0; got < buffer_.size();) {
      ssize_t n = read(fd_, buffer_.data() + got, buffer_.size() - got);
      if (n <= 0) return false;
      got += static_cast<size_t>(n);
    }
    return true;
  }

 private:
  int fd_;
  std::string buffer_;
};

// Raw libzmq: a DEALER against cm_bench_raw_peer zmq-echo (a ROUTER).
class ZmqPingPong : public PingPong {
 public:
  ZmqPingPong(void* context, const std::string& endpoint, size_t size) : buffer_(size, 'z') {
    socket_ = zmq_socket(context, ZMQ_DEALER);
    int linger = 0;
    zmq_setsockopt(socket_, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(socket_, endpoint.c_str()) != 0) throw Failure("zmq: cannot connect to " + endpoint);
  }
  ~ZmqPingPong() override { zmq_close(socket_); }
  void* socket() { return socket_; }
  std::string& buffer() { return buffer_; }
  bool Once() override {
    if (zmq_send(socket_, buffer_.data(), buffer_.size(), 0) < 0) return false;
    return zmq_recv(socket_, buffer_.data(), buffer_.size(), 0) == static_cast<int>(buffer_.size());
  }

 private:
  void* socket_;
  std::string buffer_;
};

// Raw libzmq over two connections, one each way, as the library's requests
// and replies travel: a PUSH to cm_bench_raw_peer zmq-echo-two's PULL, which
// sends back through a PUSH to our PULL.  With a time-out, every receive (ours
// and the peer's) is given it, as the library's wait loop gives its receives
// one (ZMQ_RCVTIMEO); a receive that times out is tried again.
class ZmqTwoWayPingPong : public PingPong {
 public:
  ZmqTwoWayPingPong(void* context, size_t size, int timeout_ms = -1) : buffer_(size, 'w') {
    pull_ = zmq_socket(context, ZMQ_PULL);
    int linger = 0;
    zmq_setsockopt(pull_, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(pull_, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
    if (zmq_bind(pull_, "tcp://127.0.0.1:*") != 0) throw Failure("zmq: cannot bind a PULL");
    char endpoint[256];
    size_t length = sizeof endpoint;
    zmq_getsockopt(pull_, ZMQ_LAST_ENDPOINT, endpoint, &length);
    endpoint_ = endpoint;
  }
  ~ZmqTwoWayPingPong() override {
    zmq_close(pull_);
    if (push_ != nullptr) zmq_close(push_);
  }
  const std::string& endpoint() const { return endpoint_; }
  void Connect(void* context, const std::string& peer) {
    push_ = ConnectPush(context, peer);
    if (push_ == nullptr) throw Failure("zmq: cannot connect to " + peer);
  }
  bool Once() override {
    if (zmq_send(push_, buffer_.data(), buffer_.size(), 0) < 0) return false;
    for (int tries = 0; tries < 100; ++tries) {  // 10 s with the 100 ms the section gives
      int n = zmq_recv(pull_, buffer_.data(), buffer_.size(), 0);
      if (n >= 0 || zmq_errno() != EAGAIN) return n == static_cast<int>(buffer_.size());
    }
    return false;
  }

 private:
  void* pull_;
  void* push_ = nullptr;
  std::string endpoint_;
  std::string buffer_;
};

// libCm-zmq: CmMessageSend, the peer's handler replies, CmMessageWaitWithTimeout.
class CmPingPong : public PingPong {
 public:
  CmPingPong(const std::string& to, size_t size) : to_(to), ping_(NewPing(size)) {}
  ~CmPingPong() override { CmMessageDelete(ping_); }
  bool Once() override { return CmRoundTrip(ping_, to_.c_str(), 5.0); }

 private:
  std::string to_;
  CmMessage ping_;
};

// The round trip as a legacy program makes it: a "Request" to
// cm_bench_legacy_echo, waited for with the time left of its deadline.
class CmLegacyPingPong : public PingPong {
 public:
  CmLegacyPingPong(const std::string& to, size_t size) : to_(to), request_(CmMessageNew()) {
    std::string payload(size, 'l');
    CmMessageSetType(request_, const_cast<char*>("Request"));
    CmMessagePutBytes(request_, payload.data(), static_cast<int>(size));
    InstallLegacyReplyHandler();
  }
  ~CmLegacyPingPong() override { CmMessageDelete(request_); }
  bool Once() override { return LegacyCmRoundTrip(request_, to_.c_str()); }

 private:
  std::string to_;
  CmMessage request_;
};

// The same shape in raw libzmq, against cm_bench_raw_peer zmq-legacy-echo.
class ZmqLegacyPingPong : public PingPong {
 public:
  ZmqLegacyPingPong(void* context, const std::string& endpoint, size_t size)
      : zmq_(context, endpoint, size), reply_(size + kLegacyReplyExtra, 0) {}
  bool Once() override { return LegacyZmqRoundTrip(zmq_.socket(), zmq_.buffer(), &reply_); }

 private:
  ZmqPingPong zmq_;
  std::string reply_;
};

// A round trip against an echo that stamps its reply (StampedRoundTrip):
// each one's moments are kept for Split().
class StampedPingPong : public PingPong {
 public:
  bool Once() override {
    StampedRoundTrip trip;
    if (!Stamped(&trip)) return false;
    trips_.push_back(trip);
    return true;
  }
  void Clear() { trips_.clear(); }
  RoundTripSplit Split() const {
    std::vector<double> send, to_echo, echo, back, finish, total;
    auto us = [](Clock::time_point a, Clock::time_point b) { return NanosBetween(a, b) / 1000.0; };
    for (const StampedRoundTrip& t : trips_) {
      send.push_back(us(t.start, t.sent));
      to_echo.push_back(us(t.sent, t.echo_in));
      echo.push_back(us(t.echo_in, t.echo_out));
      back.push_back(us(t.echo_out, t.handled));
      finish.push_back(us(t.handled, t.done));
      total.push_back(us(t.start, t.done));
    }
    RoundTripSplit split;
    split.send_us = Median(send);
    split.to_echo_us = Median(to_echo);
    split.echo_us = Median(echo);
    split.back_us = Median(back);
    split.finish_us = Median(finish);
    split.total_us = Median(total);
    return split;
  }

 protected:
  virtual bool Stamped(StampedRoundTrip* trip) = 0;

 private:
  std::vector<StampedRoundTrip> trips_;
};

// Raw libzmq: a DEALER against cm_bench_raw_peer zmq-stamped-echo.
class ZmqStampedPingPong : public StampedPingPong {
 public:
  ZmqStampedPingPong(void* context, const std::string& endpoint, size_t size) : zmq_(context, endpoint, size) {}

 protected:
  bool Stamped(StampedRoundTrip* trip) override {
    trip->start = Clock::now();
    if (zmq_send(zmq_.socket(), zmq_.buffer().data(), zmq_.buffer().size(), 0) < 0) return false;
    trip->sent = Clock::now();
    int n = zmq_recv(zmq_.socket(), zmq_.buffer().data(), zmq_.buffer().size(), 0);
    trip->handled = trip->done = Clock::now();
    if (n != static_cast<int>(zmq_.buffer().size())) return false;
    int64_t stamps[2];
    std::memcpy(stamps, zmq_.buffer().data(), sizeof stamps);
    trip->echo_in = Clock::time_point(std::chrono::nanoseconds(stamps[0]));
    trip->echo_out = Clock::time_point(std::chrono::nanoseconds(stamps[1]));
    return true;
  }

 private:
  ZmqPingPong zmq_;
};

// libCm-zmq against cm_bench_cm_peer stamped-echo.
class CmStampedPingPong : public StampedPingPong {
 public:
  CmStampedPingPong(const std::string& to, size_t size) : to_(to), ping_(NewPing(size)) {}
  ~CmStampedPingPong() override { CmMessageDelete(ping_); }

 protected:
  bool Stamped(StampedRoundTrip* trip) override { return CmStampedRoundTrip(ping_, to_.c_str(), 5.0, trip); }

 private:
  std::string to_;
  CmMessage ping_;
};

struct Way {
  const char* name;
  PingPong* ping_pong;
};

// Warms every way up, then options.runs runs of options.round_trips round
// trips per way, each run interleaved in kBlocks blocks (each way going first
// in turn).  Every way's samples (µs) of all runs; each run's ratio of
// medians, way `over` / way `base`, appended to *ratios (and the same for
// every (over, ratios) of `more`).
std::vector<std::vector<double>> Interleave(const std::vector<Way>& ways, const Options& options, size_t base,
                                            size_t over, std::vector<double>* ratios,
                                            const std::vector<std::pair<size_t, std::vector<double>*>>& more = {}) {
  for (const Way& way : ways)
    for (int i = 0; i < options.warmup; ++i)
      if (!way.ping_pong->Once()) throw Failure(std::string(way.name) + ": a warm-up round trip failed");
  std::vector<std::vector<double>> us(ways.size());
  int per_block = (options.round_trips + kBlocks - 1) / kBlocks;
  for (int run = 0; run < options.runs; ++run) {
    std::vector<std::vector<double>> run_us(ways.size());
    for (int block = 0; block < kBlocks; ++block) {
      for (size_t k = 0; k < ways.size(); ++k) {
        size_t w = (k + static_cast<size_t>(block)) % ways.size();
        for (int i = 0; i < per_block; ++i) {
          Clock::time_point t0 = Clock::now();
          if (!ways[w].ping_pong->Once()) throw Failure(std::string(ways[w].name) + ": a round trip failed");
          run_us[w].push_back(NanosBetween(t0, Clock::now()) / 1000.0);
        }
      }
    }
    ratios->push_back(Percentile(run_us[over], 50) / Percentile(run_us[base], 50));
    for (const auto& [other, other_ratios] : more)
      other_ratios->push_back(Percentile(run_us[other], 50) / Percentile(run_us[base], 50));
    for (size_t w = 0; w < ways.size(); ++w) us[w].insert(us[w].end(), run_us[w].begin(), run_us[w].end());
  }
  return us;
}

// CPU (ms, the children's) of one client process and one echo process
// doing `n` round trips: raw libzmq (zmq-ping against zmq-echo-once) or the
// library (cm-ping against echo-once).  Both exit by themselves.
double PairCpuMs(Setup& setup, bool cm, size_t n) {
  const std::string count = std::to_string(n), tag = std::to_string(n);
  double before = ChildrenCpuMs();
  Child echo, client;
  std::vector<std::string> argv = {setup.Program("cm_bench_sender")};
  if (cm) {
    StartPeer(&echo, setup.CmPeer({"echo-once", "bench_cpu_echo_" + tag, count}));
    argv.insert(argv.end(), {"cm-ping", "bench_cpu_client_" + tag, "bench_cpu_echo_" + tag, count});
  } else {
    std::string endpoint = StartPeer(&echo, setup.RawPeer({"zmq-echo-once", count}));
    argv.insert(argv.end(), {"zmq-ping", endpoint, count});
  }
  if (!client.Start(argv, Child::Output::kDiscard)) throw Failure("cannot start cm_bench_sender");
  if (client.Join() != 0) throw Failure(argv[1] + ": a round trip failed");
  if (echo.Join() != 0) throw Failure(std::string(cm ? "echo-once" : "zmq-echo-once") + " failed");
  return ChildrenCpuMs() - before;
}

// Round trips that each follow a pause (a program that sends a command now
// and then; none if pause_us is 0), the ways taking turns, each going first in every other pair:
// every way's samples (µs).
std::vector<std::vector<double>> AfterPauses(const std::vector<Way>& ways, int n, int pause_us) {
  std::vector<std::vector<double>> us(ways.size());
  for (int i = 0; i < n; ++i) {
    for (size_t k = 0; k < ways.size(); ++k) {
      size_t w = (k + static_cast<size_t>(i)) % ways.size();
      if (pause_us > 0) usleep(static_cast<useconds_t>(pause_us));
      Clock::time_point t0 = Clock::now();
      if (!ways[w].ping_pong->Once()) throw Failure(std::string(ways[w].name) + ": a round trip failed");
      us[w].push_back(NanosBetween(t0, Clock::now()) / 1000.0);
    }
  }
  return us;
}

// TCP segments this machine has sent (Tcp OutSegs in /proc/net/snmp: every
// connection, so whatever else runs adds to it); -1 if unreadable.
long long TcpSegmentsSent() {
  FILE* f = std::fopen("/proc/net/snmp", "r");
  if (f == nullptr) return -1;
  char names[1024], values[1024];
  long long sent = -1;
  while (sent < 0 && std::fgets(names, sizeof names, f) != nullptr) {
    if (std::strncmp(names, "Tcp: ", 5) != 0 || std::fgets(values, sizeof values, f) == nullptr) continue;
    int column = 0;
    for (char* name = std::strtok(names, " \n"); name != nullptr; name = std::strtok(nullptr, " \n"), ++column)
      if (std::strcmp(name, "OutSegs") == 0) {
        char* value = std::strtok(values, " \n");
        for (int i = 0; i < column && value != nullptr; ++i) value = std::strtok(nullptr, " \n");
        if (value != nullptr) sent = std::atoll(value);
        break;
      }
  }
  std::fclose(f);
  return sent;
}

// TCP segments per round trip, over `n` round trips of one way alone; -1 if
// the counter cannot be read.
double SegmentsPerRoundTrip(PingPong& way, const char* name, int n) {
  long long before = TcpSegmentsSent();
  for (int i = 0; i < n; ++i)
    if (!way.Once()) throw Failure(std::string(name) + ": a round trip failed");
  long long after = TcpSegmentsSent();
  return before < 0 || after < 0 ? -1 : static_cast<double>(after - before) / n;
}

Latency Summarize(std::vector<double>& us) {
  Latency l;
  l.samples = us.size();
  l.median_us = Percentile(us, 50);
  l.p99_us = Percentile(us, 99);
  return l;
}

}  // namespace

RoundTripResults MeasureRoundTrip(Setup& setup, const Options& options) {
  RoundTripResults r;
  Child tcp_peer, zmq_peer, zmq_two_peer, zmq_timed_peer, cm_peer, cm_timed_peer;
  std::string port = StartPeer(&tcp_peer, setup.RawPeer({"tcp-echo", std::to_string(r.payload)}));
  std::string endpoint = StartPeer(&zmq_peer, setup.RawPeer({"zmq-echo"}));
  StartPeer(&cm_peer, setup.CmPeer({"echo", "bench_echo"}));
  TcpPingPong tcp(std::stoi(port), r.payload);
  ZmqPingPong zmq(setup.zmq_context, endpoint, r.payload);
  CmPingPong cm("bench_echo", r.payload);

  // The figures of the target: three ways, interleaved.
  std::vector<std::vector<double>> us = Interleave({{"raw TCP", &tcp}, {"raw libzmq", &zmq}, {"libCm-zmq", &cm}},
                                                   options, 1, 2, &r.run_ratios);
  // The echo acknowledges the last pings within 100 ms: read that before it is stopped.
  ReadAcknowledgements();
  r.tcp = Summarize(us[0]);
  r.zmq = Summarize(us[1]);
  r.cm = Summarize(us[2]);

  // What the library's shape costs by itself, in raw libzmq: one connection
  // against two; and two whose receives are given a time-out, as the wait
  // loop's are; interleaved on their own.
  ZmqTwoWayPingPong two(setup.zmq_context, r.payload);
  two.Connect(setup.zmq_context, StartPeer(&zmq_two_peer, setup.RawPeer({"zmq-echo-two", two.endpoint()})));
  const int timeout_ms = 100;  // the wait loop's, up to its next link check
  ZmqTwoWayPingPong timed(setup.zmq_context, r.payload, timeout_ms);
  timed.Connect(setup.zmq_context, StartPeer(&zmq_timed_peer, setup.RawPeer({"zmq-echo-two", timed.endpoint(),
                                                                             std::to_string(timeout_ms)})));
  us = Interleave({{"raw libzmq", &zmq}, {"raw libzmq, two connections", &two},
                   {"raw libzmq, two connections, receives with a time-out", &timed}},
                  options, 0, 1, &r.two_run_ratios, {{2, &r.timed_run_ratios}});
  r.zmq_one = Summarize(us[0]);
  r.zmq_two = Summarize(us[1]);
  r.zmq_two_timed = Summarize(us[2]);
  // The alarm (docs/architecture.md, "Receiving"), one side of the round
  // trip at a time: the same client against an echo whose receives sleep
  // without a time-out (the default) and one whose receives have one
  // (CM_RECEIVE_ALARM=0, read when its session starts); half as many round
  // trips.
  setenv("CM_RECEIVE_ALARM", "0", 1);
  StartPeer(&cm_timed_peer, setup.CmPeer({"echo", "bench_echo_timed"}));
  unsetenv("CM_RECEIVE_ALARM");
  CmPingPong cm_timed("bench_echo_timed", r.payload);
  Options half = options;
  half.round_trips = std::max(1, options.round_trips / 2);
  r.alarm_round_trips = half.round_trips;
  us = Interleave({{"libCm-zmq", &cm}, {"libCm-zmq, its echo with CM_RECEIVE_ALARM=0", &cm_timed}}, half, 0, 1,
                  &r.alarm_run_ratios);
  r.cm_alarm = Summarize(us[0]);
  r.cm_echo_timed = Summarize(us[1]);
  // TCP segments (data and bare ACKs), each way alone, one after the other
  // (a count, not a time); then round trips after a pause.  The library's
  // waits here also read the acknowledgements of both echoes.
  r.segment_round_trips = std::min(kSegmentRoundTrips, std::max(1, options.round_trips));
  r.segments_zmq = SegmentsPerRoundTrip(zmq, "raw libzmq", r.segment_round_trips);
  r.segments_zmq_two = SegmentsPerRoundTrip(two, "raw libzmq, two connections", r.segment_round_trips);
  r.segments_cm = SegmentsPerRoundTrip(cm, "libCm-zmq", r.segment_round_trips);
  // Where the time goes, back to back and after a pause: against echoes
  // that stamp their replies (the stamps cost a clock read each, ~40 ns).
  Child zmq_stamped_peer, cm_stamped_peer;
  ZmqStampedPingPong zmq_stamped(setup.zmq_context, StartPeer(&zmq_stamped_peer, setup.RawPeer({"zmq-stamped-echo"})),
                                 r.payload);
  StartPeer(&cm_stamped_peer, setup.CmPeer({"stamped-echo", "bench_stamped_echo"}));
  CmStampedPingPong cm_stamped("bench_stamped_echo", r.payload);
  std::vector<Way> stamped = {{"raw libzmq, stamped", &zmq_stamped}, {"libCm-zmq, stamped", &cm_stamped}};
  (void)AfterPauses(stamped, options.warmup, 0);
  r.split_round_trips = std::min(kSplitRoundTrips, std::max(1, options.round_trips));
  zmq_stamped.Clear();
  cm_stamped.Clear();
  (void)AfterPauses(stamped, r.split_round_trips, 0);
  r.zmq_split = zmq_stamped.Split();
  r.cm_split = cm_stamped.Split();
  zmq_stamped.Clear();
  cm_stamped.Clear();
  r.pause_round_trips = std::min(kPausedRoundTrips, std::max(10, options.round_trips / 20));
  us = AfterPauses(stamped, r.pause_round_trips, kPauseUs);
  r.pause_us = kPauseUs;
  r.zmq_paused = Summarize(us[0]);
  r.cm_paused = Summarize(us[1]);
  r.zmq_paused_split = zmq_stamped.Split();
  r.cm_paused_split = cm_stamped.Split();
  // The round trip as a legacy program makes it (issue 21): back to back,
  // interleaved as the figures of the target, then after pauses.
  Child zmq_legacy_peer, cm_legacy_peer;
  ZmqLegacyPingPong zmq_legacy(setup.zmq_context, StartPeer(&zmq_legacy_peer, setup.RawPeer({"zmq-legacy-echo"})),
                               r.payload);
  StartPeer(&cm_legacy_peer, setup.Peer("cm_bench_legacy_echo", {"bench_legacy_echo"}));
  CmLegacyPingPong cm_legacy("bench_legacy_echo", r.payload);
  std::vector<Way> legacy = {{"raw libzmq, legacy pattern", &zmq_legacy}, {"libCm-zmq, legacy pattern", &cm_legacy}};
  us = Interleave(legacy, options, 0, 1, &r.legacy_run_ratios);
  r.zmq_legacy = Summarize(us[0]);
  r.cm_legacy = Summarize(us[1]);
  us = AfterPauses(legacy, r.pause_round_trips, kPauseUs);
  r.zmq_legacy_paused = Summarize(us[0]);
  r.cm_legacy_paused = Summarize(us[1]);
  ReadAcknowledgements();
  Say("round trip: tcp %.1f us, zmq %.1f us, cm %.1f us (medians); zmq over one connection %.1f us, over two %.1f us, "
      "with time-outs %.1f us; cm %.1f us against an echo with CM_RECEIVE_ALARM=0 %.1f us; TCP segments per round "
      "trip: zmq %.2f, zmq over two connections %.2f, cm %.2f; after a pause: zmq %.1f us, cm %.1f us; legacy pattern: "
      "zmq %.1f us, cm %.1f us, after a pause zmq %.1f us, cm %.1f us",
      r.tcp.median_us, r.zmq.median_us, r.cm.median_us, r.zmq_one.median_us, r.zmq_two.median_us,
      r.zmq_two_timed.median_us, r.cm_alarm.median_us, r.cm_echo_timed.median_us, r.segments_zmq,
      r.segments_zmq_two, r.segments_cm, r.zmq_paused.median_us, r.cm_paused.median_us, r.zmq_legacy.median_us,
      r.cm_legacy.median_us, r.zmq_legacy_paused.median_us, r.cm_legacy_paused.median_us);
  // CPU per round trip, the two processes together: N and 2N, so that
  // starting, registering and exiting cancel out; the two ways in turn, so
  // that a slower moment of the machine falls on both.
  r.cpu_round_trips = static_cast<size_t>(std::max(1, options.round_trips));
  size_t n = r.cpu_round_trips;
  // Three rounds, the two ways in turn, and the median of each way's three
  // differences: one pair of runs alone swung by several µs.
  std::vector<double> cpu[2];
  for (int round = 0; round < kPairRounds; ++round) {
    for (int k = 0; k < 2; ++k) {
      bool cm = (k + round) % 2 == 1;
      double once = PairCpuMs(setup, cm, n), twice = PairCpuMs(setup, cm, 2 * n);
      cpu[cm].push_back((twice - once) * 1e3 / static_cast<double>(n));
    }
  }
  r.pair_rounds = kPairRounds;
  r.cpu_zmq_us = Percentile(cpu[0], 50);
  r.cpu_cm_us = Percentile(cpu[1], 50);
  Say("CPU per round trip, client and echo together: zmq %.1f us, cm %.1f us", r.cpu_zmq_us, r.cpu_cm_us);
  r.instructions = MeasureRoundTripInstructions(setup, options);
  return r;
}

}  // namespace bench
