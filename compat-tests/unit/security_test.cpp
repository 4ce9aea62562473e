// The domain secret, end to end: a real CmNameServer and a real process hold
// the domain's key file; this test process plays both a member and an
// outsider (no key, or a key of its own that knows the domain's public key)
// and checks that an outsider can neither register, nor look up, nor send,
// nor kill, while members go on as usual.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "children.h"
#include "free_port.h"
#include "naming/domain.h"
#include "naming/name_client.h"
#include "session/session.h"
#include "transport/context.h"
#include "transport/request_channel.h"
#include "transport/zmq_frame.h"

namespace cm {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

std::string WriteFile(const std::string& path, const std::string& text, mode_t mode) {
  FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return "";
  std::fputs(text.c_str(), f);
  std::fclose(f);
  chmod(path.c_str(), mode);
  return path;
}

std::string NewKeyFile(const std::string& path) {
  std::string secret;
  if (!NewSecretZ85(&secret).ok()) return "";
  return WriteFile(path, "# test domain secret\nsecret-key = " + secret + "\n", 0600);
}

// Runs `program args` with `env` added (or, with a leading '-', removed).
pid_t Spawn(const std::vector<std::string>& args, const std::vector<std::string>& env = {}) {
  pid_t pid = fork();
  if (pid == 0) {
    for (const std::string& e : env) {
      if (e[0] == '-') {
        unsetenv(e.c_str() + 1);
      } else {
        putenv(const_cast<char*>(e.c_str()));
      }
    }
    std::vector<char*> argv;
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return pid;
}

TEST(SecretFile, IsReadOnlyWhenPrivateAndWellFormed) {
  std::string dir = ::testing::TempDir();
  Security security;
  EXPECT_TRUE(LoadSecret(dir + "no-such-key-file", &security).IsNotFound());

  std::string good = NewKeyFile(dir + "good.key");
  ASSERT_FALSE(good.empty());
  ASSERT_TRUE(LoadSecret(good, &security).ok());
  EXPECT_TRUE(security.enabled());
  EXPECT_EQ(security.public_key.size(), 32u);
  EXPECT_EQ(security.secret_key.size(), 32u);

  chmod(good.c_str(), 0644);
  Status s = LoadSecret(good, &security);
  EXPECT_EQ(s.code(), Status::Code::kRefused);
  EXPECT_NE(s.message().find("chmod 600"), std::string::npos) << s.message();

  // '#' is a Z85 digit, not a comment, inside a key.
  std::string hashed = WriteFile(dir + "hashed.key", "# comment\nsecret-key = ^w/x}t&d8V0d<D1ul5TYGBi(my{U>1g$sQRVQ6}#\n",
                                 0600);
  EXPECT_TRUE(LoadSecret(hashed, &security).ok());

  std::string bad = WriteFile(dir + "bad.key", "secret-key = too-short\n", 0600);
  s = LoadSecret(bad, &security);
  EXPECT_EQ(s.code(), Status::Code::kInvalid);
  EXPECT_NE(s.message().find("40 characters"), std::string::npos) << s.message();
  std::string empty = WriteFile(dir + "empty.key", "# nothing\n", 0600);
  EXPECT_EQ(LoadSecret(empty, &security).code(), Status::Code::kInvalid);
}

TEST(SecretFile, ComesFromTheRepositoryDirectoryOrCmSecret) {
  std::string dir = ::testing::TempDir() + "cm-repository-" + std::to_string(getpid());
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  std::string table = WriteFile(dir + "/CmDomains", "Secure localhost 19999 0 0 " + dir + "\nOpen localhost 19998 0 0 " +
                                                       dir + "\n", 0644);
  setenv("CMDOMAIN_DATABASE", table.c_str(), 1);
  unsetenv("CM_NAMESERVER");
  unsetenv("CM_SECRET");
  ASSERT_FALSE(NewKeyFile(dir + "/Secure.key").empty());
  DomainConfig domain;
  ASSERT_TRUE(LoadDomain("Secure", &domain).ok());
  EXPECT_TRUE(domain.security.enabled());
  EXPECT_EQ(domain.security.source, dir + "/Secure.key");
  ASSERT_TRUE(LoadDomain("Open", &domain).ok());
  EXPECT_FALSE(domain.security.enabled()) << "no key file: no secret";

  // An explicit CM_SECRET must exist: no silent fallback to an open domain.
  setenv("CM_SECRET", (dir + "/missing.key").c_str(), 1);
  Status s = LoadDomain("Open", &domain);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("missing.key"), std::string::npos) << s.message();
  unsetenv("CM_SECRET");
  unsetenv("CMDOMAIN_DATABASE");
}

// A domain with a secret: its name server and one member ("echo", the
// session tests' echo child) hold the key; so does this process, as long as
// CM_SECRET is set.
class SecureDomainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    key_file_ = NewKeyFile(::testing::TempDir() + "secure-domain-" + std::to_string(getpid()) + ".key");
    ASSERT_FALSE(key_file_.empty());
    port_ = FreePort();
    endpoint_ = "tcp://127.0.0.1:" + std::to_string(port_);
    setenv("CM_NAMESERVER", endpoint_.c_str(), 1);
    setenv("CM_SECRET", key_file_.c_str(), 1);
    ASSERT_TRUE(LoadDomain("", &domain_).ok());
    ASSERT_TRUE(domain_.security.enabled());
    ns_ = Spawn({CM_BIN_DIR "/CmNameServer", "--port", std::to_string(port_), "--log-level", "warn"});
    echo_ = Spawn({CM_BIN_DIR "/session_echo_child", "echo"});
    ASSERT_TRUE(Registered("echo", milliseconds(5000)));
  }
  void TearDown() override {
    Stop(echo_);
    Stop(ns_);
    std::remove(key_file_.c_str());
  }

  bool Registered(const std::string& name, milliseconds patience) {
    NameClient client(domain_, "probe-" + std::to_string(getpid()));
    Clock::time_point deadline = Clock::now() + patience;
    do {
      NameRecord record;
      if (client.Lookup(name, &record, 500).ok()) return true;
      std::this_thread::sleep_for(milliseconds(50));
    } while (Clock::now() < deadline);
    return false;
  }

  std::string EchoEndpoint() {
    NameClient client(domain_, "probe-" + std::to_string(getpid()));
    NameRecord record;
    Address address;
    if (!client.Lookup("echo", &record, 2000).ok() || !Address::Parse(record.address, &address)) return "";
    return address.endpoint;
  }

  // `count` messages of `type` straight at the echo process's listener over
  // a socket set up by `secure` (nothing: an outsider without a key).
  void SendRaw(const std::string& endpoint, const char* type, int count,
               const std::function<void(zmq::socket_t&)>& secure) {
    zmq::socket_t raw(ZmqContext(), zmq::socket_type::dealer);
    raw.set(zmq::sockopt::linger, 1000);
    secure(raw);
    raw.connect(endpoint);
    Message message;
    message.SetType(type);
    message.PutText(domain_.name.c_str());  // a cm:kill names the domain
    Envelope envelope;
    envelope.sender = "intruder";
    for (int i = 1; i <= count; ++i) {
      envelope.seq = static_cast<uint64_t>(i);
      zmq::message_t frame = EncodeFrame(envelope, message);
      // Queued until the handshake is done, which it never is for an outsider.
      raw.send(frame, zmq::send_flags::dontwait);
    }
    std::this_thread::sleep_for(milliseconds(500));
  }

  // How many "Data" messages the echo process has handled (asked as a member).
  long EchoDataCount() {
    Session& s = Session::Instance();
    long count = -1;
    s.handlers().Install("Counted", [&count](Message& m, const char*) {
      count = m.GetLong();
      return true;
    });
    Message ask;
    ask.SetType("Count");
    if (!s.Send(ask, "echo")) return -2;
    s.Wait(3.0);
    return count;
  }

  std::string key_file_, endpoint_;
  int port_ = 0;
  DomainConfig domain_;
  pid_t ns_ = -1, echo_ = -1;
};

// An outsider that knows the domain's public key but not its secret key.
void OutsiderWithOwnKey(const Security& domain, zmq::socket_t& socket) {
  std::string secret_z85;
  ASSERT_TRUE(NewSecretZ85(&secret_z85).ok());
  Security own;
  ASSERT_TRUE(SecurityFromZ85(secret_z85, "own", &own).ok());
  socket.set(zmq::sockopt::curve_serverkey, domain.public_key);
  socket.set(zmq::sockopt::curve_publickey, own.public_key);
  socket.set(zmq::sockopt::curve_secretkey, own.secret_key);
}

TEST_F(SecureDomainTest, OnlyMembersReachTheNameServer) {
  Message request;
  request.SetType("NSGetVersion");
  auto answers = [&](const Security& security) {
    RequestChannel channel(endpoint_, "asker", security);
    Envelope envelope;
    envelope.sender = "asker";
    envelope.seq = 1;
    zmq::message_t frame = EncodeFrame(envelope, request);
    zmq::message_t reply;
    return channel.Send(frame, 2000) && channel.Receive(&reply, 2000);
  };
  EXPECT_FALSE(answers(Security())) << "an outsider without a key was answered";
  EXPECT_TRUE(answers(domain_.security)) << "a member was not answered";
}

TEST_F(SecureDomainTest, AKeyOfItsOwnIsNotEnough) {
  zmq::socket_t outsider(ZmqContext(), zmq::socket_type::dealer);
  outsider.set(zmq::sockopt::linger, 0);
  outsider.set(zmq::sockopt::immediate, 1);
  OutsiderWithOwnKey(domain_.security, outsider);
  outsider.connect(endpoint_);
  zmq_pollitem_t item{outsider.handle(), 0, ZMQ_POLLOUT, 0};
  EXPECT_EQ(zmq_poll(&item, 1, 2000), 0) << "the name server completed a handshake with a stranger's key";
}

TEST_F(SecureDomainTest, AProcessWithoutTheKeyCannotRegister) {
  pid_t stranger = Spawn({CM_BIN_DIR "/session_echo_child", "stranger"}, {"-CM_SECRET"});
  int status = 0;
  ASSERT_TRUE(WaitExit(stranger, milliseconds(30000), &status)) << "still trying after 30 s";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 3) << "Open should have failed: " << status;
  EXPECT_FALSE(Registered("stranger", milliseconds(200)));
}

TEST_F(SecureDomainTest, OutsidersCannotSendOrKillMembersDo) {
  std::string echo = EchoEndpoint();
  ASSERT_FALSE(echo.empty());
  SendRaw(echo, "Data", 5, [](zmq::socket_t&) {});
  SendRaw(echo, "Data", 5, [this](zmq::socket_t& s) { OutsiderWithOwnKey(domain_.security, s); });
  EXPECT_EQ(EchoDataCount(), 0) << "an outsider's message was delivered";
  // The same raw messages with the domain's key arrive: the test can fail.
  SendRaw(echo, "Data", 5, [this](zmq::socket_t& s) { ApplyClientSecurity(domain_.security, s); });
  EXPECT_EQ(EchoDataCount(), 5);
  // A request from a sender that gave no address and is not registered is
  // not answered, and does not end the process (it once did).
  SendRaw(echo, "cm:ping", 1, [this](zmq::socket_t& s) { ApplyClientSecurity(domain_.security, s); });
  EXPECT_EQ(EchoDataCount(), 5);

  SendRaw(echo, "cm:kill", 1, [](zmq::socket_t&) {});
  int status = 0;
  EXPECT_FALSE(WaitExit(echo_, milliseconds(500), &status)) << "an outsider's cm:kill was obeyed";
  SendRaw(echo, "cm:kill", 1, [this](zmq::socket_t& s) { ApplyClientSecurity(domain_.security, s); });
  EXPECT_TRUE(WaitExit(echo_, milliseconds(3000), &status)) << "a member's cm:kill was not obeyed";
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "not a clean exit: " << status;
  echo_ = -1;
}

// Issue 21, item 10: another user could prepare /tmp/cm; `cm secret` wrote
// the key there, that user removed it, and the domain silently started
// open.  A key is written and read only in a directory of the user's (or
// root's) that nobody else can write to, unless it is sticky like /tmp.
TEST(KeyDirectory, AnotherUsersOrAWritableDirectoryIsRefused) {
  std::string dir = ::testing::TempDir() + "cm-key-dir-" + std::to_string(getpid());
  ASSERT_EQ(mkdir(dir.c_str(), 0700), 0);
  EXPECT_TRUE(CheckKeyDirectory(dir).ok());
  chmod(dir.c_str(), 0777);
  Status s = CheckKeyDirectory(dir);
  EXPECT_EQ(s.code(), Status::Code::kRefused);
  EXPECT_NE(s.message().find(dir), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("anyone"), std::string::npos) << s.message();
  chmod(dir.c_str(), 0770);
  EXPECT_NE(CheckKeyDirectory(dir).message().find("its group"), std::string::npos);
  chmod(dir.c_str(), 01777);
  EXPECT_TRUE(CheckKeyDirectory(dir).ok()) << "sticky, as /tmp: others cannot remove our files";
  chmod(dir.c_str(), 0700);

  // A process reading a key from a writable directory refuses it.
  std::string table = WriteFile(dir + "/CmDomains", "Keyed localhost 19997 0 0 " + dir + "\n", 0600);
  ASSERT_FALSE(NewKeyFile(dir + "/Keyed.key").empty());
  setenv("CMDOMAIN_DATABASE", table.c_str(), 1);
  unsetenv("CM_NAMESERVER");
  unsetenv("CM_SECRET");
  DomainConfig domain;
  EXPECT_TRUE(LoadDomain("Keyed", &domain).ok());
  chmod(dir.c_str(), 0777);
  s = LoadDomain("Keyed", &domain);
  EXPECT_FALSE(s.ok()) << "a key read from a directory anyone can change";
  EXPECT_NE(s.message().find(dir), std::string::npos) << s.message();
  chmod(dir.c_str(), 0700);

  if (geteuid() == 0) {  // root can give it away
    ASSERT_EQ(chown(dir.c_str(), 12345, 12345), 0);
    s = LoadDomain("Keyed", &domain);
    EXPECT_EQ(s.code(), Status::Code::kRefused) << s.message();
    EXPECT_NE(s.message().find("another user"), std::string::npos) << s.message();
    ASSERT_EQ(chown(dir.c_str(), 0, 0), 0);
  }
  unsetenv("CMDOMAIN_DATABASE");
  std::string cmd = "rm -rf " + dir;
  (void)std::system(cmd.c_str());
}

// Items 10 and 14: `cm secret` on a fresh machine creates the directory
// (mode 700) instead of failing, and refuses one that others can write to.
TEST(KeyDirectory, CmSecretCreatesTheRepositoryOrRefusesAnUnsafeOne) {
  std::string base = ::testing::TempDir() + "cm-secret-" + std::to_string(getpid());
  ASSERT_EQ(mkdir(base.c_str(), 0700), 0);
  std::string repository = base + "/repository";
  std::string table = WriteFile(base + "/CmDomains", "Fresh localhost 19996 0 0 " + repository + "\n", 0600);
  auto run = [&](std::string* output) {
    std::string cmd = "CMDOMAIN_DATABASE=" + table + " CM_SECRET= CM_NAMESERVER= " CM_BIN_DIR
                      "/cm secret --domain Fresh 2>&1";
    FILE* pipe = popen(cmd.c_str(), "r");
    char buffer[512];
    output->clear();
    while (pipe != nullptr && std::fgets(buffer, sizeof buffer, pipe) != nullptr) *output += buffer;
    return pipe == nullptr ? -1 : WEXITSTATUS(pclose(pipe));
  };
  std::string output;
  EXPECT_EQ(run(&output), 0) << output;
  struct stat info;
  ASSERT_EQ(stat(repository.c_str(), &info), 0) << "the repository was not created: " << output;
  EXPECT_EQ(info.st_mode & 07777, 0700u);
  EXPECT_EQ(stat((repository + "/Fresh.key").c_str(), &info), 0) << output;

  std::string cmd = "rm -rf " + repository;
  (void)std::system(cmd.c_str());
  ASSERT_EQ(mkdir(repository.c_str(), 0700), 0);
  chmod(repository.c_str(), 0777);  // prepared by someone else
  EXPECT_NE(run(&output), 0) << output;
  EXPECT_NE(output.find(repository), std::string::npos) << output;
  EXPECT_NE(stat((repository + "/Fresh.key").c_str(), &info), 0) << "written into a directory anyone can change";
  cmd = "rm -rf " + base;
  (void)std::system(cmd.c_str());
}

// Item 16: a handshake the name server refuses is in its log, with the
// peer's address: a process without the domain's secret (NULL mechanism)
// and one with a CURVE key of the wrong domain.
TEST(NameServerHandshakes, ARefusedHandshakeIsLoggedWithThePeersAddress) {
  std::string key_file = NewKeyFile(::testing::TempDir() + "handshake-log-" + std::to_string(getpid()) + ".key");
  ASSERT_FALSE(key_file.empty());
  std::string log = ::testing::TempDir() + "handshake-log-" + std::to_string(getpid()) + ".log";
  int port = FreePort();
  pid_t ns = fork();
  if (ns == 0) {
    int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, 2);
    setenv("CM_SECRET", key_file.c_str(), 1);
    execl(CM_BIN_DIR "/CmNameServer", "CmNameServer", "--port", std::to_string(port).c_str(), nullptr);
    _exit(127);
  }
  auto read_log = [&] {
    std::ifstream file(log);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  };
  auto logged = [&](const std::string& what) {
    for (int i = 0; i < 300; ++i) {
      if (read_log().find(what) != std::string::npos) return true;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return false;
  };
  ASSERT_TRUE(logged("members only"));
  std::string endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  {
    RequestChannel outsider(endpoint, "outsider", Security());  // no secret at all
    zmq::message_t frame("x", 1);
    EXPECT_FALSE(outsider.Send(frame, 500));
    EXPECT_TRUE(logged("refused a handshake from 127.0.0.1:")) << read_log();
  }
  {
    std::string other_z85;
    ASSERT_TRUE(NewSecretZ85(&other_z85).ok());
    Security other;
    ASSERT_TRUE(SecurityFromZ85(other_z85, "other", &other).ok());
    RequestChannel stranger(endpoint, "stranger", other);  // another domain's key pair
    zmq::message_t frame("x", 1);
    EXPECT_FALSE(stranger.Send(frame, 500));
    EXPECT_TRUE(logged("2 in all")) << "the second refusal was not logged:\n" << read_log();
  }
  Stop(ns);
  std::remove(log.c_str());
  std::remove(key_file.c_str());
}

}  // namespace
}  // namespace cm
