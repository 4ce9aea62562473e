// A host that vanishes from a busy link (issue 21, item 5): TCP keepalive
// does not run while data waits for an acknowledgement, so a sender that
// kept sending learned of it after 30 s, or never.  With TCP_USER_TIMEOUT
// on every socket (transport/tuning.h) the link goes down within about 3 s.
//
// The receiver runs in a network namespace of its own, behind a veth pair;
// its interface is then set down: its host is gone, nothing answers.  Needs
// root and `ip` (iproute2); skipped, saying so, where they are missing.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include "children.h"
#include "transport/context.h"
#include "transport/monitor.h"
#include "transport/tuning.h"

namespace cm {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

bool Shell(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

class LinkLossTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root to make a network namespace";
    int n = getpid() % 250;
    ns_ = "cmlink" + std::to_string(getpid());
    here_ = "cml" + std::to_string(getpid()) + "a";
    there_ = "cml" + std::to_string(getpid()) + "b";
    prefix_ = "10.214." + std::to_string(n) + ".";
    if (!Shell("ip netns add " + ns_)) GTEST_SKIP() << "cannot make a network namespace (ip netns add)";
    made_ = true;
    ASSERT_TRUE(Shell("ip link add " + here_ + " type veth peer name " + there_));
    ASSERT_TRUE(Shell("ip link set " + there_ + " netns " + ns_));
    ASSERT_TRUE(Shell("ip addr add " + prefix_ + "1/24 dev " + here_));
    ASSERT_TRUE(Shell("ip link set " + here_ + " up"));
    ASSERT_TRUE(Shell("ip -n " + ns_ + " addr add " + prefix_ + "2/24 dev " + there_));
    ASSERT_TRUE(Shell("ip -n " + ns_ + " link set " + there_ + " up"));
  }
  void TearDown() override {
    Stop(receiver_);
    if (made_) {
      Shell("ip netns del " + ns_);  // takes the veth pair with it
      Shell("ip link del " + here_);
    }
  }

  // A receiver in the namespace that reads everything, forever.
  void StartReceiver(int port) {
    receiver_ = fork();
    if (receiver_ != 0) return;
    int fd = open(("/var/run/netns/" + ns_).c_str(), O_RDONLY);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) _exit(2);
    void* context = zmq_ctx_new();  // not the parent's, copied by fork
    void* socket = zmq_socket(context, ZMQ_DEALER);
    if (zmq_bind(socket, ("tcp://" + prefix_ + "2:" + std::to_string(port)).c_str()) != 0) _exit(3);
    zmq_msg_t message;
    zmq_msg_init(&message);
    for (;;) zmq_msg_recv(&message, socket, 0);
  }

  std::string ns_, here_, there_, prefix_;
  bool made_ = false;
  pid_t receiver_ = -1;
};

TEST_F(LinkLossTest, AHostThatVanishesFromABusyLinkIsNoticedWithinSeconds) {
  const int port = 24000 + getpid() % 1000;
  StartReceiver(port);
  // The sender: a socket set up as every socket of the library is.
  zmq::socket_t sender(ZmqContext(), zmq::socket_type::dealer);
  ApplyCommonOptions(sender);
  Monitor monitor(sender, ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_DISCONNECTED);
  sender.connect("tcp://" + prefix_ + "2:" + std::to_string(port));
  auto next_event = [&](uint16_t want, milliseconds patience) {
    Clock::time_point deadline = Clock::now() + patience;
    SocketEvent event;
    while (Clock::now() < deadline) {
      while (monitor.Next(&event))
        if (event.event == want) return true;
      // Keep the link busy meanwhile: there is always data in flight.
      zmq::message_t chunk(64 << 10);
      (void)sender.send(chunk, zmq::send_flags::dontwait);
      std::this_thread::sleep_for(milliseconds(1));
    }
    return false;
  };
  ASSERT_TRUE(next_event(ZMQ_EVENT_HANDSHAKE_SUCCEEDED, milliseconds(5000))) << "never connected";
  std::this_thread::sleep_for(milliseconds(200));
  // A second of traffic, then the receiver's host is gone.
  Clock::time_point busy_until = Clock::now() + milliseconds(1000);
  while (Clock::now() < busy_until) {
    zmq::message_t chunk(64 << 10);
    (void)sender.send(chunk, zmq::send_flags::dontwait);
    std::this_thread::sleep_for(milliseconds(1));
  }
  ASSERT_TRUE(Shell("ip -n " + ns_ + " link set " + there_ + " down"));
  Clock::time_point gone = Clock::now();
  bool down = next_event(ZMQ_EVENT_DISCONNECTED, milliseconds(15000));
  auto took = std::chrono::duration_cast<milliseconds>(Clock::now() - gone).count();
  std::cerr << "the busy link was reported down " << took << " ms after the receiver's host vanished\n";
  ASSERT_TRUE(down) << "not noticed within 15 s";
  EXPECT_LT(took, 6000) << "TCP_USER_TIMEOUT is " << kUnacknowledgedMaxMs << " ms";
  sender.close();
}

}  // namespace
}  // namespace cm
