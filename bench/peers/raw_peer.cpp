// cm_bench_raw_peer: the far end of the raw baselines, started by cm_bench.
//
//   cm_bench_raw_peer tcp-echo SIZE   TCP (TCP_NODELAY): read SIZE bytes, write them back
//   cm_bench_raw_peer zmq-echo        ROUTER: send every message back to its sender
//   cm_bench_raw_peer zmq-stamped-echo
//                                     as zmq-echo, but overwrite the first 16 bytes of each
//                                     message (at least 16) with two int64: when its receive
//                                     returned, and when the echo called zmq_msg_send
//                                     (steady_clock, ns)
//   cm_bench_raw_peer zmq-legacy-echo [COUNT]
//                                     the legacy pattern's echo (cm_bench_legacy_echo) in
//                                     raw libzmq: a ROUTER whose receives are given 1 s
//                                     (ZMQ_RCVTIMEO, tried again when it passes); each
//                                     message is answered with its bytes followed by an
//                                     int; with COUNT, print "got COUNT 0" and exit after
//                                     COUNT (counted under callgrind)
//   cm_bench_raw_peer zmq-echo-two ENDPOINT [TIMEOUT_MS]
//                                     PULL: send every message back through a PUSH connected
//                                     to ENDPOINT (two connections, one each way, as the
//                                     library's requests and replies travel); with
//                                     TIMEOUT_MS, every receive is given that time-out
//                                     (ZMQ_RCVTIMEO, as the library's wait loop does)
//   cm_bench_raw_peer zmq-echo-once COUNT
//                                     as zmq-echo, but print "got COUNT 0" and exit after
//                                     COUNT (cm_bench counts its instructions under callgrind)
//   cm_bench_raw_peer zmq-sink COUNT  PULL: count messages; "got COUNT BYTES" after each COUNT
//   cm_bench_raw_peer zmq-sink-once COUNT
//                                     as zmq-sink, but exit after the first COUNT
//                                     (cm_bench counts its instructions under callgrind)
//   cm_bench_raw_peer zmq-register ENDPOINT NAME
//                                     what a process does to register, in plain libzmq:
//                                     a context, a ROUTER bound on an ephemeral port, a
//                                     DEALER that sends NAME and that port to the ROUTER
//                                     at ENDPOINT and waits for its answer; then it sleeps
//   cm_bench_raw_peer zmq-register-exit ENDPOINT NAME
//                                     as zmq-register, but end at once once answered
//   cm_bench_raw_peer held-zmq-register ENDPOINT NAME
//                                     as zmq-register, but only once standard input reaches
//                                     end of file (the driver releases hundreds at once)
//
// The echoes and sinks bind an ephemeral port on 127.0.0.1 and print
// "ready <port or endpoint>".
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zmq.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "harness/process.h"
#include "harness/raw_zmq.h"

namespace {

bool ReadFull(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t got = read(fd, p, n);
    if (got <= 0) return false;
    p += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

bool WriteFull(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t put = write(fd, p, n);
    if (put <= 0) return false;
    p += put;
    n -= static_cast<size_t>(put);
  }
  return true;
}

int TcpEcho(size_t size) {
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(listener, 1) != 0 ||
      getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    std::perror("tcp-echo: bind");
    return 1;
  }
  std::printf("ready %d\n", ntohs(addr.sin_port));
  std::fflush(stdout);
  int fd = accept(listener, nullptr, nullptr);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::vector<char> buffer(size);
  while (ReadFull(fd, buffer.data(), size) && WriteFull(fd, buffer.data(), size)) {
  }
  return 0;
}

void* Bind(void* context, int type) {
  void* socket = zmq_socket(context, type);
  zmq_setsockopt(socket, ZMQ_SNDHWM, &bench::kLibraryHighWaterMark, sizeof bench::kLibraryHighWaterMark);
  zmq_setsockopt(socket, ZMQ_RCVHWM, &bench::kLibraryHighWaterMark, sizeof bench::kLibraryHighWaterMark);
  if (zmq_bind(socket, "tcp://127.0.0.1:*") != 0) {
    std::fprintf(stderr, "zmq_bind: %s\n", zmq_strerror(zmq_errno()));
    std::exit(1);
  }
  char endpoint[256];
  size_t size = sizeof endpoint;
  zmq_getsockopt(socket, ZMQ_LAST_ENDPOINT, endpoint, &size);
  std::printf("ready %s\n", endpoint);
  std::fflush(stdout);
  return socket;
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Echoes `count` messages (0: for ever), then exits once the last has left.
// `stamped`: see zmq-stamped-echo above (cm_bench section 1, where a round
// trip spends its time).
int ZmqEcho(long count, bool stamped = false) {
  void* context = zmq_ctx_new();
  void* socket = Bind(context, ZMQ_ROUTER);
  zmq_msg_t id, body;
  zmq_msg_init(&id);
  zmq_msg_init(&body);
  for (long n = 0; count == 0 || n < count; ++n) {
    if (zmq_msg_recv(&id, socket, 0) < 0 || zmq_msg_recv(&body, socket, 0) < 0) return 1;
    if (stamped && zmq_msg_size(&body) >= 2 * sizeof(int64_t)) {
      int64_t stamp = NowNs();
      std::memcpy(zmq_msg_data(&body), &stamp, sizeof stamp);
      stamp = NowNs();
      std::memcpy(static_cast<char*>(zmq_msg_data(&body)) + sizeof stamp, &stamp, sizeof stamp);
    }
    if (zmq_msg_send(&id, socket, ZMQ_SNDMORE) < 0 || zmq_msg_send(&body, socket, 0) < 0) return 1;
  }
  std::printf("got %ld 0\n", count);
  std::fflush(stdout);
  zmq_msg_close(&id);
  zmq_msg_close(&body);
  zmq_close(socket);  // the default linger: the last reply leaves first
  zmq_ctx_term(context);
  return 0;
}

// The legacy pattern's echo (see the usage above): its reply is the bytes,
// then an int (a status), as the library's echo replies with two items.
int ZmqLegacyEcho(long count) {
  void* context = zmq_ctx_new();
  void* socket = Bind(context, ZMQ_ROUTER);
  int timeout_ms = 1000;
  zmq_setsockopt(socket, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
  zmq_msg_t id, body;
  zmq_msg_init(&id);
  zmq_msg_init(&body);
  for (long n = 0; count == 0 || n < count;) {
    if (zmq_msg_recv(&id, socket, 0) < 0) {
      if (zmq_errno() == EAGAIN) continue;  // a second without a request
      return 1;
    }
    if (zmq_msg_recv(&body, socket, 0) < 0) return 1;
    size_t size = zmq_msg_size(&body);
    zmq_msg_t reply;
    zmq_msg_init_size(&reply, size + sizeof(int32_t));
    std::memcpy(zmq_msg_data(&reply), zmq_msg_data(&body), size);
    int32_t status = 0;
    std::memcpy(static_cast<char*>(zmq_msg_data(&reply)) + size, &status, sizeof status);
    if (zmq_msg_send(&id, socket, ZMQ_SNDMORE) < 0 || zmq_msg_send(&reply, socket, 0) < 0) return 1;
    ++n;
  }
  std::printf("got %ld 0\n", count);
  std::fflush(stdout);
  zmq_close(socket);  // the default linger: the last reply leaves first
  zmq_ctx_term(context);
  return 0;
}

int ZmqEchoTwo(const char* back, int timeout_ms) {
  void* context = zmq_ctx_new();
  void* push = bench::ConnectPush(context, back);
  if (push == nullptr) return 1;
  void* pull = Bind(context, ZMQ_PULL);
  zmq_setsockopt(pull, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
  zmq_msg_t body;
  zmq_msg_init(&body);
  for (;;) {
    while (zmq_msg_recv(&body, pull, 0) < 0)
      if (zmq_errno() != EAGAIN) return 1;
    if (zmq_msg_send(&body, push, 0) < 0) return 1;
  }
}

int ZmqSink(long count, bool once) {
  void* context = zmq_ctx_new();
  void* socket = Bind(context, ZMQ_PULL);
  zmq_msg_t msg;
  zmq_msg_init(&msg);
  long got = 0;
  unsigned long long bytes = 0;
  double touched = 0;  // read the data, as a real receiver would
  for (;;) {
    if (zmq_msg_recv(&msg, socket, 0) < 0) return 1;
    size_t size = zmq_msg_size(&msg);
    bytes += size;
    if (size >= 16) {
      double first, last;
      std::memcpy(&first, zmq_msg_data(&msg), 8);
      std::memcpy(&last, static_cast<const char*>(zmq_msg_data(&msg)) + size - 8, 8);
      touched += first + last;
    }
    if (++got == count) {
      std::printf("got %ld %llu\n", got, bytes);
      std::fflush(stdout);
      if (once) {
        zmq_msg_close(&msg);
        zmq_close(socket);
        zmq_ctx_term(context);
        return 0;
      }
      got = 0;
      bytes = 0;
    }
  }
  (void)touched;
}

// The raw baseline of a registration (section 4): the same steps as
// CmMessageOpenServer, without the library.  Exit status 1 if the answer
// does not come within 10 s.
int ZmqRegister(const char* endpoint, const char* name, bool then_exit) {
  void* context = zmq_ctx_new();
  void* listener = zmq_socket(context, ZMQ_ROUTER);
  if (zmq_bind(listener, "tcp://*:*") != 0) return 1;
  char address[256];
  size_t size = sizeof address;
  zmq_getsockopt(listener, ZMQ_LAST_ENDPOINT, address, &size);
  void* request = zmq_socket(context, ZMQ_DEALER);
  int timeout_ms = 10000;
  zmq_setsockopt(request, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
  if (zmq_connect(request, endpoint) != 0) return 1;
  if (zmq_send(request, name, std::strlen(name), ZMQ_SNDMORE) < 0 || zmq_send(request, address, size, 0) < 0) return 1;
  char answer[16];
  if (zmq_recv(request, answer, sizeof answer, 0) < 0) return 1;
  if (then_exit) _exit(0);
  for (;;) pause();  // registered and idle, until the driver kills it
}

}  // namespace

int main(int argc, char** argv) {
  bench::DieWithParent();
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "tcp-echo" && argc == 3) return TcpEcho(std::strtoul(argv[2], nullptr, 10));
  if (mode == "zmq-echo" && argc == 2) return ZmqEcho(0);
  if (mode == "zmq-stamped-echo" && argc == 2) return ZmqEcho(0, true);
  if (mode == "zmq-legacy-echo" && (argc == 2 || argc == 3)) return ZmqLegacyEcho(argc == 3 ? std::atol(argv[2]) : 0);
  if (mode == "zmq-echo-two" && (argc == 3 || argc == 4)) return ZmqEchoTwo(argv[2], argc == 4 ? std::atoi(argv[3]) : -1);
  if (mode == "zmq-echo-once" && argc == 3) return ZmqEcho(std::atol(argv[2]));
  if ((mode == "zmq-sink" || mode == "zmq-sink-once") && argc == 3)
    return ZmqSink(std::atol(argv[2]), mode == "zmq-sink-once");
  if (mode == "zmq-register" && argc == 4) return ZmqRegister(argv[2], argv[3], false);
  if (mode == "zmq-register-exit" && argc == 4) return ZmqRegister(argv[2], argv[3], true);
  if (mode == "held-zmq-register" && argc == 4) {
    char byte;
    while (read(STDIN_FILENO, &byte, 1) > 0) {
    }
    return ZmqRegister(argv[2], argv[3], false);
  }
  std::fprintf(stderr,
               "usage: cm_bench_raw_peer tcp-echo SIZE | zmq-echo | zmq-stamped-echo | zmq-legacy-echo [COUNT] | zmq-echo-two ENDPOINT [TIMEOUT_MS] | zmq-echo-once COUNT |\n"
               "       zmq-sink COUNT | zmq-sink-once COUNT | zmq-register ENDPOINT NAME |\n"
               "       zmq-register-exit ENDPOINT NAME | held-zmq-register ENDPOINT NAME\n");
  return 2;
}
