// A receiver whose handler is busy longer than any time-out of ours, through
// the whole library (session, dialer, listener, a real CmNameServer): its
// senders keep their links to it, report nothing as maybe lost, and every
// message a send accepted arrives once it reads again (docs/reliability.md,
// backpressure).  With TCP_USER_TIMEOUT of 3 s on the sending side, Linux
// aborted the sender's connection after 3 s of closed window and the queued
// messages went with it (transport/tuning.h, transport/link_health.h).
#include <gtest/gtest.h>

#include <sys/prctl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "children.h"
#include "free_port.h"
#include "naming/name_client.h"
#include "session/peer.h"
#include "session/session.h"

namespace cm {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

pid_t Spawn(const std::vector<std::string>& argv) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    DieWithParent(parent);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

class StuckReceiverTest : public ::testing::Test {
 protected:
  void SetUp() override {
    int port = FreePort();
    setenv("CM_NAMESERVER", ("tcp://127.0.0.1:" + std::to_string(port)).c_str(), 1);
    children_.push_back(Spawn({CM_BIN_DIR "/CmNameServer", "--port", std::to_string(port), "--log-level", "warn"}));
  }
  void TearDown() override {
    for (pid_t pid : children_) Stop(pid);
  }
  bool WaitRegistered(const std::string& name, milliseconds patience) {
    DomainConfig domain;
    LoadDomain("", &domain);
    NameClient client(domain, "probe-" + std::to_string(getpid()));
    Clock::time_point deadline = Clock::now() + patience;
    while (Clock::now() < deadline) {
      NameRecord r;
      if (client.Lookup(name, &r, 500).ok()) return true;
      std::this_thread::sleep_for(milliseconds(50));
    }
    return false;
  }
  std::vector<pid_t> children_;
};

TEST_F(StuckReceiverTest, AReceiverStuckForEightSecondsKeepsItsLinkAndLosesNothing) {
  constexpr int kStuckS = 8;  // longer than the send time-out, kSilentPeerMs, and the old TCP_USER_TIMEOUT
  // session_echo_child NAME SECONDS: registers, then reads nothing for SECONDS.
  Clock::time_point started = Clock::now();
  children_.push_back(Spawn({CM_BIN_DIR "/session_echo_child", "sink", std::to_string(kStuckS)}));
  ASSERT_TRUE(WaitRegistered("sink", milliseconds(5000)));
  setenv("CM_SEND_TIMEOUT", "0.3", 1);
  Session& s = Session::Instance();
  int disconnections = 0;
  s.SetDisconnectionHandler([&disconnections](Peer& peer) {
    std::cerr << "disconnected: " << peer.name << "\n";
    ++disconnections;
  });
  Message data;
  data.SetType("Data");
  std::string payload(1000, 'x');
  data.PutText(payload.c_str());
  // Fill every queue between us (2 x 10000 messages and the sockets'
  // buffers) until sends are refused.
  long accepted = 0, refused = 0;
  for (int i = 0; i < 60000 && refused < 3; ++i) {
    if (s.Send(data, "sink")) ++accepted;
    else ++refused;
  }
  ASSERT_GT(refused, 0) << "the queues never filled: the test proves nothing";
  std::cerr << accepted << " messages accepted, the queues full after " << (Clock::now() - started) / milliseconds(1)
            << " ms\n";
  // The receiver stays stuck; we keep to our link checks meanwhile, and a
  // little after it reads again.
  while (Clock::now() - started < std::chrono::seconds(kStuckS + 1)) s.Wait(0.1);
  EXPECT_EQ(disconnections, 0) << "the link of a receiver that merely does not read was dropped";
  // It reads: ask it how many it got once it is done.
  long counted = -1;
  s.handlers().Install("Counted", [&counted](Message& m, const char*) {
    counted = m.GetLong();
    return true;
  });
  Clock::time_point deadline = Clock::now() + std::chrono::seconds(30);
  while (counted != accepted && Clock::now() < deadline) {
    Message ask;
    ask.SetType("Count");
    counted = -1;
    if (s.Send(ask, "sink")) s.Wait(1.0);
    if (counted != accepted) std::this_thread::sleep_for(milliseconds(200));
  }
  std::cerr << counted << " of " << accepted << " received\n";
  EXPECT_EQ(counted, accepted) << "messages a send accepted were lost";
  // Everything acknowledged: nothing reported maybe lost, now or at close.
  s.Wait(0.5);
  EXPECT_EQ(s.stats().unacked, 0u);
  EXPECT_EQ(s.coalescing().stalled_links, 0u);
  EXPECT_EQ(disconnections, 0);
}

}  // namespace
}  // namespace cm
