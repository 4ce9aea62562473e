// Domain resolution: where the CmDomains table is looked for, what a line
// gives, CM_NAMESERVER, the built-in default, and clear errors.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "naming/domain.h"
#include "transport/address.h"

namespace cm {
namespace {

class DomainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v : {"CMDOMAIN", "CMDOMAIN_DATABASE", "CMMGR", "CMROOT", "CM_NAMESERVER"}) unsetenv(v);
    dir_ = "/tmp/cm-domain-test-" + std::to_string(getpid());
    std::string cmd = "mkdir -p " + dir_ + "/mgr";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
  void TearDown() override {
    std::string cmd = "rm -rf " + dir_;
    (void)std::system(cmd.c_str());
  }
  void Write(const std::string& path, const std::string& text) { std::ofstream(path) << text; }
  std::string dir_;
};

TEST_F(DomainTest, WithNothingSetTheDefaultDomainIsLocalhost19000) {
  DomainConfig d;
  ASSERT_TRUE(LoadDomain("", &d).ok());
  EXPECT_EQ(d.name, "default");
  ASSERT_EQ(d.name_servers.size(), 1u);
  EXPECT_EQ(d.name_servers[0].ToString(), "tcp://localhost:19000");
  EXPECT_EQ(d.first_port, 0);
}

TEST_F(DomainTest, AnUnknownDomainWithoutATableSaysWhereItLooked) {
  setenv("CMDOMAIN", "Virgo", 1);
  DomainConfig d;
  Status s = LoadDomain("", &d);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("Virgo"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("CmDomains"), std::string::npos) << s.message();
}

TEST_F(DomainTest, TheTableIsFoundThroughEachVariableInOrder) {
  Write(dir_ + "/db", "Conda hostA 19000 19001 899 /tmp/cm\n");
  Write(dir_ + "/CmDomains", "Conda hostB 19100 19101 10 /tmp/b\n");
  Write(dir_ + "/mgr/CmDomains", "Conda hostC 19200 19201 10 /tmp/c\n");
  setenv("CMDOMAIN", "Conda", 1);
  DomainConfig d;
  setenv("CMROOT", dir_.c_str(), 1);
  ASSERT_TRUE(LoadDomain("", &d).ok());
  EXPECT_EQ(d.name_servers[0].host, "hostC");
  setenv("CMMGR", dir_.c_str(), 1);
  ASSERT_TRUE(LoadDomain("", &d).ok());
  EXPECT_EQ(d.name_servers[0].host, "hostB");
  setenv("CMDOMAIN_DATABASE", (dir_ + "/db").c_str(), 1);
  ASSERT_TRUE(LoadDomain("", &d).ok());
  EXPECT_EQ(d.name_servers[0].host, "hostA");
  EXPECT_EQ(d.name_servers[0].port, 19000);
  EXPECT_EQ(d.first_port, 19001);
  EXPECT_EQ(d.port_count, 899);
  EXPECT_EQ(d.repository, "/tmp/cm");
}

TEST_F(DomainTest, CommentsSeveralLinesAndTheOverride) {
  Write(dir_ + "/db",
        "# domain host port first range repository\n"
        "Other x 1 2 3 /o\n"
        "Conda h1 19000 19001 899 /tmp/cm  # first name server\n"
        "Conda h2 19000 19001 899 /tmp/cm\n");
  setenv("CMDOMAIN_DATABASE", (dir_ + "/db").c_str(), 1);
  DomainConfig d;
  ASSERT_TRUE(LoadDomain("Conda", &d).ok());
  ASSERT_EQ(d.name_servers.size(), 2u);
  EXPECT_EQ(d.name_servers[1].host, "h2");
  setenv("CM_NAMESERVER", "tcp://n1:1,n2:2", 1);
  ASSERT_TRUE(LoadDomain("Conda", &d).ok());
  ASSERT_EQ(d.name_servers.size(), 2u);
  EXPECT_EQ(d.name_servers[0].ToString(), "tcp://n1:1");
  EXPECT_EQ(d.name_servers[1].ToString(), "tcp://n2:2");
  EXPECT_EQ(d.first_port, 19001);  // ports still from the table
}

TEST_F(DomainTest, BadLinesAndBadOverridesAreErrorsWithTheirPlace) {
  Write(dir_ + "/db", "Conda h1 notaport\n");
  setenv("CMDOMAIN_DATABASE", (dir_ + "/db").c_str(), 1);
  DomainConfig d;
  Status s = LoadDomain("Conda", &d);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find(":1"), std::string::npos) << s.message();
  unsetenv("CMDOMAIN_DATABASE");
  setenv("CM_NAMESERVER", "tcp://nohostport", 1);
  EXPECT_FALSE(LoadDomain("", &d).ok());
}

// The address a process advertises: where peers will connect to it.
TEST(AdvertisedHost, CmHostWinsThenLoopbackForALocalNameServer) {
  setenv("CM_HOST", "daq-17.example.org", 1);
  EXPECT_EQ(AdvertisedHost("10.1.2.3"), "daq-17.example.org");
  unsetenv("CM_HOST");
  EXPECT_EQ(AdvertisedHost("localhost"), "127.0.0.1");
  EXPECT_EQ(AdvertisedHost("127.0.0.5"), "127.0.0.1");
  EXPECT_EQ(AdvertisedHost("no-such-host.invalid"), "127.0.0.1");  // nothing better to say
}

// Toward a remote name server: the local address that routes there (this
// machine's own, so binding to it works), or loopback without a route.
TEST(AdvertisedHost, TowardARemoteNameServerItIsOneOfOurAddresses) {
  unsetenv("CM_HOST");
  std::string host = AdvertisedHost("192.0.2.1");  // TEST-NET-1: never answers, may be routed
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  ASSERT_EQ(inet_pton(AF_INET, host.c_str(), &addr.sin_addr), 1) << host;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << host << " is not an address of this host";
  close(fd);
}

// Issue 21, item 11: a host whose name resolves to 127.0.1.1 (Debian's
// default) registered 127.0.0.1 when the name server was named by it, and
// other hosts, asking that same name server, could not reach it.
TEST(AdvertisedHost, ANameServerNamedByAHostNameThatIsLoopbackHereStillGetsAReachableAddress) {
  HostFacts facts;
  facts.name_server_host = "ctrl1";
  facts.name_server_on_loopback = true;  // /etc/hosts: 127.0.1.1 ctrl1
  facts.default_route_source = "10.0.0.5";
  facts.interface_addresses = {"192.168.7.2", "10.0.0.5"};
  EXPECT_EQ(ChooseAdvertisedHost(facts), "10.0.0.5") << "the default route's address";
  facts.default_route_source = "";
  EXPECT_EQ(ChooseAdvertisedHost(facts), "192.168.7.2") << "else the first interface's";
  facts.interface_addresses.clear();
  EXPECT_EQ(ChooseAdvertisedHost(facts), "127.0.0.1") << "no other interface: nobody else can ask";
  facts.cm_host = "ctrl1.example.org";
  EXPECT_EQ(ChooseAdvertisedHost(facts), "ctrl1.example.org") << "CM_HOST wins";

  HostFacts local;  // spelled as loopback: only this host can be pointed at it
  local.name_server_host = "localhost";
  local.default_route_source = "10.0.0.5";
  local.interface_addresses = {"10.0.0.5"};
  EXPECT_EQ(ChooseAdvertisedHost(local), "127.0.0.1");
  local.name_server_host = "127.0.0.1";
  EXPECT_EQ(ChooseAdvertisedHost(local), "127.0.0.1");

  HostFacts remote;
  remote.name_server_host = "ctrl2";
  remote.route_source = "10.0.0.5";
  EXPECT_EQ(ChooseAdvertisedHost(remote), "10.0.0.5");
}

// The same on this machine, when its own name resolves to loopback and it
// has another interface.
TEST(AdvertisedHost, ThisHostsOwnNameResolvingToLoopbackGivesANonLoopbackAddress) {
  unsetenv("CM_HOST");
  std::string self = LocalHostName();
  addrinfo hints{};
  hints.ai_family = AF_INET;
  addrinfo* result = nullptr;
  if (getaddrinfo(self.c_str(), nullptr, &hints, &result) != 0) GTEST_SKIP() << self << " does not resolve here";
  bool loopback = (ntohl(reinterpret_cast<sockaddr_in*>(result->ai_addr)->sin_addr.s_addr) >> 24) == 127;
  freeaddrinfo(result);
  if (!loopback) GTEST_SKIP() << self << " does not resolve to loopback here: nothing to check";
  bool other = false;
  ifaddrs* list = nullptr;
  ASSERT_EQ(getifaddrs(&list), 0);
  for (ifaddrs* i = list; i != nullptr; i = i->ifa_next)
    if (i->ifa_addr != nullptr && i->ifa_addr->sa_family == AF_INET && (i->ifa_flags & IFF_UP) &&
        !(i->ifa_flags & IFF_LOOPBACK))
      other = true;
  freeifaddrs(list);
  if (!other) GTEST_SKIP() << "no interface but loopback here";
  std::string host = AdvertisedHost(self);
  EXPECT_NE(host.rfind("127.", 0), 0u) << self << " gave " << host;
}

}  // namespace
}  // namespace cm
