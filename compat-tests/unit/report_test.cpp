// Reports: what processes tell their name server unasked (NSConnect with
// totals, NSReport; docs/protocol.md, "Reports"), end to end: a real
// CmNameServer, real processes (session_echo_child) that exchange messages,
// and the name server asked what it heard (NSGetReports, NSGetConnects).
// Each test runs in its own process (ctest runs one gtest per invocation).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "children.h"
#include "codec/frame.h"
#include "free_port.h"
#include "naming/name_client.h"
#include "naming/process_info.h"
#include "session/session.h"
#include "transport/request_channel.h"

namespace cm {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Long enough for any report on a loaded machine: reports go within about a
// second of a process falling quiet, and a name server that restarted is
// registered with again within a second.  Only a bound for a broken build.
constexpr seconds kPatience(30);

// session_echo_child (compat-tests/unit/echo_child.cpp): answers "Ping",
// "Relay" (text TO, int N: sends N "Data" to TO, answers "Relayed") and more.
pid_t StartEcho(const std::string& name) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    DieWithParent(parent);
    execl(CM_BIN_DIR "/session_echo_child", "session_echo_child", name.c_str(), (char*)nullptr);
    _exit(127);
  }
  return pid;
}

bool Eventually(const std::function<bool()>& condition, Clock::duration patience = kPatience) {
  auto deadline = Clock::now() + patience;
  while (!condition()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return true;
}

// Moves the cursor to item `index`, reading what lies between.
void SkipTo(Message& m, size_t index) {
  while (m.cursor() < index && m.cursor() < m.items().size()) {
    switch (m.PeekKind()) {
      case ItemKind::kText: (void)m.GetText(); break;
      case ItemKind::kInt: (void)m.GetInt(); break;
      case ItemKind::kLong: (void)m.GetLong(); break;
      case ItemKind::kDouble: (void)m.GetDouble(); break;
      default: { size_t size; (void)m.GetBytes(&size); break; }
    }
  }
}

struct SeenReport {
  int64_t age_ms = -1;
  ProcessInfo info;
};

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreePort();
    setenv("CM_NAMESERVER", ("tcp://127.0.0.1:" + std::to_string(port_)).c_str(), 1);
    ns_ = StartNameServer(port_);
    LoadDomain("", &domain_);
    client_ = std::make_unique<NameClient>(domain_, "report-test");
  }
  void TearDown() override {
    for (pid_t pid : children_) Stop(pid);
    Stop(ns_);
  }

  bool Registered(const std::string& name) {
    NameRecord r;
    return client_->Lookup(name, &r, 500).ok();
  }
  void StartProcess(const std::string& name) {
    children_.push_back(StartEcho(name));
    ASSERT_TRUE(Eventually([&] { return Registered(name); })) << name << " never registered";
  }

  // NSGetReports, by name; empty if the name server did not answer.
  std::map<std::string, SeenReport> Reports() {
    std::map<std::string, SeenReport> reports;
    Message request, reply;
    request.SetType("NSGetReports");
    if (!client_->Call(request, &reply, 2000).ok()) return reports;
    int n = reply.GetInt();
    for (int i = 0; i < n; ++i) {
      SeenReport seen;
      seen.age_ms = reply.GetLong();
      int k = reply.GetInt();
      size_t end = reply.cursor() + static_cast<size_t>(k);
      EXPECT_TRUE(GetProcessInfo(reply, &seen.info));
      EXPECT_EQ(reply.cursor(), end) << "a report of this release is its k items exactly";
      SkipTo(reply, end);
      reports[seen.info.name] = seen;
    }
    return reports;
  }
  // NSGetConnects' count for (from, to); -1 if there is no such pair.
  int64_t Connect(const std::string& from, const std::string& to) {
    std::vector<ConnectRecord> pairs;
    if (!client_->Connects(&pairs, 2000).ok()) return -1;
    for (const ConnectRecord& pair : pairs)
      if (pair.from == from && pair.to == to) return pair.messages;
    return -1;
  }
  // Asks `from` to send `n` messages to `to`; how many it says it sent.
  long Relay(const std::string& from, const std::string& to, int n) {
    Session& s = Session::Instance();
    long relayed = -1;
    s.handlers().Install("Relayed", [&relayed](Message& m, const char*) {
      relayed = m.GetLong();
      return true;
    });
    Message relay;
    relay.SetType("Relay");
    relay.PutText(to.c_str());
    relay.PutInt(n);
    if (!s.Send(relay, from)) return -1;
    s.Wait(20.0);
    return relayed;
  }
  // `name`'s answer to cm:info (the tool's question).
  bool AskInfo(const std::string& name, ProcessInfo* info) {
    Session& s = Session::Instance();
    bool answered = false;
    s.handlers().Install("cm:info-reply", [&](Message& m, const char*) {
      answered = GetProcessInfo(m, info);
      return true;
    });
    Message ask;
    ask.SetType("cm:info");
    if (!s.Send(ask, name)) return false;
    s.Wait(5.0);
    return answered;
  }

  int port_ = 0;
  pid_t ns_ = -1;
  DomainConfig domain_;
  std::unique_ptr<NameClient> client_;
  std::vector<pid_t> children_;
};

constexpr int kMessages = 250;

// Two processes exchange messages; the name server's reports have their
// counters, exact, and their handler types, which cm:info-reply also lists.
TEST_F(ReportTest, ProcessesReportTheirCountersAndHandlerTypes) {
  StartProcess("relay");
  StartProcess("sink");
  ASSERT_EQ(Relay("relay", "sink", kMessages), kMessages);

  std::map<std::string, SeenReport> reports;
  // relay: kMessages "Data" and our "Relayed"; sink: the "Data".
  ASSERT_TRUE(Eventually([&] {
    reports = Reports();
    return reports.count("relay") && reports.count("sink") && reports["relay"].info.sent == kMessages + 1 &&
           reports["sink"].info.received == kMessages;
  })) << "the reports never showed the messages";
  const ProcessInfo& relay = reports["relay"].info;
  const ProcessInfo& sink = reports["sink"].info;
  EXPECT_EQ(relay.received, 1);  // our "Relay"
  EXPECT_EQ(sink.sent, 0);
  EXPECT_EQ(sink.unhandled + sink.malformed + sink.lost + sink.send_failures, 0);
  EXPECT_EQ(sink.pid, children_[1]);
  EXPECT_GT(sink.start_time, 0);
  EXPECT_GE(reports["sink"].age_ms, 0);
  EXPECT_FALSE(sink.version.empty());
  // The echo child's handlers, sorted (no default handler: no "*").
  ASSERT_FALSE(sink.handler_types.empty());
  EXPECT_EQ(static_cast<int>(sink.handler_types.size()), sink.handlers);
  EXPECT_TRUE(std::is_sorted(sink.handler_types.begin(), sink.handler_types.end()));
  for (const char* type : {"Ping", "Relay", "Data", "Count"})
    EXPECT_NE(std::find(sink.handler_types.begin(), sink.handler_types.end(), type), sink.handler_types.end())
        << type;
  EXPECT_EQ(std::find(sink.handler_types.begin(), sink.handler_types.end(), "*"), sink.handler_types.end());

  // The pair, exact: only relay -> sink between registered names.
  EXPECT_EQ(Connect("relay", "sink"), kMessages);
  EXPECT_EQ(Connect("sink", "relay"), -1);

  // cm:info-reply says the same, in the same layout.
  ProcessInfo asked;
  ASSERT_TRUE(AskInfo("sink", &asked));
  EXPECT_EQ(asked.handler_types, sink.handler_types);
  EXPECT_EQ(asked.received, kMessages + 1);  // and our cm:info
  EXPECT_EQ(asked.start_time, sink.start_time);
  EXPECT_EQ(asked.name, "sink");
}

// The name server is killed and started again: it has lost everything, and
// the processes, registering again, tell it their totals and reports: the
// same numbers as before.
TEST_F(ReportTest, CountsComeBackExactWhenTheNameServerRestarts) {
  StartProcess("relay");
  StartProcess("sink");
  ASSERT_EQ(Relay("relay", "sink", kMessages), kMessages);
  ASSERT_TRUE(Eventually([&] { return Connect("relay", "sink") == kMessages; }));

  Stop(ns_);
  ns_ = StartNameServer(port_);
  ASSERT_TRUE(Eventually([&] { return Registered("relay") && Registered("sink"); }));
  std::map<std::string, SeenReport> reports;
  ASSERT_TRUE(Eventually([&] {
    reports = Reports();
    return Connect("relay", "sink") == kMessages && reports.count("relay") && reports.count("sink");
  })) << "relay -> sink: " << Connect("relay", "sink");
  EXPECT_EQ(reports["relay"].info.sent, kMessages + 1);
  EXPECT_EQ(reports["sink"].info.received, kMessages);

  // And they go on from there: totals, not counts since the restart.
  ASSERT_EQ(Relay("relay", "sink", 10), 10);
  EXPECT_TRUE(Eventually([&] { return Connect("relay", "sink") == kMessages + 10; }))
      << "relay -> sink: " << Connect("relay", "sink");
}

// An idle process sends its unchanged report again (every 30 s: report.cpp),
// so that the report's age says whether the process still waits in
// CmMessageWait*.  The age seen goes down without the process doing anything.
TEST_F(ReportTest, AnIdleProcessSendsItsReportAgain) {
  StartProcess("idle");
  std::map<std::string, SeenReport> reports;
  // Its report after it installed its handlers (the one made at
  // registration has none): from then on nothing changes.
  ASSERT_TRUE(Eventually([&] {
    reports = Reports();
    return reports.count("idle") != 0 && !reports["idle"].info.handler_types.empty();
  }));
  int64_t age = reports["idle"].age_ms, oldest = age;
  bool refreshed = Eventually(
      [&] {
        reports = Reports();
        if (reports.count("idle") == 0) return false;
        int64_t now = reports["idle"].age_ms;
        bool younger = now < age;
        age = now;
        oldest = std::max(oldest, now);
        return younger;
      },
      seconds(90));
  EXPECT_TRUE(refreshed) << "the report's age only grew, to " << oldest << " ms";
  EXPECT_EQ(reports["idle"].info.received, 0);
}

// The name server's side, driven by hand: an old process's NSConnect (a
// count) adds, a new one's (with a total) replaces; a total to a name not
// registered yet waits for it; a report is only taken from its name's owner.
TEST_F(ReportTest, CountsAddTotalsReplaceReportsComeFromTheirOwner) {
  auto record = [](const std::string& name) {
    NameRecord r;
    r.name = name;
    r.address = "tcp://127.0.0.1:1#" + name + "-incarnation";
    r.host = "localhost";
    r.pid = 4242;
    return r;
  };
  NameClient owner(domain_, "owner");
  ASSERT_TRUE(owner.Register(record("alpha"), 2000).ok());
  ASSERT_TRUE(owner.Register(record("beta"), 2000).ok());
  auto connect = [&](const char* from, const char* to, long count, long total = -1) {
    Message note;
    note.SetType("NSConnect");
    note.PutText(from);
    note.PutText(to);
    note.PutLong(count);
    if (total >= 0) note.PutLong(total);
    owner.Notify(note);
  };
  auto sync = [&] {  // what was notified before is in once a question on the same link is answered
    Message request, reply;
    request.SetType("NSGetVersion");
    ASSERT_TRUE(owner.Call(request, &reply, 2000).ok());
  };
  connect("alpha", "beta", 3);
  connect("alpha", "beta", 4);
  sync();
  EXPECT_EQ(Connect("alpha", "beta"), 7) << "counts add";
  connect("alpha", "beta", 1, 100);
  sync();
  EXPECT_EQ(Connect("alpha", "beta"), 100) << "a total replaces";
  connect("alpha", "beta", 2);
  sync();
  EXPECT_EQ(Connect("alpha", "beta"), 102) << "an old process's count still adds";

  connect("alpha", "gamma", 0, 9);  // gamma not registered yet
  sync();
  EXPECT_EQ(Connect("alpha", "gamma"), -1);
  ASSERT_TRUE(owner.Register(record("gamma"), 2000).ok());
  EXPECT_EQ(Connect("alpha", "gamma"), 9) << "the total waited for gamma";

  // A fourth item that is not a long is said to be wrong.
  Message bad, reply;
  bad.SetType("NSConnect");
  bad.PutText("alpha");
  bad.PutText("beta");
  bad.PutLong(1);
  bad.PutText("12");
  Status s = owner.Call(bad, &reply, 2000);
  EXPECT_EQ(s.code(), Status::Code::kRefused) << s.message();
  EXPECT_NE(s.message().find("fourth item"), std::string::npos) << s.message();

  // Reports: from the owner, taken (the entry's host and pid win); from
  // another connection, refused; a short one, refused with a reason.
  ProcessInfo info;
  info.name = "alpha";
  info.host = "elsewhere";
  info.sent = 17;
  info.handler_types = {"A", "B", "*"};
  info.start_time = 1234;
  Message report;
  report.SetType("NSReport");
  PutProcessInfo(info, &report);
  EXPECT_TRUE(owner.Call(report, &reply, 2000).ok());
  NameClient stranger(domain_, "stranger");
  s = stranger.Call(report, &reply, 2000);
  EXPECT_EQ(s.code(), Status::Code::kRefused) << s.message();
  Message short_report;
  short_report.SetType("NSReport");
  short_report.PutText("alpha");
  s = owner.Call(short_report, &reply, 2000);
  EXPECT_EQ(s.code(), Status::Code::kRefused);
  EXPECT_NE(s.message().find("NSReport takes 14 items"), std::string::npos) << s.message();

  std::map<std::string, SeenReport> reports = Reports();
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports["alpha"].info.sent, 17);
  EXPECT_EQ(reports["alpha"].info.host, "localhost");
  EXPECT_EQ(reports["alpha"].info.pid, 4242);
  EXPECT_EQ(reports["alpha"].info.handler_types, info.handler_types);
  EXPECT_EQ(reports["alpha"].info.start_time, 1234);

  // Dropped with the name.
  ASSERT_TRUE(owner.Unregister("alpha", 2000).ok());
  EXPECT_TRUE(Reports().empty());
}

// A name server that does not know a notification's type (NSReport before
// 1.1) drops it without an answer, and serves on: the path every release
// takes for a seq-0 request it cannot serve.  Raw frames on one link: the
// first answer that comes back is the question's.
TEST_F(ReportTest, AnUnknownNotificationIsDroppedUnanswered) {
  RequestChannel channel(domain_.name_servers.front().ToString(), "raw/secret-0123456789", Security());
  auto send = [&](const char* type, uint64_t seq) {
    Message m;
    m.SetType(type);
    m.PutText("alpha");
    Envelope envelope;
    envelope.sender = "raw";
    envelope.seq = seq;
    zmq::message_t frame(EncodedSize(envelope, m));
    Encode(envelope, m, static_cast<char*>(frame.data()));
    return channel.Send(frame, 2000);
  };
  ASSERT_TRUE(send("NSReportFromTheFuture", 0));
  ASSERT_TRUE(send("NSGetVersion", 7));
  zmq::message_t answer;
  ASSERT_TRUE(channel.Receive(&answer, 5000));
  Envelope envelope;
  Message reply;
  ASSERT_TRUE(DecodeCopy(static_cast<const char*>(answer.data()), answer.size(), &envelope, &reply).ok());
  EXPECT_EQ(envelope.seq, 7u) << "the notification was answered";
  EXPECT_EQ(reply.GetInt(), 1);
}

}  // namespace
}  // namespace cm
