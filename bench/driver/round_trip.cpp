// Section 1: round trip of a 64-byte payload, three ways, interleaved in
// blocks so that a noisy moment of the machine hits every transport alike,
// in several runs.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>

#include <memory>
#include <string>
#include <vector>

#include "driver/cm_client.h"
#include "driver/results.h"

namespace bench {
namespace {

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
  bool Once() override {
    if (zmq_send(socket_, buffer_.data(), buffer_.size(), 0) < 0) return false;
    return zmq_recv(socket_, buffer_.data(), buffer_.size(), 0) == static_cast<int>(buffer_.size());
  }

 private:
  void* socket_;
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
  Child tcp_peer, zmq_peer, cm_peer;
  std::string port = StartPeer(&tcp_peer, setup.RawPeer({"tcp-echo", std::to_string(r.payload)}));
  std::string endpoint = StartPeer(&zmq_peer, setup.RawPeer({"zmq-echo"}));
  StartPeer(&cm_peer, setup.CmPeer({"echo", "bench_echo"}));

  std::vector<std::unique_ptr<PingPong>> ways;
  ways.push_back(std::make_unique<TcpPingPong>(std::stoi(port), r.payload));
  ways.push_back(std::make_unique<ZmqPingPong>(setup.zmq_context, endpoint, r.payload));
  ways.push_back(std::make_unique<CmPingPong>("bench_echo", r.payload));
  const char* names[] = {"raw TCP", "raw libzmq", "libCm-zmq"};

  for (size_t w = 0; w < ways.size(); ++w)
    for (int i = 0; i < options.warmup; ++i)
      if (!ways[w]->Once()) throw Failure(std::string(names[w]) + ": a warm-up round trip failed");

  // Several runs, each of them interleaved: the figures pool every run's
  // samples; each run's own ratio shows how far one run can be trusted.
  std::vector<std::vector<double>> us(ways.size());
  int per_block = (options.round_trips + kBlocks - 1) / kBlocks;
  for (int run = 0; run < options.runs; ++run) {
    std::vector<std::vector<double>> run_us(ways.size());
    for (int block = 0; block < kBlocks; ++block) {
      for (size_t k = 0; k < ways.size(); ++k) {
        size_t w = (k + static_cast<size_t>(block)) % ways.size();  // each goes first in turn
        for (int i = 0; i < per_block; ++i) {
          Clock::time_point t0 = Clock::now();
          if (!ways[w]->Once()) throw Failure(std::string(names[w]) + ": a round trip failed");
          run_us[w].push_back(NanosBetween(t0, Clock::now()) / 1000.0);
        }
      }
    }
    r.run_ratios.push_back(Percentile(run_us[2], 50) / Percentile(run_us[1], 50));
    for (size_t w = 0; w < ways.size(); ++w) us[w].insert(us[w].end(), run_us[w].begin(), run_us[w].end());
  }
  // The echo acknowledges the last pings within 100 ms: read that before it is stopped.
  ReadAcknowledgements();
  r.tcp = Summarize(us[0]);
  r.zmq = Summarize(us[1]);
  r.cm = Summarize(us[2]);
  Say("round trip: tcp %.1f us, zmq %.1f us, cm %.1f us (medians)", r.tcp.median_us, r.zmq.median_us,
      r.cm.median_us);
  r.instructions = MeasureRoundTripInstructions(setup, options);
  return r;
}

}  // namespace bench
