// CmNameServer, end to end: the real daemon, started on a free port, driven
// with the transport's RequestChannel and the codec as a process would
// drive it (docs/protocol.md, "Name server requests").
#include <gtest/gtest.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "codec/frame.h"
#include "codec/message.h"
#include "children.h"
#include "free_port.h"
#include "naming/name_client.h"
#include "raw_zmtp.h"
#include "transport/request_channel.h"

extern char** environ;

namespace cm {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const char kServer[] = CM_BIN_DIR "/CmNameServer";

// ---- processes -------------------------------------------------------------

// Starts `args` with the Cm domain variables removed (the daemon then serves
// the built-in default domain) and `env` added, its stdout and stderr to
// `out_fd` if >= 0.
pid_t Spawn(const std::vector<std::string>& args, int out_fd = -1, const std::vector<std::string>& env = {}) {
  std::vector<char*> argv;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string var(*e);
    if (var.rfind("CMDOMAIN", 0) == 0 || var.rfind("CMMGR=", 0) == 0 || var.rfind("CMROOT=", 0) == 0 ||
        var.rfind("CM_NAMESERVER=", 0) == 0)
      continue;
    envp.push_back(*e);
  }
  for (const std::string& var : env) envp.push_back(const_cast<char*>(var.c_str()));
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (out_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, out_fd, 1);
    posix_spawn_file_actions_adddup2(&actions, out_fd, 2);
  }
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// Waits up to `timeout` until something accepts TCP connections on `port`.
bool WaitForPort(int port, milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  for (;;) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port));
    bool up = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    close(fd);
    if (up) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
}

// Runs `args` to completion; returns its exit code (-1: did not exit in 5 s),
// what it printed in *output.
int RunToExit(const std::vector<std::string>& args, std::string* output, const std::vector<std::string>& env = {}) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return -1;
  pid_t pid = Spawn(args, fds[1], env);
  close(fds[1]);
  char buffer[4096];
  ssize_t n;
  while ((n = read(fds[0], buffer, sizeof buffer)) > 0) output->append(buffer, static_cast<size_t>(n));
  close(fds[0]);
  int status = 0;
  if (pid < 0 || !WaitExit(pid, milliseconds(5000), &status)) {
    if (pid > 0) kill(pid, SIGKILL);
    return -1;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// ---- a client --------------------------------------------------------------

// A request under construction: Req("NSRegister").T("alpha").I(42)...
struct Req {
  std::unique_ptr<Message> message = std::make_unique<Message>();  // movable
  explicit Req(const char* type) { message->SetType(type); }
  Req& T(const std::string& text) {
    message->PutText(text.data(), text.size());
    return *this;
  }
  Req& Null() {
    message->PutText(nullptr);
    return *this;
  }
  Req& I(int v) {
    message->PutInt(v);
    return *this;
  }
  Req& L(long v) {
    message->PutLong(v);
    return *this;
  }
};

// An NSReply, read past its status and reason.
struct Reply {
  Envelope envelope;
  Message message;
  int status = -1;
  std::string reason;
  std::string Text() {
    EXPECT_EQ(message.PeekKind(), ItemKind::kText);
    const char* text = message.GetText();
    return text ? text : "";
  }
  int Int() {
    EXPECT_EQ(message.PeekKind(), ItemKind::kInt);
    return message.GetInt();
  }
  long Long() {
    EXPECT_EQ(message.PeekKind(), ItemKind::kLong);
    return message.GetLong();
  }
};

// One process's connection to the name server.
class Client {
 public:
  Client(int port, const std::string& id, const Security& security = Security())
      : id_(id), channel_("tcp://127.0.0.1:" + std::to_string(port), id, security) {}

  // Sends `req` as a request and waits for its NSReply.
  bool Call(const Req& req, Reply* reply, int timeout_ms = 3000) {
    if (!Send(req, ++seq_, timeout_ms)) return false;
    Clock::time_point deadline = Clock::now() + milliseconds(timeout_ms);
    for (;;) {
      int left = static_cast<int>(std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count());
      if (left <= 0) return false;
      zmq::message_t frame;
      if (!channel_.Receive(&frame, left)) continue;
      Status s = DecodeCopy(static_cast<const char*>(frame.data()), frame.size(), &reply->envelope, &reply->message);
      if (!s.ok()) {
        ADD_FAILURE() << "the name server sent an undecodable frame: " << s.message();
        return false;
      }
      const std::string& type = reply->message.type_string();
      if (type == "NSProbe") {  // the liveness check: clients ignore it
        EXPECT_EQ(reply->envelope.seq, 0u);
        ++probes_;
        continue;
      }
      if (type != "NSReply" || reply->envelope.seq != seq_) {
        ++unexpected_;
        continue;
      }
      EXPECT_EQ(reply->envelope.sender, "CmNameServer");
      reply->status = reply->Int();
      reply->reason = reply->Text();
      return true;
    }
  }
  // The reply's status, or -1 when none came.
  int Ask(const Req& req) {
    Reply reply;
    return Call(req, &reply) ? reply.status : -1;
  }
  // Sends `req` with seq 0: a notification, never answered.
  bool Notify(const Req& req) { return Send(req, 0, 3000); }
  bool SendRaw(const std::string& bytes) {
    zmq::message_t frame(bytes.data(), bytes.size());
    return channel_.Send(frame, 3000);
  }
  RequestChannel& channel() { return channel_; }
  int unexpected() const { return unexpected_; }
  int probes() const { return probes_; }

 private:
  bool Send(const Req& req, uint64_t seq, int timeout_ms) {
    Envelope envelope;
    envelope.sender = id_;
    envelope.seq = seq;
    zmq::message_t frame(EncodedSize(envelope, *req.message));
    Encode(envelope, *req.message, static_cast<char*>(frame.data()));
    return channel_.Send(frame, timeout_ms);
  }

  std::string id_;
  RequestChannel channel_;
  uint64_t seq_ = 0;
  int probes_ = 0;
  int unexpected_ = 0;  // replies nobody asked for
};

std::string AddressOf(const std::string& name) { return "tcp://127.0.0.1:20000#" + name + "-0123456789"; }

Req Register(const std::string& name, int pid = 4242, const std::string& host = "hostA") {
  Req req("NSRegister");
  req.T(name).T(AddressOf(name)).T(host).I(pid);
  return req;
}

// Polls `done` every few milliseconds until it is true or `timeout` passed.
template <typename F>
bool Eventually(F done, milliseconds timeout) {
  Clock::time_point deadline = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return true;
}

struct Statistics {
  int names = -1;
  long requests, registered, unregistered, cleaned, malformed, uptime;
};

// ---- the fixture: one daemon per test --------------------------------------

class NameServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    port_ = FreePort();
    ASSERT_GT(port_, 0);
    // Its log, for the tests that read what it says.
    log_path_ = ::testing::TempDir() + "name-server-test-" + std::to_string(getpid()) + "-" + std::to_string(port_);
    int log_fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    ASSERT_GE(log_fd, 0);
    pid_ = Spawn({kServer, "--port", std::to_string(port_)}, log_fd);
    close(log_fd);
    ASSERT_GT(pid_, 0) << "cannot start " << kServer;
    // Listening first (a client's first connection attempt then succeeds:
    // no reconnect delay), then ready when it answers.
    ASSERT_TRUE(WaitForPort(port_, milliseconds(5000))) << "CmNameServer does not listen on port " << port_;
    Client probe(port_, "readiness");
    Reply reply;
    ASSERT_TRUE(Eventually([&] { return probe.Call(Req("NSGetVersion"), &reply, 100); }, milliseconds(5000)))
        << "CmNameServer did not answer on port " << port_;
  }

  void TearDown() override {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (HasFailure()) std::cerr << "the name server's log:\n" << Log();
    std::remove(log_path_.c_str());
  }

  std::string Log() const {
    std::ifstream file(log_path_);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  std::unique_ptr<Client> NewClient(const std::string& id) { return std::make_unique<Client>(port_, id); }

  Statistics GetStatistics(Client& client) {
    Statistics s;
    Reply r;
    if (!client.Call(Req("NSGetStatistics"), &r) || r.status != 1) {
      ADD_FAILURE() << "NSGetStatistics failed: " << r.reason;
      return s;
    }
    s.names = r.Int();
    s.requests = r.Long();
    s.registered = r.Long();
    s.unregistered = r.Long();
    s.cleaned = r.Long();
    s.malformed = r.Long();
    s.uptime = r.Long();
    return s;
  }

  int port_ = 0;
  pid_t pid_ = -1;
  std::string log_path_;
};

TEST_F(NameServerTest, RegisterLookupUnregister) {
  auto a = NewClient("a");
  long before = static_cast<long>(std::time(nullptr));
  EXPECT_EQ(a->Ask(Register("alpha", 111, "hostA")), 1);
  long after = static_cast<long>(std::time(nullptr));

  Reply r;
  ASSERT_TRUE(a->Call(Req("NSGetAddress").T("alpha"), &r));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.reason, "");
  EXPECT_EQ(r.Text(), AddressOf("alpha"));
  EXPECT_EQ(r.Text(), "hostA");
  EXPECT_EQ(r.Int(), 111);
  long start = r.Long();
  EXPECT_GE(start, before);
  EXPECT_LE(start, after);

  EXPECT_EQ(a->Ask(Req("NSUnregister").T("alpha")), 1);
  ASSERT_TRUE(a->Call(Req("NSGetAddress").T("alpha"), &r));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.reason.find("alpha"), std::string::npos) << r.reason;
  EXPECT_EQ(a->Ask(Req("NSUnregister").T("alpha")), 0);

  Statistics s = GetStatistics(*a);
  EXPECT_EQ(s.names, 0);
  EXPECT_EQ(s.registered, 1);
  EXPECT_EQ(s.unregistered, 1);
  EXPECT_EQ(s.cleaned, 0);
  EXPECT_GE(s.requests, 6);
  EXPECT_EQ(s.malformed, 0);
}

TEST_F(NameServerTest, RefusesANameHeldByALiveClient) {
  auto a = NewClient("a");
  auto b = NewClient("b");
  ASSERT_EQ(a->Ask(Register("alpha", 111, "hostA")), 1);

  Reply r;
  ASSERT_TRUE(b->Call(Register("alpha", 222, "hostB"), &r));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.reason.find("111"), std::string::npos) << "the reason names the holder's pid: " << r.reason;
  EXPECT_NE(r.reason.find("hostA"), std::string::npos) << "the reason names the holder's host: " << r.reason;
  EXPECT_EQ(b->Ask(Req("NSUnregister").T("alpha")), 0) << "only the owner unregisters";

  ASSERT_TRUE(a->Call(Req("NSGetAddress").T("alpha"), &r));
  EXPECT_EQ(r.Text(), AddressOf("alpha"));
  EXPECT_EQ(r.Text(), "hostA");
  EXPECT_EQ(r.Int(), 111);

  // The owner registering again updates its entry.
  ASSERT_EQ(a->Ask(Req("NSRegister").T("alpha").T("tcp://10.0.0.1:20001#ffff").T("hostC").I(111)), 1);
  ASSERT_TRUE(b->Call(Req("NSGetAddress").T("alpha"), &r));
  EXPECT_EQ(r.Text(), "tcp://10.0.0.1:20001#ffff");
  EXPECT_EQ(r.Text(), "hostC");
}

TEST_F(NameServerTest, DropsTheNamesOfAClosedConnectionWithoutBeingAsked) {
  auto a = NewClient("a");
  auto b = NewClient("b");
  ASSERT_EQ(a->Ask(Register("alpha", 111)), 1);
  ASSERT_EQ(a->Ask(Register("alpha2", 111)), 1);
  a.reset();  // the process exits: its connection closes

  Clock::time_point closed = Clock::now();
  EXPECT_TRUE(Eventually([&] { return b->Ask(Req("NSGetAddress").T("alpha")) == 0; }, milliseconds(2000)));
  EXPECT_EQ(b->Ask(Req("NSGetAddress").T("alpha2")), 0);
  std::cerr << "names dropped " << std::chrono::duration_cast<milliseconds>(Clock::now() - closed).count()
            << " ms after the connection closed\n";
  Statistics s = GetStatistics(*b);
  EXPECT_EQ(s.names, 0);
  EXPECT_EQ(s.cleaned, 2);
  EXPECT_EQ(b->Ask(Register("alpha", 222)), 1);
}

TEST_F(NameServerTest, AnotherProcessTakesOverTheNameOfOneThatExited) {
  auto a = NewClient("a");
  auto b = NewClient("b");
  ASSERT_EQ(a->Ask(Register("alpha", 111, "hostA")), 1);
  a.reset();
  // The replacement asks at once, perhaps before the close is noticed.
  EXPECT_TRUE(Eventually([&] { return b->Ask(Register("alpha", 222, "hostB")) == 1; }, milliseconds(2000)));
  Reply r;
  ASSERT_TRUE(b->Call(Req("NSGetAddress").T("alpha"), &r));
  EXPECT_EQ(r.status, 1);
  r.Text();
  EXPECT_EQ(r.Text(), "hostB");
  EXPECT_EQ(r.Int(), 222);
}

TEST_F(NameServerTest, ListsNamesWithAllTheirFields) {
  auto a = NewClient("a");
  auto b = NewClient("b");
  long before = static_cast<long>(std::time(nullptr));
  ASSERT_EQ(b->Ask(Register("beta", 222, "hostB")), 1);
  ASSERT_EQ(a->Ask(Register("alpha", 111, "hostA")), 1);
  ASSERT_EQ(a->Ask(Register("gamma", 111, "hostA")), 1);
  long after = static_cast<long>(std::time(nullptr));

  Reply r;
  ASSERT_TRUE(a->Call(Req("NSGetNames"), &r));
  ASSERT_EQ(r.status, 1);
  ASSERT_EQ(r.Int(), 3);
  struct Want {
    const char* name;
    const char* host;
    int pid;
  } want[] = {{"alpha", "hostA", 111}, {"beta", "hostB", 222}, {"gamma", "hostA", 111}};
  for (const Want& w : want) {
    EXPECT_EQ(r.Text(), w.name);
    EXPECT_EQ(r.Text(), w.host);
    EXPECT_EQ(r.Int(), w.pid);
    EXPECT_EQ(r.Text(), AddressOf(w.name));
    long start = r.Long();
    EXPECT_GE(start, before);
    EXPECT_LE(start, after);
  }
  EXPECT_EQ(r.message.PeekKind(), ItemKind::kTail);
}

TEST_F(NameServerTest, ListsFiveHundredNamesAndConnectsQuickly) {
  // 16 names per connection at most: 32 connections.
  std::vector<std::unique_ptr<Client>> clients;
  for (int c = 0; c < 32; ++c) clients.push_back(NewClient("c" + std::to_string(c)));
  for (int i = 0; i < 500; ++i) {
    std::string name = "process" + std::to_string(i);
    Client& owner = *clients[static_cast<size_t>(i / 16)];
    ASSERT_EQ(owner.Ask(Register(name, 1000 + i)), 1) << name;
    ASSERT_TRUE(owner.Notify(Req("NSConnect").T(name).T("process0").L(i + 1)));
  }
  Client* a = clients[0].get();
  for (auto& client : clients) ASSERT_EQ(client->Ask(Req("NSGetVersion")), 1);  // its notifications are in
  Reply r;
  Clock::time_point start = Clock::now();
  ASSERT_TRUE(a->Call(Req("NSGetNames"), &r));
  auto names_ms = std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
  ASSERT_EQ(r.status, 1);
  EXPECT_EQ(r.Int(), 500);
  EXPECT_LT(names_ms, 300) << "NSGetNames with 500 entries";

  start = Clock::now();
  ASSERT_TRUE(a->Call(Req("NSGetConnects"), &r));
  auto connects_ms = std::chrono::duration_cast<milliseconds>(Clock::now() - start).count();
  ASSERT_EQ(r.status, 1);
  EXPECT_EQ(r.Int(), 500);
  EXPECT_LT(connects_ms, 300) << "NSGetConnects with 500 pairs";
  std::cerr << "NSGetNames: " << names_ms << " ms, NSGetConnects: " << connects_ms << " ms\n";
}

TEST_F(NameServerTest, CountsConnectsAndDropsThemWithTheirNames) {
  auto a = NewClient("a");
  auto b = NewClient("b");
  ASSERT_EQ(a->Ask(Register("alpha")), 1);
  ASSERT_EQ(a->Ask(Register("gamma")), 1);
  ASSERT_EQ(b->Ask(Register("beta")), 1);
  ASSERT_TRUE(a->Notify(Req("NSConnect").T("alpha").T("beta").L(3)));
  ASSERT_TRUE(a->Notify(Req("NSConnect").T("alpha").T("beta").L(4)));
  ASSERT_TRUE(a->Notify(Req("NSConnect").T("alpha").T("gamma").L(1)));
  ASSERT_TRUE(b->Notify(Req("NSConnect").T("beta").T("alpha").L(5)));
  ASSERT_EQ(b->Ask(Req("NSGetVersion")), 1);  // b's notification is in

  Reply r;
  ASSERT_TRUE(a->Call(Req("NSGetConnects"), &r));
  ASSERT_EQ(r.status, 1);
  ASSERT_EQ(r.Int(), 3);
  EXPECT_EQ(r.Text(), "alpha");
  EXPECT_EQ(r.Text(), "beta");
  EXPECT_EQ(r.Long(), 7);
  EXPECT_EQ(r.Text(), "alpha");
  EXPECT_EQ(r.Text(), "gamma");
  EXPECT_EQ(r.Long(), 1);
  EXPECT_EQ(r.Text(), "beta");
  EXPECT_EQ(r.Text(), "alpha");
  EXPECT_EQ(r.Long(), 5);
  EXPECT_EQ(a->unexpected(), 0) << "notifications are not answered";
  EXPECT_EQ(b->unexpected(), 0) << "notifications are not answered";

  // beta's process goes: its pairs go with it.
  b.reset();
  EXPECT_TRUE(Eventually(
      [&] { return a->Call(Req("NSGetConnects"), &r) && r.status == 1 && r.Int() == 1; }, milliseconds(2000)));
  EXPECT_EQ(r.Text(), "alpha");
  EXPECT_EQ(r.Text(), "gamma");
  // And an unregistered name's pairs go with it.
  ASSERT_EQ(a->Ask(Req("NSUnregister").T("gamma")), 1);
  ASSERT_TRUE(a->Call(Req("NSGetConnects"), &r));
  EXPECT_EQ(r.Int(), 0);

  // A notification sent as a request is answered.
  EXPECT_EQ(a->Ask(Req("NSConnect").T("alpha").T("beta").L(1)), 1);
}

TEST_F(NameServerTest, CountsMalformedFramesAndKeepsServing) {
  auto a = NewClient("a");
  Statistics before = GetStatistics(*a);
  ASSERT_TRUE(a->SendRaw("this is not msgpack"));
  // Two parts where one is expected.
  zmq::message_t first("x", 1);
  ASSERT_TRUE(a->channel().socket().send(first, zmq::send_flags::sndmore));
  zmq::message_t second("y", 1);
  ASSERT_TRUE(a->channel().socket().send(second, zmq::send_flags::none));
  // A well-formed frame of another protocol version.
  Message m;
  m.SetType("NSGetNames");
  Envelope e;
  e.seq = 99;
  std::string frame(EncodedSize(e, m), '\0');
  Encode(e, m, frame.data());
  ASSERT_EQ(frame[1], static_cast<char>(kProtocolVersion));  // [fixarray, version, ...]
  frame[1] = static_cast<char>(kProtocolVersion + 1);
  ASSERT_TRUE(a->SendRaw(frame));

  Statistics s = GetStatistics(*a);
  EXPECT_EQ(s.malformed - before.malformed, 3);
  EXPECT_EQ(s.requests - before.requests, 1) << "only NSGetStatistics counts as a request";
  EXPECT_EQ(a->unexpected(), 0) << "a malformed frame gets no answer";
  EXPECT_EQ(a->Ask(Register("alpha")), 1);
}

TEST_F(NameServerTest, AnswersAnUnknownRequestTypeWithAReason) {
  auto a = NewClient("a");
  Reply r;
  ASSERT_TRUE(a->Call(Req("NSBogus").I(1), &r));
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.reason, "unknown request type 'NSBogus'");
  EXPECT_EQ(r.message.PeekKind(), ItemKind::kTail);
}

TEST_F(NameServerTest, RefusesItemsOfTheWrongKind) {
  auto a = NewClient("a");
  Reply r;
  ASSERT_TRUE(a->Call(Req("NSRegister").I(7).T("tcp://h:1#i").T("h").I(1), &r));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.reason.find("item 1"), std::string::npos) << r.reason;
  ASSERT_TRUE(a->Call(Req("NSRegister").T("alpha").T("tcp://h:1#i"), &r));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.reason.find("4 items"), std::string::npos) << r.reason;
  ASSERT_TRUE(a->Call(Req("NSRegister").T("alpha").T("tcp://h:1#i").T("h").L(1), &r));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.reason.find("item 4"), std::string::npos) << r.reason;
  EXPECT_EQ(a->Ask(Req("NSRegister").Null().T("tcp://h:1#i").T("h").I(1)), 0);
  EXPECT_EQ(a->Ask(Req("NSGetAddress")), 0);
  EXPECT_EQ(a->Ask(Req("NSGetAddress").L(3)), 0);
  EXPECT_EQ(a->Ask(Req("NSUnregister").I(3)), 0);
  EXPECT_EQ(a->Ask(Req("NSConnect").T("alpha").T("beta").I(3)), 0);
  EXPECT_EQ(a->Ask(Req("NSConnect").T("alpha").T("beta").L(-3)), 0);
  Statistics s = GetStatistics(*a);
  EXPECT_EQ(s.names, 0);
  EXPECT_EQ(s.registered, 0);
}

TEST_F(NameServerTest, RefusesBadNamesAndAddresses) {
  auto a = NewClient("a");
  for (std::string bad : {std::string(""), std::string(256, 'n'), std::string("two words"), std::string("tab\there"),
                          std::string("ctl\x01"), std::string("nl\n"), std::string("nul\0x", 5)}) {
    Reply r;
    ASSERT_TRUE(a->Call(Register(bad), &r));
    EXPECT_EQ(r.status, 0) << "'" << bad << "'";
    EXPECT_NE(r.reason, "");
  }
  EXPECT_EQ(a->Ask(Register(std::string(255, 'n'))), 1);
  EXPECT_EQ(a->Ask(Register("Unicode-名前")), 1);
  EXPECT_EQ(a->Ask(Req("NSRegister").T("alpha").T("localhost:1234").T("h").I(1)), 0);
  EXPECT_EQ(a->Ask(Req("NSRegister").T("alpha").T("tcp://h:1#i").T("").I(1)), 0);
}

TEST_F(NameServerTest, CleanupKeepsLiveEntries) {
  auto a = NewClient("a");
  ASSERT_EQ(a->Ask(Register("alpha")), 1);
  Reply r;
  ASSERT_TRUE(a->Call(Req("NSDoCleanup"), &r));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.Int(), 0);
  EXPECT_EQ(a->probes(), 1) << "the owner was probed (NSProbe, seq 0) before the reply";
  EXPECT_EQ(a->Ask(Req("NSGetAddress").T("alpha")), 1);
}

TEST_F(NameServerTest, ReportsItsVersion) {
  auto a = NewClient("a");
  Reply r;
  ASSERT_TRUE(a->Call(Req("NSGetVersion"), &r));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.Text(), CM_VERSION);
  EXPECT_EQ(r.Int(), static_cast<int>(kProtocolVersion));
}

TEST_F(NameServerTest, StopRepliesThenExits) {
  auto a = NewClient("a");
  auto b = NewClient("b");
  EXPECT_EQ(a->Ask(Req("NSGetVersion")), 1);
  EXPECT_EQ(b->Ask(Req("NSStop").T("default")), 1);
  Reply r;
  ASSERT_TRUE(a->Call(Req("NSGetVersion"), &r));
  EXPECT_EQ(r.status, 0) << "a stopping server refuses requests";
  EXPECT_NE(r.reason.find("stopping"), std::string::npos) << r.reason;
  // It waits for the requester to hang up (so that the reply is not lost
  // with the connection), then exits.
  Clock::time_point hung_up = Clock::now();
  b.reset();
  int status = 0;
  ASSERT_TRUE(WaitExit(pid_, milliseconds(3000), &status));
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_LT(Clock::now() - hung_up, milliseconds(400)) << "it did not wait for the grace period";
}

TEST_F(NameServerTest, StopIsRefusedUnlessItNamesTheServersDomain) {
  auto a = NewClient("a");
  Reply r;
  ASSERT_TRUE(a->Call(Req("NSStop").T("Other"), &r));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.reason.find("serves domain 'default'"), std::string::npos) << r.reason;
  ASSERT_TRUE(a->Call(Req("NSStop"), &r));
  EXPECT_EQ(r.status, 0) << "a stop without a domain is refused too";
  ASSERT_TRUE(a->Call(Req("NSGetVersion"), &r));
  EXPECT_EQ(r.status, 1) << "still serving";
  int status = 0;
  EXPECT_FALSE(WaitExit(pid_, milliseconds(300), &status));
}

TEST_F(NameServerTest, StopExitsAfterAGraceWhenTheRequesterStays) {
  auto a = NewClient("a");
  EXPECT_EQ(a->Ask(Req("NSStop").T("default")), 1);
  int status = 0;
  ASSERT_TRUE(WaitExit(pid_, milliseconds(3000), &status));
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(NameServerTest, ExitsCleanlyOnSigterm) {
  kill(pid_, SIGTERM);
  int status = 0;
  ASSERT_TRUE(WaitExit(pid_, milliseconds(3000), &status));
  pid_ = -1;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST_F(NameServerTest, ASecondServerOnTheSamePortFails) {
  std::string output;
  EXPECT_EQ(RunToExit({kServer, "--port", std::to_string(port_)}, &output), 1);
  EXPECT_NE(output.find("in use"), std::string::npos) << output;
}

// Issue 21, item 3: a connection that declares one 4 GiB frame and sends
// 64 MiB of it made the name server allocate as it came (504 MiB for 256).
// Its frames are bounded now (64 KiB): libzmq hangs up at the header, and
// the name server says who it was.
TEST_F(NameServerTest, AFrameDeclaredOverTheLimitCostsNoMemoryAndIsLogged) {
  auto a = NewClient("a");
  ASSERT_EQ(a->Ask(Register("alpha")), 1);
  long before = ResidentKiB(std::to_string(pid_));
  ASSERT_GT(before, 0);
  int fd = -1;
  long long sent = DeclareHugeFrame(port_, uint64_t{4} << 30, uint64_t{64} << 20, &fd);
  ASSERT_GE(sent, 0) << "could not connect";
  std::this_thread::sleep_for(milliseconds(300));
  long after = ResidentKiB(std::to_string(pid_));
  close(fd);
  std::cerr << "the peer sent " << (sent >> 20) << " MiB of its 4 GiB frame; the name server's VmRSS went from "
            << before << " to " << after << " KiB\n";
  EXPECT_LT(after - before, 8 * 1024) << "the name server kept what the frame brought";
  EXPECT_EQ(a->Ask(Req("NSGetAddress").T("alpha")), 1) << "it stopped serving";
  EXPECT_TRUE(Eventually([&] { return Log().find("declared a frame larger than the limit") != std::string::npos; },
                         milliseconds(3000)));
  EXPECT_NE(Log().find("from 127.0.0.1:"), std::string::npos) << "the log line names the peer";
}

// Item 6: the incarnation in a process's address is public.  A connection
// that announces it as its routing id must neither unlist nor take the name
// of the process (which registered through a NameClient, as every process
// does).
TEST_F(NameServerTest, AConnectionUnderThePublishedIncarnationCannotUnlistOrStealAName) {
  DomainConfig domain;
  domain.name_servers = {NameServerEndpoint{"127.0.0.1", port_}};
  std::string incarnation = "00c0ffee00c0ffee";
  NameClient victim(domain, incarnation);  // what the session passes: its incarnation
  victim.set_sender("victim");
  NameRecord record;
  record.name = "victim";
  record.address = "tcp://127.0.0.1:20000#" + incarnation;
  record.host = "hostV";
  record.pid = 777;
  ASSERT_TRUE(victim.Register(record, 3000).ok());
  EXPECT_NE(victim.routing_id(), incarnation);

  Client forger(port_, incarnation);  // read from NSGetNames
  Reply r;
  ASSERT_TRUE(forger.Call(Req("NSUnregister").T("victim"), &r));
  EXPECT_EQ(r.status, 0) << "the forger unlisted the victim";
  ASSERT_TRUE(forger.Call(Req("NSRegister").T("victim").T("tcp://127.0.0.1:20001#" + incarnation).T("forger").I(666),
                          &r));
  EXPECT_EQ(r.status, 0) << "the forger took the victim's name";
  // Nor can anyone register under a routing id that its address publishes.
  ASSERT_TRUE(forger.Call(Req("NSRegister").T("other").T("tcp://127.0.0.1:20001#" + incarnation).T("forger").I(666),
                          &r));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.reason.find("secret"), std::string::npos) << r.reason;

  auto b = NewClient("b");
  ASSERT_TRUE(b->Call(Req("NSGetAddress").T("victim"), &r));
  ASSERT_EQ(r.status, 1);
  EXPECT_EQ(r.Text(), record.address);
  EXPECT_EQ(r.Text(), "hostV");
  EXPECT_EQ(r.Int(), 777);
  EXPECT_TRUE(victim.Unregister("victim", 3000).ok()) << "the owner itself still can";
}

// Item 7: one connection may hold a bounded number of names.
TEST_F(NameServerTest, AConnectionHoldsAtMostSixteenNames) {
  auto a = NewClient("a");
  for (int i = 0; i < 16; ++i) ASSERT_EQ(a->Ask(Register("n" + std::to_string(i))), 1) << i;
  Reply r;
  ASSERT_TRUE(a->Call(Register("n16"), &r));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.reason.find("16 names"), std::string::npos) << r.reason;
  EXPECT_EQ(a->Ask(Register("n3", 4243, "hostB")), 1) << "a name it holds can still be registered again";
  ASSERT_EQ(a->Ask(Req("NSUnregister").T("n0")), 1);
  EXPECT_EQ(a->Ask(Register("n16")), 1) << "room again after an unregister";
  EXPECT_EQ(NewClient("b")->Ask(Register("other")), 1) << "other connections are not affected";
  EXPECT_TRUE(Eventually([&] { return Log().find("already holds 16 names") != std::string::npos; },
                         milliseconds(2000)));
}

// Item 9: a host (or address) with a newline wrote a forged line into the
// log; refused now like a bad name, and the text of other requests that
// reaches the log is escaped.
TEST_F(NameServerTest, ControlCharactersInAHostAreRefusedAndForgeNoLogLine) {
  auto a = NewClient("a");
  const std::string forged = "cm[CmNameServer 1] info: register: forged";
  Reply r;
  ASSERT_TRUE(a->Call(Register("alpha", 1, "hostA\n" + forged), &r));
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.reason.find("host"), std::string::npos) << r.reason;
  EXPECT_EQ(a->Ask(Register("alpha", 1, "host A")), 0);
  EXPECT_EQ(a->Ask(Register("alpha", 1, "")), 0);
  EXPECT_EQ(a->Ask(Req("NSRegister").T("alpha").T("tcp://h:1#i\n" + forged).T("h").I(1)), 0);
  EXPECT_EQ(a->Ask(Req("NSStop").T("Other\n" + forged)), 0);  // logged: it names another domain
  EXPECT_EQ(a->Ask(Register("alpha", 1, "hostA")), 1);
  EXPECT_TRUE(Eventually([&] { return Log().find("register: alpha") != std::string::npos; }, milliseconds(2000)));
  std::string log = Log();
  EXPECT_EQ(log.find("\n" + forged), std::string::npos) << log;
  EXPECT_NE(log.find("Other\\x0a"), std::string::npos) << "the refused domain is logged escaped:\n" << log;
}

// Item 15: several name servers are asked side by side.  With the first
// one dead (nothing listening) or silent (its SYNs dropped: a listener
// whose accept queue is full), a look-up, a listing and a registration take
// about as long as with the live one alone (they took half the time-out).
TEST_F(NameServerTest, ADeadOrSilentFirstNameServerCostsNothingNoticeable) {
  auto a = NewClient("a");
  ASSERT_EQ(a->Ask(Register("alpha", 111)), 1);
  int dead = FreePort();
  // Silent: a listening socket with a full accept queue drops further SYNs.
  int silent = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(silent, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ASSERT_EQ(getsockname(silent, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ASSERT_EQ(listen(silent, 0), 0);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    int f = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    (void)connect(f, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    fillers.push_back(f);
  }
  std::this_thread::sleep_for(milliseconds(50));
  int silent_port = ntohs(addr.sin_port);

  constexpr int kTimeoutMs = 2000;
  // Each case with a fresh client (no link up yet, as for the cm tool).
  auto time_lookup = [&](const std::vector<int>& ports, int* ms) {
    DomainConfig domain;
    for (int p : ports) domain.name_servers.push_back(NameServerEndpoint{"127.0.0.1", p});
    NameClient client(domain, "timed");
    NameRecord record;
    Clock::time_point start = Clock::now();
    Status s = client.Lookup("alpha", &record, kTimeoutMs);
    *ms = static_cast<int>(std::chrono::duration_cast<milliseconds>(Clock::now() - start).count());
    EXPECT_TRUE(s.ok()) << s.message();
    EXPECT_EQ(record.pid, 111);
    std::vector<NameRecord> records;
    EXPECT_TRUE(client.List(&records, kTimeoutMs).ok());
    EXPECT_EQ(records.size(), 1u);
  };
  int alone = 0, after_dead = 0, after_silent = 0;
  time_lookup({port_}, &alone);
  time_lookup({dead, port_}, &after_dead);
  time_lookup({silent_port, port_}, &after_silent);
  std::cerr << "look-up with the live name server alone: " << alone << " ms; after a dead one: " << after_dead
            << " ms; after a silent one: " << after_silent << " ms (asked in turn: about " << kTimeoutMs / 2
            << " ms)\n";
  EXPECT_LT(after_dead, alone + 300);
  EXPECT_LT(after_silent, alone + 300);

  // A registration too: the live one takes it at once.
  DomainConfig domain;
  domain.name_servers = {NameServerEndpoint{"127.0.0.1", dead}, NameServerEndpoint{"127.0.0.1", silent_port},
                         NameServerEndpoint{"127.0.0.1", port_}};
  NameClient client(domain, "registering");
  NameRecord record;
  record.name = "beta";
  record.address = AddressOf("beta");
  record.host = "hostB";
  record.pid = 222;
  Clock::time_point start = Clock::now();
  Status s = client.Register(record, kTimeoutMs);
  int register_ms = static_cast<int>(std::chrono::duration_cast<milliseconds>(Clock::now() - start).count());
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_LT(register_ms, alone + 300) << "registration with two of three name servers gone";
  EXPECT_EQ(a->Ask(Req("NSGetAddress").T("beta")), 1);
  for (int f : fillers) close(f);
  close(silent);
}

TEST(NameServerCli, HelpExitsZero) {
  std::string output;
  EXPECT_EQ(RunToExit({kServer, "--help"}, &output), 0);
  EXPECT_NE(output.find("--port"), std::string::npos) << output;
  EXPECT_NE(output.find("Examples"), std::string::npos) << output;
}

TEST(NameServerCli, ServesTheDomainItIsGiven) {
  int port = FreePort();
  std::string table = ::testing::TempDir() + "CmDomains-name-server-test";
  FILE* file = std::fopen(table.c_str(), "w");
  ASSERT_NE(file, nullptr);
  std::fprintf(file, "# test table\nTestDomain localhost %d 30001 10 /tmp/cm\n", port);
  std::fclose(file);
  pid_t pid = Spawn({kServer, "--domain", "TestDomain"}, -1, {"CMDOMAIN_DATABASE=" + table});
  ASSERT_GT(pid, 0);
  {
    Client client(port, "a");
    Reply r;
    EXPECT_TRUE(client.Call(Req("NSGetVersion"), &r, 5000)) << "not serving on the table's port " << port;
    EXPECT_EQ(client.Ask(Req("NSStop").T("TestDomain")), 1);
  }
  int status = 0;
  EXPECT_TRUE(WaitExit(pid, milliseconds(3000), &status));
  std::remove(table.c_str());

  std::string output;
  EXPECT_EQ(RunToExit({kServer, "--domain", "NoSuchDomain"}, &output, {"CMDOMAIN_DATABASE=" + table}), 1);
  EXPECT_NE(output.find("NoSuchDomain"), std::string::npos) << output;
}

TEST(NameServerCli, BadOptionsExitNonZero) {
  std::string output;
  EXPECT_NE(RunToExit({kServer, "--no-such-option"}, &output), 0);
  EXPECT_NE(output.find("no-such-option"), std::string::npos) << output;
  EXPECT_NE(RunToExit({kServer, "--port", "abc"}, &output), 0);
  EXPECT_NE(RunToExit({kServer, "--port", "70000"}, &output), 0);
  EXPECT_NE(RunToExit({kServer, "--log-level", "loud"}, &output), 0);
}

}  // namespace
}  // namespace cm
