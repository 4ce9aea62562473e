// Telling a host that vanished from a receiver that stopped reading, on the
// sending side (issue 21, item 5; transport/link_health.h).
//
// - A host that vanishes from a busy link: TCP keepalive does not run while
//   data waits for an acknowledgement, so a sender that kept sending learned
//   of it after 30 s, or never.  The Dialer's CheckStalled closes such a
//   connection after kSilentPeerMs without an ACK: reported down in ~3-4 s.
// - A host that vanishes from an idle link: keepalive, about 3 s.
// - A receiver that reads nothing for 8 s (its window closed, the zero-window
//   probes answered) keeps its link, whatever CheckStalled is asked, and
//   every frame the Dialer accepted arrives once it reads again.  With
//   TCP_USER_TIMEOUT of 3 s on the Dialer, as before, Linux dropped it.
//
// The vanishing receivers run in a network namespace of their own, behind a
// veth pair; its interface is then set down: its host is gone, nothing
// answers.  Those need root and `ip` (iproute2), and are skipped, saying so,
// where they are missing.  The stuck receiver runs on loopback, anywhere.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "children.h"
#include "free_port.h"
#include "transport/context.h"
#include "transport/dialer.h"
#include "transport/link_health.h"
#include "transport/security.h"
#include "transport/tuning.h"

namespace cm {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

bool Shell(const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()) == 0; }

long Ms(Clock::duration d) { return static_cast<long>(std::chrono::duration_cast<milliseconds>(d).count()); }

// --- The verdict alone ---

LinkSample Sample(uint32_t unacked, uint32_t last_ack_ms, uint32_t window, uint32_t probes = 0, uint32_t rto_ms = 200) {
  LinkSample s;
  s.unacked = unacked;
  s.last_ack_ms = last_ack_ms;
  s.window_known = true;
  s.send_window = window;
  s.probes = probes;
  s.rto_ms = rto_ms;
  return s;
}

TEST(LinkVerdict, DataUnacknowledgedForTheSilenceIsAGoneHost) {
  EXPECT_EQ(Judge(Sample(0, 60000, 65536), 3000), LinkVerdict::kIdle);  // keepalive's business
  EXPECT_EQ(Judge(Sample(12, 2999, 65536), 3000), LinkVerdict::kWaiting);
  EXPECT_EQ(Judge(Sample(12, 3000, 65536), 3000), LinkVerdict::kGone);
}

TEST(LinkVerdict, AClosedWindowWhoseProbesAreAnsweredIsAlive) {
  // Measured: probes back off, so no ACK for 3.1 s after 6 s of zero window.
  EXPECT_EQ(Judge(Sample(0, 3100, 0, 0), 3000), LinkVerdict::kWaiting);
  EXPECT_EQ(Judge(Sample(0, 60000, 0, 1), 3000), LinkVerdict::kWaiting);  // one probe out, its answer due
  EXPECT_EQ(Judge(Sample(0, 3500, 0, 2), 3000), LinkVerdict::kGone);      // two in a row unanswered
  EXPECT_EQ(Judge(Sample(0, 2000, 0, 5), 3000), LinkVerdict::kWaiting);   // not silent for long enough
  // A full receiver dropping a retransmission answers each one.
  EXPECT_EQ(Judge(Sample(3, 3500, 0, 0, 3200), 3000), LinkVerdict::kWaiting);
  EXPECT_EQ(Judge(Sample(3, 7000, 0, 0, 3200), 3000), LinkVerdict::kGone);
}

// --- A receiver in a process of its own ---

// A child (forked before this process uses ZeroMQ, with a context of its
// own): a DEALER bound at `endpoint` under routing id "rx", in the network
// namespace `ns` if not empty.  It waits `stuck_s` seconds before reading
// anything; then it reads every frame until one of size 3 ("end"), writes
// how many came before it to `report` (8 bytes), and then reads forever.
pid_t StartReceiver(const std::string& ns, const std::string& endpoint, int stuck_s, int report, int ready) {
  pid_t pid = fork();
  if (pid != 0) return pid;
  if (!ns.empty()) {
    int fd = open(("/var/run/netns/" + ns).c_str(), O_RDONLY);
    if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) _exit(2);
  }
  void* context = zmq_ctx_new();
  void* socket = zmq_socket(context, ZMQ_DEALER);
  zmq_setsockopt(socket, ZMQ_ROUTING_ID, "rx", 2);
  if (zmq_bind(socket, endpoint.c_str()) != 0) _exit(3);
  char one = 1;
  if (write(ready, &one, 1) != 1) _exit(4);
  if (stuck_s > 0) sleep(static_cast<unsigned>(stuck_s));
  zmq_msg_t message;
  zmq_msg_init(&message);
  int64_t count = 0;
  for (;;) {
    if (zmq_msg_recv(&message, socket, 0) < 0) continue;
    if (zmq_msg_size(&message) == 3) break;
    ++count;
  }
  if (write(report, &count, sizeof count) != sizeof count) _exit(5);
  for (;;) zmq_msg_recv(&message, socket, 0);
}

bool WaitReadable(int fd, milliseconds patience) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, static_cast<int>(patience.count())) == 1;
}

// The sending side, as the session uses it: a Dialer, its events taken and
// CheckStalled asked every millisecond or so (the session asks at every
// link check, 100 ms, and while a send waits).
class Sender {
 public:
  explicit Sender(const std::string& endpoint) : dialer_("tx", Security{}, false) {
    to_.endpoint = endpoint;
    to_.incarnation = "rx";
    dialer_.Connect(endpoint);
  }
  Dialer& dialer() { return dialer_; }
  const Address& to() const { return to_; }
  // Link events since the last call, after a stall check.
  std::vector<LinkEvent> Events() {
    dialer_.CheckStalled();
    std::vector<LinkEvent> events;
    dialer_.TakeEvents(&events);
    return events;
  }
  bool WaitUp(milliseconds patience) {
    Clock::time_point deadline = Clock::now() + patience;
    while (Clock::now() < deadline) {
      for (const LinkEvent& e : Events())
        if (e.up) return true;
      std::this_thread::sleep_for(milliseconds(1));
    }
    return false;
  }
  Dialer::SendResult Send(size_t size) {
    zmq::message_t frame(size);
    std::memset(frame.data(), 'd', size);
    return dialer_.Send(to_, frame);
  }

 private:
  Dialer dialer_;
  Address to_;
};

class LinkLossTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (pipe(report_) != 0 || pipe(ready_) != 0) FAIL() << "pipe";
  }
  void TearDown() override {
    Stop(receiver_);
    if (made_) {
      Shell("ip netns del " + ns_);  // takes the veth pair with it
      Shell("ip link del " + here_);
    }
  }
  // A network namespace for the receiver (root only; skips otherwise).
  void MakeNamespace() {
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
  std::string Start(int stuck_s) {
    std::string endpoint = made_ ? "tcp://" + prefix_ + "2:" + std::to_string(24000 + getpid() % 1000)
                                 : "tcp://127.0.0.1:" + std::to_string(FreePort());
    receiver_ = StartReceiver(made_ ? ns_ : "", endpoint, stuck_s, report_[1], ready_[1]);
    EXPECT_TRUE(WaitReadable(ready_[0], milliseconds(5000))) << "the receiver did not start";
    return endpoint;
  }
  // Its host is gone: nothing answers any more.
  void Vanish() { ASSERT_TRUE(Shell("ip -n " + ns_ + " link set " + there_ + " down")); }

  // Keeps `sender` busy (a 64 KiB frame every millisecond, when it takes
  // them) until its link is reported down or `patience` passes; the event.
  static bool WaitDown(Sender& sender, milliseconds patience, bool busy, LinkEvent* down) {
    Clock::time_point deadline = Clock::now() + patience;
    while (Clock::now() < deadline) {
      for (const LinkEvent& e : sender.Events()) {
        if (!e.up && !e.refused) {
          *down = e;
          return true;
        }
      }
      if (busy) (void)sender.Send(64 << 10);
      std::this_thread::sleep_for(milliseconds(1));
    }
    return false;
  }

  std::string ns_, here_, there_, prefix_;
  bool made_ = false;
  pid_t receiver_ = -1;
  int report_[2] = {-1, -1}, ready_[2] = {-1, -1};
};

TEST_F(LinkLossTest, AHostThatVanishesFromABusyLinkIsNoticedWithinSeconds) {
  MakeNamespace();
  if (IsSkipped() || HasFatalFailure()) return;
  Sender sender(Start(0));
  ASSERT_TRUE(sender.WaitUp(milliseconds(5000))) << "never connected";
  // A second of traffic, then the receiver's host is gone.
  LinkEvent down;
  ASSERT_FALSE(WaitDown(sender, milliseconds(1000), true, &down)) << "the link went down while the receiver read";
  Vanish();
  Clock::time_point gone = Clock::now();
  bool noticed = WaitDown(sender, milliseconds(15000), true, &down);
  long took = Ms(Clock::now() - gone);
  std::cerr << "the busy link was reported down " << took << " ms after the receiver's host vanished\n";
  ASSERT_TRUE(noticed) << "not noticed within 15 s";
  EXPECT_TRUE(down.stalled) << "reported down, but not by CheckStalled";
  EXPECT_LT(took, kSilentPeerMs + 1500);
  EXPECT_EQ(sender.dialer().counters().stalled_links, 1u);
}

TEST_F(LinkLossTest, AHostThatVanishesFromAnIdleLinkIsNoticedByKeepalive) {
  MakeNamespace();
  if (IsSkipped() || HasFatalFailure()) return;
  Sender sender(Start(0));
  ASSERT_TRUE(sender.WaitUp(milliseconds(5000))) << "never connected";
  ASSERT_EQ(sender.Send(100), Dialer::SendResult::kSent);
  std::this_thread::sleep_for(milliseconds(300));
  Vanish();
  Clock::time_point gone = Clock::now();
  LinkEvent down;
  bool noticed = WaitDown(sender, milliseconds(15000), false, &down);
  long took = Ms(Clock::now() - gone);
  std::cerr << "the idle link was reported down " << took << " ms after the receiver's host vanished\n";
  ASSERT_TRUE(noticed) << "not noticed within 15 s";
  EXPECT_FALSE(down.stalled);
  EXPECT_LT(took, 6000) << "keepalive: " << kKeepaliveIdleS << " s idle, then " << kKeepaliveCount << " probes "
                        << kKeepaliveIntervalS << " s apart";
}

// The receiver reads nothing for 8 s, longer than kSilentPeerMs and than
// the TCP_USER_TIMEOUT the Dialer once had, while the sender fills every
// queue between them: the link stays up, and every frame the Dialer took
// arrives once the receiver reads.
TEST_F(LinkLossTest, AReceiverThatReadsNothingForEightSecondsKeepsItsLinkAndGetsEverything) {
  constexpr int kStuckS = 8;
  Clock::time_point started = Clock::now();
  Sender sender(Start(kStuckS));
  ASSERT_TRUE(sender.WaitUp(milliseconds(5000))) << "never connected";
  // Fill: 1 KiB frames until the Dialer has refused them for 300 ms.
  int64_t accepted = 0;
  Clock::time_point full_since{};
  while (Clock::now() - started < std::chrono::seconds(kStuckS - 2)) {
    Dialer::SendResult r = sender.Send(1024);
    if (r == Dialer::SendResult::kSent) {
      ++accepted;
      full_since = Clock::time_point{};
      continue;
    }
    ASSERT_EQ(r, Dialer::SendResult::kFull) << "the link went down while filling";
    if (full_since == Clock::time_point{}) full_since = Clock::now();
    if (Clock::now() - full_since > milliseconds(300)) break;
    for (const LinkEvent& e : sender.Events()) ASSERT_TRUE(e.up) << "link reported down while filling";
    std::this_thread::sleep_for(milliseconds(1));
  }
  ASSERT_NE(full_since, Clock::time_point{}) << "the queues never filled: the test proves nothing";
  std::cerr << accepted << " frames of 1 KiB taken before the queues filled, after " << Ms(Clock::now() - started)
            << " ms\n";
  // Until the receiver reads again (and a little longer), nothing goes down.
  Clock::time_point until = started + std::chrono::seconds(kStuckS + 1);
  while (Clock::now() < until) {
    for (const LinkEvent& e : sender.Events())
      ASSERT_TRUE(e.up) << "the link of a receiver that merely does not read was reported down after "
                        << Ms(Clock::now() - started) << " ms";
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(sender.dialer().counters().stalled_links, 0u);
  // The end marker, once there is room; then the receiver's count.
  Clock::time_point deadline = Clock::now() + std::chrono::seconds(30);
  Dialer::SendResult r = Dialer::SendResult::kFull;
  while (Clock::now() < deadline && (r = sender.Send(3)) == Dialer::SendResult::kFull) {
    for (const LinkEvent& e : sender.Events()) ASSERT_TRUE(e.up) << "link reported down while draining";
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_EQ(r, Dialer::SendResult::kSent);
  int64_t received = -1;
  while (Clock::now() < deadline && !WaitReadable(report_[0], milliseconds(100))) (void)sender.Events();
  ASSERT_EQ(read(report_[0], &received, sizeof received), static_cast<ssize_t>(sizeof received));
  std::cerr << received << " of " << accepted << " received once the receiver read again\n";
  EXPECT_EQ(received, accepted);
}

}  // namespace
}  // namespace cm
