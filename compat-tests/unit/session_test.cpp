// Session, end to end across real processes and a real CmNameServer: what a
// process must survive without its program's help.  Each test runs in its
// own process (ctest runs one gtest per invocation); other processes are
// real programs, started with exec.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "children.h"
#include "free_port.h"
#include "codec/frame.h"
#include "naming/name_client.h"
#include "naming/process_info.h"
#include "session/session.h"
#include "transport/context.h"
#include "transport/dialer.h"

namespace cm {
namespace {

using Clock = std::chrono::steady_clock;

// A process serving `name`: answers "Ping" with "Pong" carrying its pid.
// Started with exec, never plain fork: a forked copy of a process that
// already uses ZeroMQ would share its context.
pid_t StartEcho(const std::string& name, int stuck_seconds = -1) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    DieWithParent(parent);
    std::string stuck = std::to_string(stuck_seconds);
    execl(CM_BIN_DIR "/session_echo_child", "session_echo_child", name.c_str(),
          stuck_seconds < 0 ? (char*)nullptr : stuck.c_str(), (char*)nullptr);
    _exit(127);
  }
  return pid;
}

class SessionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreePort();
    setenv("CM_NAMESERVER", ("tcp://127.0.0.1:" + std::to_string(port_)).c_str(), 1);
    ns_ = StartNameServer(port_);
  }
  void TearDown() override {
    for (pid_t pid : children_) Stop(pid);
    Stop(ns_);
  }
  // True when `name` resolves through the name server within `seconds`.
  bool WaitRegistered(const std::string& name, double seconds) {
    DomainConfig domain;
    LoadDomain("", &domain);
    NameClient client(domain, "probe-" + std::to_string(getpid()));
    auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
    while (Clock::now() < deadline) {
      NameRecord r;
      if (client.Lookup(name, &r, 500).ok()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  // Sends Ping to `name` and returns the pid in the Pong, or 0.
  int PingPid(const std::string& name) {
    Session& s = Session::Instance();
    int pid = 0;
    s.handlers().Install("Pong", [&pid](Message& m, const char*) {
      pid = m.GetInt();
      return true;
    });
    Message ping;
    ping.SetType("Ping");
    if (!s.Send(ping, name)) return 0;
    s.Wait(3.0);
    return pid;
  }

  // Sends `data` to `to` until `refusals` sends were refused or `most` were
  // made; a refused send must not block much past its timeout.
  void SendUntilRefused(const Message& data, const std::string& to, int most, long refusals, long* accepted,
                        long* refused) {
    Session& s = Session::Instance();
    for (int i = 0; i < most && *refused < refusals; ++i) {
      auto before = Clock::now();
      if (s.Send(data, to)) {
        ++*accepted;
      } else {
        ++*refused;
        EXPECT_LT(Clock::now() - before, std::chrono::milliseconds(1500)) << "a send blocked past its timeout";
      }
    }
  }
  // Asks `name` how many "Data" it got (session_echo_child's "Count") until
  // it says `expected` or `deadline` passes; its last answer (-1: none).
  long CountedBy(const std::string& name, long expected, Clock::time_point deadline) {
    Session& s = Session::Instance();
    long counted = -1;
    s.handlers().Install("Counted", [&counted](Message& m, const char*) {
      counted = m.GetLong();
      return true;
    });
    while (counted != expected && Clock::now() < deadline) {
      Message ask;
      ask.SetType("Count");
      counted = -1;
      if (s.Send(ask, name)) s.Wait(1.0);
      if (counted != expected) std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return counted;
  }

  int port_ = 0;
  pid_t ns_ = -1;
  std::vector<pid_t> children_;
};

TEST_F(SessionTest, MalformedFramesAreDroppedCountedAndTheProcessGoesOn) {
  pid_t echo = StartEcho("echo");
  children_.push_back(echo);
  ASSERT_TRUE(WaitRegistered("echo", 5));
  // Raw ZeroMQ straight at the process's listener: garbage, a multi-part
  // message, a frame of another protocol version.
  DomainConfig domain;
  ASSERT_TRUE(LoadDomain("", &domain).ok());
  NameClient client(domain, "raw");
  NameRecord record;
  ASSERT_TRUE(client.Lookup("echo", &record, 1000).ok());
  Address address;
  ASSERT_TRUE(Address::Parse(record.address, &address));
  {
    zmq::socket_t raw(ZmqContext(), zmq::socket_type::dealer);
    raw.set(zmq::sockopt::linger, 1000);
    raw.connect(address.endpoint);
    raw.send(zmq::str_buffer("definitely not msgpack"), zmq::send_flags::none);
    raw.send(zmq::str_buffer("part one"), zmq::send_flags::sndmore);
    raw.send(zmq::str_buffer("part two"), zmq::send_flags::none);
    const char v2[] = "\x96\x02\xa1t\xa1s\xa0\x00\x90";
    raw.send(zmq::buffer(v2, sizeof v2 - 1), zmq::send_flags::none);
    std::mt19937 rng(7);
    for (int i = 0; i < 50; ++i) {
      std::string junk(rng() % 200, '\0');
      for (char& c : junk) c = static_cast<char>(rng());
      raw.send(zmq::buffer(junk), zmq::send_flags::none);
    }
  }
  // Still alive and answering.
  EXPECT_EQ(PingPid("echo"), echo);
  // And it counted what it dropped (cm:info, item 10 is "malformed").
  Session& s = Session::Instance();
  long malformed = -1;
  s.handlers().Install("cm:info-reply", [&malformed](Message& m, const char*) {
    for (int i = 0; i < 9; ++i) {
      if (m.PeekKind() == ItemKind::kText) (void)m.GetText();
      else (void)m.GetLong();
    }
    malformed = m.GetLong();
    return true;
  });
  Message info;
  info.SetType("cm:info");
  ASSERT_TRUE(s.Send(info, "echo"));
  ASSERT_TRUE(s.Wait(3.0));
  EXPECT_GE(malformed, 52);
}

TEST_F(SessionTest, AStaleCachedAddressIsRefreshedWhenThePeerRestartsElsewhere) {
  pid_t first = StartEcho("svc");
  ASSERT_TRUE(WaitRegistered("svc", 5));
  ASSERT_EQ(PingPid("svc"), first);  // cached now
  Stop(first);
  pid_t second = -1;
  // The name server drops the dead one at once; the new one takes the name
  // (on another port: any free port is taken).
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (Clock::now() < deadline) {
    second = StartEcho("svc");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    int status;
    if (waitpid(second, &status, WNOHANG) == 0) break;  // still running: registered
  }
  children_.push_back(second);
  ASSERT_TRUE(WaitRegistered("svc", 5));
  EXPECT_EQ(PingPid("svc"), second);
}

// How many times the kernel has put a process's main thread on a CPU: it
// counts every wake-up (/proc/PID/task/PID/schedstat, third field).
long TimesScheduled(pid_t pid) {
  std::string path = "/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/schedstat";
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return -1;
  unsigned long long on_cpu = 0, waiting = 0, slices = 0;
  int got = std::fscanf(f, "%llu %llu %llu", &on_cpu, &waiting, &slices);
  std::fclose(f);
  return got == 3 ? static_cast<long>(slices) : -1;
}

// A registered process waiting in CmMessageWait() with nothing to do
// sleeps: it neither polls nor wakes on a timer (500 of them would keep a
// CPU busy), and still answers at once when a message comes.
TEST_F(SessionTest, AnIdleProcessSleepsUntilAMessageComes) {
  pid_t echo = StartEcho("sleeper");
  children_.push_back(echo);
  ASSERT_TRUE(WaitRegistered("sleeper", 5));
  ASSERT_EQ(PingPid("sleeper"), echo);  // it has answered: one send to report to the name server
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // the report goes out within 1 s
  long before = TimesScheduled(echo);
  ASSERT_GE(before, 0);
  std::this_thread::sleep_for(std::chrono::seconds(4));
  long woke = TimesScheduled(echo) - before;
  EXPECT_LE(woke, 1) << "an idle process woke " << woke << " times in 4 s";
  EXPECT_EQ(PingPid("sleeper"), echo);
}

// A process that forwards a stream, one send per message it handles,
// coalesces what it forwards as its sender did (transport/dialer.h): the
// frames of one received batch need no receive, so its sends follow one
// another without a pause.  Nothing is lost on the way.
TEST_F(SessionTest, ARelayCoalescesTheStreamItForwards) {
  children_.push_back(StartEcho("relay"));
  children_.push_back(StartEcho("sink"));
  ASSERT_TRUE(WaitRegistered("relay", 5));
  ASSERT_TRUE(WaitRegistered("sink", 5));
  Session& s = Session::Instance();
  Message forward;
  forward.SetType("Forward");
  forward.PutText("sink");
  ASSERT_TRUE(s.Send(forward, "relay"));
  constexpr long kMessages = 2000;
  Message stream;
  stream.SetType("Stream");
  stream.PutBytes(std::string(64, 's').data(), 64);
  for (long i = 0; i < kMessages; ++i) ASSERT_TRUE(s.Send(stream, "relay"));  // back to back: coalesced
  EXPECT_EQ(CountedBy("sink", kMessages, Clock::now() + std::chrono::seconds(20)), kMessages);
  long coalesced = -1;
  s.handlers().Install("CoalescedFrames", [&coalesced](Message& m, const char*) {
    coalesced = m.GetLong();
    return true;
  });
  Message ask;
  ask.SetType("Coalesced");
  ASSERT_TRUE(s.Send(ask, "relay"));
  s.Wait(3.0);
  // Each batch it receives holds about 30 frames; it forwards the first two
  // of each alone.  Before, it paused before every frame: none coalesced.
  EXPECT_GE(coalesced, kMessages / 2) << "the relay forwarded " << coalesced << " of " << kMessages
                                      << " frames in batches";
}

TEST_F(SessionTest, ASendToAKilledPeerReturnsZeroWithinTwoSeconds) {
  pid_t echo = StartEcho("victim");
  ASSERT_TRUE(WaitRegistered("victim", 5));
  ASSERT_EQ(PingPid("victim"), echo);
  Stop(echo);
  // A send in the instant before our side sees the connection close may
  // still be accepted (see docs/api.md); from then on, sends return 0.
  Message ping;
  ping.SetType("Ping");
  auto start = Clock::now();
  bool refused = false;
  while (!refused && Clock::now() - start < std::chrono::seconds(3)) {
    refused = !Session::Instance().Send(ping, "victim");
    if (!refused) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(refused);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(2));
  // And the refusal is immediate once the name server has dropped the name.
  auto again = Clock::now();
  EXPECT_FALSE(Session::Instance().Send(ping, "victim"));
  EXPECT_LT(Clock::now() - again, std::chrono::milliseconds(500));
}

TEST_F(SessionTest, ProcessesRegisterAgainAfterTheNameServerRestarts) {
  pid_t echo = StartEcho("survivor");
  children_.push_back(echo);
  ASSERT_TRUE(WaitRegistered("survivor", 5));
  ASSERT_EQ(PingPid("survivor"), echo);  // a connection that is open now
  Stop(ns_);
  // With the name server down, the open connection keeps carrying messages.
  EXPECT_EQ(PingPid("survivor"), echo);
  ns_ = StartNameServer(port_);
  // Re-registration waits a random delay of up to a second after the link
  // comes back (reconnect interval up to 1 s): a few seconds in all.
  EXPECT_TRUE(WaitRegistered("survivor", 6));
}

TEST_F(SessionTest, WithTwoNameServersOneCanDieUnnoticed) {
  int second_port = FreePort();
  pid_t second_ns = StartNameServer(second_port);
  setenv("CM_NAMESERVER",
         ("tcp://127.0.0.1:" + std::to_string(port_) + ",tcp://127.0.0.1:" + std::to_string(second_port)).c_str(), 1);
  pid_t echo = StartEcho("twice");
  children_.push_back(echo);
  children_.push_back(second_ns);
  ASSERT_TRUE(WaitRegistered("twice", 5));
  // Registered with both: each one alone knows the name.
  for (int port : {port_, second_port}) {
    DomainConfig one;
    one.name_servers = {NameServerEndpoint{"127.0.0.1", port}};
    NameClient client(one, "check");
    NameRecord r;
    auto deadline = Clock::now() + std::chrono::seconds(3);
    Status s;
    while (!(s = client.Lookup("twice", &r, 500)).ok() && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_TRUE(s.ok()) << "name server on port " << port << ": " << s.ToString();
  }
  Stop(ns_);  // the first one dies: a new process still finds the name
  ns_ = -1;
  EXPECT_EQ(PingPid("twice"), echo);
}

// Backpressure: a receiver that does not read fills the queues; the sender is
// held back, never blocked past its send timeout, and every message a send
// accepted is received once the receiver reads again: none lost silently.
TEST_F(SessionTest, AStuckReceiverHoldsTheSenderBackAndLosesNothing) {
  pid_t sink = StartEcho("sink", 3);
  children_.push_back(sink);
  ASSERT_TRUE(WaitRegistered("sink", 5));
  setenv("CM_SEND_TIMEOUT", "0.3", 1);
  Session& s = Session::Instance();
  Message data;
  data.SetType("Data");
  std::string payload(1000, 'x');
  data.PutText(payload.c_str());
  long accepted = 0, refused = 0;
  auto start = Clock::now();
  // Queues hold 2 x 10000 messages plus the sockets' buffers: 60000 sends
  // of 1 kB overflow them while the sink sleeps.
  SendUntilRefused(data, "sink", 60000, 3, &accepted, &refused);
  EXPECT_GT(refused, 0) << "the queues never filled: the test proves nothing";
  EXPECT_EQ(s.stats().send_failures, static_cast<uint64_t>(refused));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(20));
  // The sink wakes up and reads; ask it how many it got once it is done.
  EXPECT_EQ(CountedBy("sink", accepted, Clock::now() + std::chrono::seconds(30)), accepted);
}

// ZeroMQ bounds its queues in messages: 10000 arrays of a megabyte at each
// end of a link would exhaust memory.  A receiver that does not read holds
// its sender back by bytes (CM_SEND_WINDOW) as well; once it reads, its
// acknowledgements let the sender go on, and nothing is lost.
TEST_F(SessionTest, AStuckReceiverOfLargeMessagesHoldsTheSenderWithinItsWindow) {
  pid_t sink = StartEcho("sink", 3);
  children_.push_back(sink);
  ASSERT_TRUE(WaitRegistered("sink", 5));
  setenv("CM_SEND_TIMEOUT", "0.3", 1);
  setenv("CM_SEND_WINDOW", "8", 1);  // MiB
  Session& s = Session::Instance();
  Message data;
  data.SetType("Data");
  std::string payload(1 << 20, 'x');
  data.PutBytes(payload.data(), payload.size());
  long accepted = 0, refused = 0;
  SendUntilRefused(data, "sink", 100, 1, &accepted, &refused);
  EXPECT_EQ(refused, 1) << "100 MiB went to a receiver that reads nothing";
  EXPECT_GE(accepted, 6);  // 8 MiB of frames of a little more than 1 MiB
  EXPECT_LE(accepted, 8);
  EXPECT_EQ(s.stats().send_failures, 1u);
  // It wakes up after 3 s and reads: 40 MiB more must get through the 8 MiB window.
  long more = 0;
  auto deadline = Clock::now() + std::chrono::seconds(30);
  while (more < 40 && Clock::now() < deadline) more += s.Send(data, "sink") ? 1 : 0;
  EXPECT_EQ(more, 40);
  EXPECT_EQ(CountedBy("sink", accepted + more, deadline), accepted + more);
}

// cm:info reports the messages waiting for dispatch, and counting them
// changes neither their number nor their order.
TEST_F(SessionTest, InfoCountsTheMessagesWaitingForDispatch) {
  pid_t echo = StartEcho("busy");
  children_.push_back(echo);
  ASSERT_TRUE(WaitRegistered("busy", 5));
  Session& s = Session::Instance();
  Message slow, info, data, count;
  slow.SetType("Slow");
  info.SetType("cm:info");
  data.SetType("Data");
  count.SetType("Count");
  ASSERT_TRUE(s.Send(slow, "busy"));
  ASSERT_TRUE(s.Send(info, "busy"));
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(s.Send(data, "busy"));
  ASSERT_TRUE(s.Send(count, "busy"));
  long queued = -1, counted = -1;
  s.handlers().Install("cm:info-reply", [&queued](Message& m, const char*) {
    ProcessInfo info;  // the reply's layout (naming/process_info.h)
    if (GetProcessInfo(m, &info)) queued = info.queued;
    return false;
  });
  s.handlers().Install("Counted", [&counted](Message& m, const char*) {
    counted = m.GetLong();
    return true;
  });
  ASSERT_TRUE(s.Wait(5.0));
  EXPECT_EQ(queued, 51);  // 50 Data and the Count behind them
  EXPECT_EQ(counted, 50);
}

// --- Acknowledgement accounting (docs/api.md, "Delivery") ---

// Item `index` of a cm:info-reply, read as a number (docs/protocol.md).
long InfoField(Message& m, size_t index) {
  for (size_t i = 0; i < index; ++i) {
    if (m.PeekKind() == ItemKind::kText) (void)m.GetText();
    else (void)m.GetLong();
  }
  return m.GetLong();
}
constexpr size_t kInfoUnacked = 13;

// Waits up to `seconds`, dispatching, until `done` holds.
template <typename F>
bool WaitUntil(double seconds, F done) {
  auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int>(seconds * 1000));
  while (!done() && Clock::now() < deadline) Session::Instance().Wait(0.05);
  return done();
}

// A receiver acknowledges what it handled.  Killed while stuck in a handler,
// it takes that message and the ones queued behind it along: the sender logs
// exactly that range, once, and counts it.
TEST_F(SessionTest, WhatAKilledReceiverDidNotAcknowledgeIsReportedAndCounted) {
  pid_t child = StartEcho("stall");
  children_.push_back(child);
  ASSERT_TRUE(WaitRegistered("stall", 5));
  Session& s = Session::Instance();
  Peer* peer = s.Reference("stall");
  ASSERT_NE(peer, nullptr);
  Message data, stall;
  data.SetType("Data");
  stall.SetType("Stall");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(s.Send(data, "stall"));
  ASSERT_TRUE(WaitUntil(5, [&] { return peer->acked == 10; })) << "acknowledged: " << peer->acked;
  ASSERT_TRUE(s.Send(stall, "stall"));                               // 11: never returns
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(s.Send(data, "stall"));  // 12..31: queued behind it
  std::string address = peer->address.ToString();
  testing::internal::CaptureStderr();
  Stop(child);
  bool reported = WaitUntil(5, [&] { return s.stats().unacked != 0; });
  std::string log = testing::internal::GetCapturedStderr();
  ASSERT_TRUE(reported) << log;
  EXPECT_EQ(s.stats().unacked, 21u);
  EXPECT_NE(log.find("messages 11..31 to 'stall' (" + address + ") may be lost"), std::string::npos) << log;
  // Once: more waiting reports nothing more.
  s.Wait(0.5);
  EXPECT_EQ(s.stats().unacked, 21u);
}

// Normal traffic is acknowledged, and a receiver that closes acknowledges
// what it dispatched on its way out: nothing is reported.
TEST_F(SessionTest, ANormalExchangeEndsWithEverythingAcknowledged) {
  pid_t echo = StartEcho("peer");
  children_.push_back(echo);
  ASSERT_TRUE(WaitRegistered("peer", 5));
  Session& s = Session::Instance();
  Peer* peer = s.Reference("peer");
  ASSERT_NE(peer, nullptr);
  Message data, count, leave;
  data.SetType("Data");
  count.SetType("Count");
  leave.SetType("Leave");
  long counted = -1;
  s.handlers().Install("Counted", [&counted](Message& m, const char*) {
    counted = m.GetLong();
    return true;
  });
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(s.Send(data, "peer"));
  ASSERT_TRUE(s.Send(count, "peer"));
  ASSERT_TRUE(s.Wait(5.0));
  EXPECT_EQ(counted, 1000);
  EXPECT_TRUE(WaitUntil(5, [&] { return peer->acked == 1001; })) << "acknowledged: " << peer->acked;
  // Leave (1002) is dispatched: the process answers, closes and exits.
  s.handlers().Install("Pong", [](Message&, const char*) { return false; });
  ASSERT_TRUE(s.Send(leave, "peer"));
  int status = 0;
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (waitpid(echo, &status, WNOHANG) == 0 && Clock::now() < deadline) s.Wait(0.05);
  ASSERT_TRUE(WaitUntil(5, [&] { return !peer->link_up; })) << "its link never went down";
  s.Wait(1.0);  // past the ledger's grace period (300 ms) and a link check
  EXPECT_EQ(s.stats().unacked, 0u);
}

// cm:info shows the count: a process relays messages to a receiver that is
// not reading; the receiver is killed; the relay says how many it lost.
TEST_F(SessionTest, CmInfoShowsWhatWasSentToAPeerThatWentAwayUnacknowledged) {
  pid_t mute = StartEcho("mute", 60);  // does not read for a minute
  pid_t relay = StartEcho("relay");
  children_.push_back(mute);
  children_.push_back(relay);
  ASSERT_TRUE(WaitRegistered("mute", 5));
  ASSERT_TRUE(WaitRegistered("relay", 5));
  Session& s = Session::Instance();
  long relayed = -1, unacked = -1;
  s.handlers().Install("Relayed", [&relayed](Message& m, const char*) {
    relayed = m.GetLong();
    return true;
  });
  s.handlers().Install("cm:info-reply", [&unacked](Message& m, const char*) {
    unacked = InfoField(m, kInfoUnacked);
    return true;
  });
  Message relay_request, info;
  relay_request.SetType("Relay");
  relay_request.PutText("mute");
  relay_request.PutInt(25);
  info.SetType("cm:info");
  ASSERT_TRUE(s.Send(relay_request, "relay"));
  ASSERT_TRUE(s.Wait(5.0));
  ASSERT_EQ(relayed, 25);
  ASSERT_TRUE(s.Send(info, "relay"));
  ASSERT_TRUE(s.Wait(3.0));
  EXPECT_EQ(unacked, 0);  // mute is alive: nothing is lost yet
  Stop(mute);
  auto deadline = Clock::now() + std::chrono::seconds(5);
  while (unacked != 25 && Clock::now() < deadline) {
    ASSERT_TRUE(s.Send(info, "relay"));
    ASSERT_TRUE(s.Wait(3.0));
    if (unacked != 25) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(unacked, 25);
}

// Late mail from a process that was replaced (read after we learned of its
// successor) is handled, but must not point us back at the dead process.
TEST_F(SessionTest, LateMessagesFromAReplacedProcessDoNotPointBackAtIt) {
  pid_t first = StartEcho("svc");
  ASSERT_TRUE(WaitRegistered("svc", 5));
  Session& s = Session::Instance();
  Peer* peer = s.Reference("svc");
  ASSERT_NE(peer, nullptr);
  Message leave, ping;
  leave.SetType("Leave");
  ping.SetType("Ping");
  // It sends three Pongs and exits; we do not read them yet.
  ASSERT_TRUE(s.Send(leave, "svc"));
  int status = 0;
  ASSERT_EQ(waitpid(first, &status, 0), first);
  pid_t second = StartEcho("svc");
  children_.push_back(second);
  ASSERT_TRUE(WaitRegistered("svc", 5));
  ASSERT_TRUE(s.Send(ping, "svc"));  // finds the successor through the name server
  std::string successor = peer->address.ToString();
  std::vector<std::pair<int, std::string>> pongs;  // pid, where the peer pointed meanwhile
  s.handlers().Install("Pong", [&](Message& m, const char*) {
    int pid = m.GetInt();
    pongs.emplace_back(pid, peer->address.ToString());
    return pid == second;
  });
  ASSERT_TRUE(s.Wait(5.0));
  ASSERT_EQ(pongs.size(), 4u);
  for (const auto& [pid, address] : pongs) EXPECT_EQ(address, successor) << "while handling a Pong of " << pid;
  EXPECT_EQ(pongs.front().first, first);
  EXPECT_EQ(s.stats().lost, 0u);
}

// --- Coalescing (transport/dialer.h): back-to-back messages share ZeroMQ messages ---

// The size of a frame `peer` sends with these items and a sequence number
// below 128 (one byte on the wire, like 1).
size_t FrameSizeFrom(const Peer& peer, const Message& message) {
  std::string reply_to = peer.address.ToString();
  Envelope env;
  env.sender = peer.name;
  env.reply_to = reply_to;
  env.seq = 1;
  return EncodedSize(env, message);
}

// How many of `spans` (a bytes item at the same place in frames of one
// size, in the order dispatched) lie exactly one frame after the one
// before: frames that came back to back in one ZeroMQ message.  Frames of
// separate ZeroMQ messages are in separate buffers, or at least a ZMTP
// header apart.
size_t BackToBack(const std::vector<const char*>& spans, size_t frame_size) {
  size_t n = 0;
  for (size_t i = 1; i < spans.size(); ++i)
    n += spans[i] == spans[i - 1] + frame_size ? 1 : 0;
  return n;
}

// A program that sends a burst and then is busy in its own code (no Cm call
// for seconds) still has every message delivered: the last ones, coalesced,
// can only go out from the dialer's own thread.
TEST_F(SessionTest, ABurstIsDeliveredWhileItsSenderMakesNoMoreCmCalls) {
  unsetenv("CM_COALESCE");  // the default (coalescing), whatever this environment says
  pid_t child = StartEcho("burster");
  children_.push_back(child);
  ASSERT_TRUE(WaitRegistered("burster", 5));
  Session& s = Session::Instance();
  Peer* peer = s.Reference("burster");
  ASSERT_NE(peer, nullptr);
  constexpr int kMessages = 120;  // sequence numbers below 128: frames of one size
  constexpr int kBytes = 16;
  Message data;
  data.SetType("Data");
  data.PutBytes(std::string(kBytes, 'd').data(), kBytes);
  size_t frame_size = FrameSizeFrom(*peer, data);
  // Several batches' worth: whatever the batches, the last is not full (a
  // full one goes out when the next frame does not fit).
  ASSERT_GT(frame_size * kMessages, 2 * Dialer::kMaxBatchBytes);
  std::vector<const char*> spans;
  s.handlers().Install("Data", [&](Message& m, const char*) {
    size_t n = 0;
    const char* bytes = m.GetBytes(&n);
    EXPECT_EQ(std::string(bytes, n), std::string(kBytes, 'd'));
    spans.push_back(bytes);
    return false;
  });
  Message burst;
  burst.SetType("Burst");
  burst.PutInt(kMessages);
  burst.PutInt(kBytes);
  ASSERT_TRUE(s.Send(burst, "burster"));
  EXPECT_TRUE(WaitUntil(10, [&] { return spans.size() >= static_cast<size_t>(kMessages); }))
      << "received " << spans.size() << " of " << kMessages;
  EXPECT_EQ(spans.size(), static_cast<size_t>(kMessages));
  EXPECT_EQ(s.stats().lost, 0u);
  EXPECT_GT(BackToBack(spans, frame_size), 0u) << "nothing was coalesced: the test proves nothing";
  int status;
  EXPECT_EQ(waitpid(child, &status, WNOHANG), 0) << "the sender exited: its close, not its flusher, may have sent the last ones";
}

// A handler that waits in turn (a nested wait) has the messages coalesced
// behind its own dispatched, and then those of the next ZeroMQ messages:
// its own message, which points into the first, must stay readable all
// along (make test-asan runs this too: a freed one is then caught at once).
TEST_F(SessionTest, AHandlerThatWaitsKeepsItsMessageWhileTheFramesAfterItAreDispatched) {
  unsetenv("CM_COALESCE");  // the default (coalescing), whatever this environment says
  pid_t child = StartEcho("nester");
  children_.push_back(child);
  ASSERT_TRUE(WaitRegistered("nester", 5));
  Session& s = Session::Instance();
  Peer* peer = s.Reference("nester");
  ASSERT_NE(peer, nullptr);
  constexpr int kInner = 60;  // with Lead, Lead and Outer, sequence numbers below 128
  constexpr size_t kBytes = 200;
  // Outer and Inner frames have the same layout (types and texts of the
  // same length): one frame size for all.
  const std::string outer_text = "outer text, intact";
  const std::string inner_text = "inner text, number";
  Message like_inner;
  like_inner.SetType("Inner");
  like_inner.PutBytes(std::string(kBytes, 'a').data(), kBytes);
  like_inner.PutText(inner_text.c_str());
  size_t frame_size = FrameSizeFrom(*peer, like_inner);
  ASSERT_LE(frame_size, Dialer::kMaxCoalescedFrame);
  ASSERT_GT(frame_size * kInner, 2 * Dialer::kMaxBatchBytes) << "the Inner ones must span several ZeroMQ messages";

  std::vector<const char*> spans;  // Outer's bytes, then each Inner's
  int inner_inside = 0, inner_outside = 0, inner_wrong = 0;
  bool in_outer = false, outer_done = false;
  std::string outer_text_after, outer_bytes_after;
  s.handlers().Install("Lead", [](Message&, const char*) { return false; });
  s.handlers().Install("Inner", [&](Message& m, const char*) {
    size_t n = 0;
    const char* bytes = m.GetBytes(&n);
    char letter = static_cast<char>('a' + (inner_inside + inner_outside) % 26);  // also: none lost
    const char* text = m.GetText();
    if (std::string(bytes, n) != std::string(kBytes, letter) || text == nullptr || text != inner_text) ++inner_wrong;
    spans.push_back(bytes);
    ++(in_outer ? inner_inside : inner_outside);
    return false;
  });
  s.handlers().Install("Outer", [&](Message& m, const char*) {
    size_t n = 0;
    const char* bytes = m.GetBytes(&n);
    spans.push_back(bytes);
    in_outer = true;
    bool all = WaitUntil(10, [&] { return inner_inside + inner_outside == kInner; });
    in_outer = false;
    EXPECT_TRUE(all) << "Inner dispatched: " << inner_inside << " of " << kInner;
    // Only now its own items, from where they were all along.
    const char* text = m.GetText();
    outer_text_after = text != nullptr ? text : "(null)";
    outer_bytes_after.assign(bytes, n);
    outer_done = true;
    return true;
  });
  Message nest;
  nest.SetType("Nest");
  nest.PutInt(kInner);
  nest.PutInt(static_cast<int>(kBytes));
  nest.PutText(outer_text.c_str());
  nest.PutText(inner_text.c_str());
  ASSERT_TRUE(s.Send(nest, "nester"));
  ASSERT_TRUE(WaitUntil(15, [&] { return outer_done; }));
  EXPECT_EQ(inner_outside, 0) << "Inner dispatched before Outer";
  EXPECT_EQ(inner_inside, kInner);
  EXPECT_EQ(inner_wrong, 0) << "Inner messages not as sent, or not in order";
  EXPECT_EQ(outer_text_after, outer_text);
  EXPECT_EQ(outer_bytes_after, std::string(kBytes, 'O'));
  // Coalesced for real: frames back to back in one ZeroMQ message, and
  // more than one ZeroMQ message after Outer's (it was read to its end, and
  // set aside, while the Outer handler still pointed into it).
  size_t back_to_back = BackToBack(spans, frame_size);
  EXPECT_GT(back_to_back, 0u) << "nothing was coalesced: the test proves nothing";
  EXPECT_LT(back_to_back, spans.size() - 1);
  EXPECT_EQ(s.stats().lost, 0u);
}

}  // namespace
}  // namespace cm
