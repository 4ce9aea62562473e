// Listener receives and their Alarm (transport/alarm.h), on real sockets:
// an inbox's receive sleeps without a time-out and is woken at its deadline
// by a tick; a receive that gets its message first costs no tick; a late
// tick is skipped, never handed over as a message; a signal still
// interrupts a sleeping receive, as legacy programs that use alarm() expect.
// Times are checked only one way (not before the deadline) or against a
// hang, never as a speed.
#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include "raw_zmtp.h"
#include "transport/alarm.h"
#include "transport/context.h"
#include "transport/listener.h"
#include "transport/tuning.h"

namespace cm {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kHang = std::chrono::seconds(10);  // against a hang only: machines may be slow

std::unique_ptr<Listener> OpenInbox() {
  ListenSpec spec;
  spec.advertised_host = "127.0.0.1";
  spec.bind_host = "127.0.0.1";
  spec.answers = false;
  std::unique_ptr<Listener> inbox;
  Status s = Listener::Open(spec, &inbox);
  EXPECT_TRUE(s.ok()) << s.message();
  return inbox;
}

// A peer's dialer, reduced to what the inbox sees: a connected socket.
zmq::socket_t ConnectTo(const Listener& inbox) {
  zmq::socket_t peer(ZmqContext(), zmq::socket_type::dealer);
  peer.set(zmq::sockopt::linger, 0);
  peer.connect(inbox.address().endpoint);
  return peer;
}

TEST(ListenerTest, AReceiveThatFindsNothingEndsAtItsDeadlineWokenByTheAlarm) {
  auto inbox = OpenInbox();
  ASSERT_TRUE(inbox);
  for (int i = 1; i <= 3; ++i) {
    Incoming in;
    auto start = Clock::now();
    EXPECT_FALSE(inbox->Receive(&in, 200));
    auto took = Clock::now() - start;
    EXPECT_GE(took, std::chrono::milliseconds(200)) << "a receive ended before its deadline";
    EXPECT_LT(took, kHang);
    EXPECT_EQ(inbox->alarm_ticks(), static_cast<uint64_t>(i)) << "not woken by the alarm";
  }
}

TEST(ListenerTest, ReceivesThatGetTheirMessageFirstCostNoTick) {
  auto inbox = OpenInbox();
  ASSERT_TRUE(inbox);
  zmq::socket_t peer = ConnectTo(*inbox);
  for (int i = 0; i < 500; ++i) {
    std::string body = "frame " + std::to_string(i);
    ASSERT_TRUE(peer.send(zmq::buffer(body), zmq::send_flags::none));
    Incoming in;
    ASSERT_TRUE(inbox->Receive(&in, 5000)) << "frame " << i << " did not arrive";
    ASSERT_EQ(in.frame.to_string(), body);
    EXPECT_FALSE(in.malformed);
  }
  // The deadlines were all seconds away: the alarm never had to wake it.
  EXPECT_EQ(inbox->alarm_ticks(), 0u);
}

TEST(ListenerTest, AnEmptyFrameFromTheNetworkIsNotATick) {
  auto inbox = OpenInbox();
  ASSERT_TRUE(inbox);
  zmq::socket_t peer = ConnectTo(*inbox);
  ASSERT_TRUE(peer.send(zmq::message_t(), zmq::send_flags::none));
  Incoming in;
  ASSERT_TRUE(inbox->Receive(&in, 5000)) << "an empty frame from a peer was swallowed";
  EXPECT_EQ(in.frame.size(), 0u);
}

TEST(AlarmTest, TicksOncePerDeadlineThatPasses) {
  zmq::socket_t owner(ZmqContext(), zmq::socket_type::dealer);
  owner.set(zmq::sockopt::linger, 0);
  owner.set(zmq::sockopt::rcvtimeo, 300);
  owner.bind("inproc://alarm-test-ticks");
  std::unique_ptr<Alarm> alarm;
  ASSERT_TRUE(Alarm::Open("inproc://alarm-test-ticks", &alarm).ok());

  // A later deadline first, then an earlier one: the thread, asleep
  // towards the later, must be woken for the earlier.
  auto start = Clock::now();
  alarm->Arm(start + std::chrono::seconds(30));
  alarm->Arm(start + std::chrono::milliseconds(50));
  zmq::message_t tick;
  owner.set(zmq::sockopt::rcvtimeo, static_cast<int>(std::chrono::milliseconds(kHang).count()));
  ASSERT_TRUE(owner.recv(tick)) << "no tick";
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(50));
  EXPECT_TRUE(Alarm::IsTick(tick));
  EXPECT_EQ(alarm->ticks_sent(), 1u);

  // Disarmed in time: no tick.
  alarm->Arm(Clock::now() + std::chrono::milliseconds(50));
  alarm->Disarm();
  owner.set(zmq::sockopt::rcvtimeo, 300);
  EXPECT_FALSE(owner.recv(tick)) << "a disarmed alarm ticked";
  EXPECT_EQ(alarm->ticks_sent(), 1u);

  // Moved later before it passed: one tick, at the later time.
  start = Clock::now();
  alarm->Arm(start + std::chrono::milliseconds(30));
  alarm->Arm(start + std::chrono::milliseconds(150));
  owner.set(zmq::sockopt::rcvtimeo, static_cast<int>(std::chrono::milliseconds(kHang).count()));
  ASSERT_TRUE(owner.recv(tick));
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(150));
  owner.set(zmq::sockopt::rcvtimeo, 300);
  EXPECT_FALSE(owner.recv(tick)) << "two ticks for one deadline";
  EXPECT_EQ(alarm->ticks_sent(), 2u);
}

TEST(ListenerTest, ALateTickIsSkippedNotHandedOver) {
  auto inbox = OpenInbox();
  ASSERT_TRUE(inbox);
  ASSERT_FALSE(inbox->alarm_endpoint().empty());
  // Ticks that outlived their waits, as the alarm sends them.
  zmq::socket_t ticker(ZmqContext(), zmq::socket_type::dealer);
  ticker.set(zmq::sockopt::linger, 0);
  ticker.connect(inbox->alarm_endpoint());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ticker.send(zmq::message_t(), zmq::send_flags::none));
  Incoming in;
  auto start = Clock::now();
  while (Clock::now() - start < kHang && inbox->Receive(&in, 0)) ADD_FAILURE() << "a tick came out as a message";
  // With the deadline far, a late tick does not end the wait either.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(ticker.send(zmq::message_t(), zmq::send_flags::none));
  zmq::socket_t peer = ConnectTo(*inbox);
  std::thread late([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    peer.send(zmq::str_buffer("after"), zmq::send_flags::none);
  });
  bool got = inbox->Receive(&in, 20000);
  late.join();
  ASSERT_TRUE(got) << "a late tick ended a wait whose deadline was far";
  EXPECT_EQ(in.frame.to_string(), "after");
}

void OnAlarm(int) {}

TEST(ListenerTest, ASignalStillInterruptsASleepingReceive) {
  auto inbox = OpenInbox();
  ASSERT_TRUE(inbox);
  struct sigaction action {};
  action.sa_handler = OnAlarm;  // no SA_RESTART: the receive returns
  sigemptyset(&action.sa_mask);
  ASSERT_EQ(sigaction(SIGALRM, &action, nullptr), 0);
  Incoming in;
  EXPECT_FALSE(inbox->Receive(&in, 50));  // the alarm's thread now runs, with every signal blocked
  alarm(1);
  auto start = Clock::now();
  EXPECT_FALSE(inbox->Receive(&in, 20000));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(15)) << "SIGALRM did not interrupt the receive";
  EXPECT_EQ(errno, EINTR);
  signal(SIGALRM, SIG_DFL);
}

// Issue 21, item 3: a peer that has not even authenticated declared one
// 4 GiB frame and sent part of it; libzmq allocated it as it came (a
// legacy-style server grew by 1.5 GiB).  A listener bounds what a frame may
// declare (1 GiB by default, CM_MAX_MESSAGE_MB): libzmq hangs up at the
// header, and the listener goes on.
TEST(ListenerTest, AFrameDeclaredOverTheLimitIsRefusedBeforeItsMemory) {
  unsetenv("CM_MAX_MESSAGE_MB");
  auto inbox = OpenInbox();
  ASSERT_TRUE(inbox);
  long before = ResidentKiB();
  int fd = -1;
  long long sent = DeclareHugeFrame(inbox->port(), uint64_t{4} << 30, uint64_t{64} << 20, &fd);
  ASSERT_GE(sent, 0) << "could not connect";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  long after = ResidentKiB();
  close(fd);
  std::cerr << "the peer sent " << (sent >> 20) << " MiB of its 4 GiB frame; VmRSS went from " << before << " to "
            << after << " KiB\n";
  EXPECT_LT(after - before, 16 * 1024) << "the listener kept what the frame brought";
  // Others still get through.
  zmq::socket_t peer = ConnectTo(*inbox);
  ASSERT_TRUE(peer.send(zmq::str_buffer("after"), zmq::send_flags::none));
  Incoming in;
  ASSERT_TRUE(inbox->Receive(&in, 5000));
  EXPECT_EQ(in.frame.to_string(), "after");
}

TEST(ListenerTest, TheLimitComesFromCmMaxMessageMb) {
  unsetenv("CM_MAX_MESSAGE_MB");
  EXPECT_EQ(PeerMaxMessageBytes(), int64_t{1} << 30);
  EXPECT_EQ(ListenSpec().max_message_bytes, int64_t{1} << 30);
  setenv("CM_MAX_MESSAGE_MB", "4096", 1);  // a site that sends arrays of 2 GiB
  EXPECT_EQ(PeerMaxMessageBytes(), int64_t{4} << 30);
  setenv("CM_MAX_MESSAGE_MB", "0.5", 1);
  EXPECT_EQ(PeerMaxMessageBytes(), int64_t{1} << 19);
  for (const char* bad : {"lots", "12MB", "-1", "0", "nan"}) {
    setenv("CM_MAX_MESSAGE_MB", bad, 1);  // said in the log (once), and the default kept
    EXPECT_EQ(PeerMaxMessageBytes(), int64_t{1} << 30) << bad;
  }
  // A small limit, end to end: a frame of 2 MiB is refused, one of 1 MiB is not.
  setenv("CM_MAX_MESSAGE_MB", "1.5", 1);
  auto inbox = OpenInbox();
  unsetenv("CM_MAX_MESSAGE_MB");
  ASSERT_TRUE(inbox);
  zmq::socket_t big = ConnectTo(*inbox);
  ASSERT_TRUE(big.send(zmq::message_t(std::string(2 << 20, 'b')), zmq::send_flags::none));
  zmq::socket_t small = ConnectTo(*inbox);
  ASSERT_TRUE(small.send(zmq::message_t(std::string(1 << 20, 's')), zmq::send_flags::none));
  Incoming in;
  ASSERT_TRUE(inbox->Receive(&in, 5000));
  EXPECT_EQ(in.frame.size(), size_t{1} << 20);
  EXPECT_FALSE(inbox->Receive(&in, 300)) << "a frame over the limit was delivered";
}

}  // namespace
}  // namespace cm
