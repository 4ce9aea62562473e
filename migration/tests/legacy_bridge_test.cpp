// LegacyBridge against real processes: a legacy domain (its own CmNameServer
// on a free port), legacy C programs linked against the stand-in libcm.so,
// and this test driving the bridge as a relinked process R would.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>

#include "legacy_bridge.h"
#include "processes.h"
#include "items.h"

namespace cm {
namespace {

using std::chrono::milliseconds;
using test::Process;

// R's side of items.h: the same table, through cm::Message.
void PutItems(Message* m) {
  for (char v : kItemChars) m->PutChar(v);
  for (short v : kItemShorts) m->PutShort(v);
  for (int v : kItemInts) m->PutInt(v);
  for (long v : kItemLongs) m->PutLong(v);
  for (float v : kItemFloats) m->PutFloat(v);
  for (double v : kItemDoubles) m->PutDouble(v);
  for (const char* v : kItemTexts) m->PutText(v);
  m->PutBytes(kItemBytes, sizeof kItemBytes);
  m->PutBytes(kItemBytes, 0);
  m->PutArray(ArrayKind::kChar, kItemChars, ITEMS_COUNT(kItemChars), false);
  m->PutArray(ArrayKind::kShort, kItemShorts, ITEMS_COUNT(kItemShorts), false);
  m->PutArray(ArrayKind::kInt, kItemInts, ITEMS_COUNT(kItemInts), false);
  m->PutArray(ArrayKind::kLong, kItemLongs, ITEMS_COUNT(kItemLongs), false);
  m->PutArray(ArrayKind::kFloat, kItemFloats, ITEMS_COUNT(kItemFloats), false);
  m->PutArray(ArrayKind::kDouble, kItemDoubles, ITEMS_COUNT(kItemDoubles), false);
  m->PutArray(ArrayKind::kInt, kItemInts, 0, false);
}

template <typename T, size_t N, typename Get>
void ExpectScalars(Message* m, ItemKind kind, const T (&table)[N], Get get, const char* label) {
  for (size_t i = 0; i < N; ++i) {
    ASSERT_EQ(m->PeekKind(), kind) << label << " #" << i;
    T v = get();
    EXPECT_EQ(std::memcmp(&v, &table[i], sizeof v), 0) << label << " #" << i << ": " << +v << " != " << +table[i];
  }
}

template <typename T, size_t N>
void ExpectArray(Message* m, ArrayKind kind, const T (&table)[N], size_t count) {
  ASSERT_EQ(m->PeekKind(), ItemKind::kArray);
  ArrayKind got_kind;
  size_t got_count = 99;
  const void* data = m->GetArray(&got_kind, &got_count);
  EXPECT_EQ(got_kind, kind);
  ASSERT_EQ(got_count, count);
  if (count > 0) {
    EXPECT_EQ(std::memcmp(data, table, count * sizeof(T)), 0) << ArrayKindName(kind);
  }
}

void ExpectItems(Message* m) {
  m->Rewind();
  ExpectScalars(m, ItemKind::kChar, kItemChars, [&] { return m->GetChar(); }, "char");
  ExpectScalars(m, ItemKind::kShort, kItemShorts, [&] { return m->GetShort(); }, "short");
  ExpectScalars(m, ItemKind::kInt, kItemInts, [&] { return m->GetInt(); }, "int");
  ExpectScalars(m, ItemKind::kLong, kItemLongs, [&] { return m->GetLong(); }, "long");
  ExpectScalars(m, ItemKind::kFloat, kItemFloats, [&] { return m->GetFloat(); }, "float");
  ExpectScalars(m, ItemKind::kDouble, kItemDoubles, [&] { return m->GetDouble(); }, "double");
  for (const char* want : kItemTexts) {
    ASSERT_EQ(m->PeekKind(), ItemKind::kText);
    const char* got = m->GetText();
    if (want == nullptr)
      EXPECT_EQ(got, nullptr) << "a NULL text must stay NULL";
    else
      EXPECT_STREQ(got, want);
  }
  size_t size = 99;
  ASSERT_EQ(m->PeekKind(), ItemKind::kBytes);
  const char* bytes = m->GetBytes(&size);
  ASSERT_EQ(size, sizeof kItemBytes);
  EXPECT_EQ(std::memcmp(bytes, kItemBytes, size), 0);
  ASSERT_EQ(m->PeekKind(), ItemKind::kBytes);
  bytes = m->GetBytes(&size);
  EXPECT_NE(bytes, nullptr);
  EXPECT_EQ(size, 0u);
  ExpectArray(m, ArrayKind::kChar, kItemChars, ITEMS_COUNT(kItemChars));
  ExpectArray(m, ArrayKind::kShort, kItemShorts, ITEMS_COUNT(kItemShorts));
  ExpectArray(m, ArrayKind::kInt, kItemInts, ITEMS_COUNT(kItemInts));
  ExpectArray(m, ArrayKind::kLong, kItemLongs, ITEMS_COUNT(kItemLongs));
  ExpectArray(m, ArrayKind::kFloat, kItemFloats, ITEMS_COUNT(kItemFloats));
  ExpectArray(m, ArrayKind::kDouble, kItemDoubles, ITEMS_COUNT(kItemDoubles));
  ExpectArray(m, ArrayKind::kInt, kItemInts, 0);
  EXPECT_EQ(m->PeekKind(), ItemKind::kTail);
}

class LegacyBridgeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A site's settings must not leak into the test.
    for (const char* v : {"CMDOMAIN", "CMDOMAIN_DATABASE", "CMMGR", "CMROOT", "CM_NAMESERVER", "CM_SECRET",
                          "CM_LEGACY_LIBRARY", "CM_LEGACY_DOMAIN", "CM_LEGACY_DOMAINS_FILE", "CM_LEGACY_NAMESERVER",
                          "CM_LEGACY_COMPANION", "CM_LEGACY_SLICE_MS"})
      unsetenv(v);
    ASSERT_TRUE(test::StartNameServer(&legacy_ns_, &legacy_port_)) << "the legacy name server did not start";
    legacy_endpoint_ = "tcp://127.0.0.1:" + std::to_string(legacy_port_);
    config_.enabled = true;
    config_.library = CM_STANDIN_LIBRARY;
    config_.nameserver = legacy_endpoint_;
    config_.companion = CM_COMPANION;
  }

  // What a legacy program of this domain gets in its environment.
  std::vector<std::string> LegacyEnv() const { return {"CM_NAMESERVER=" + legacy_endpoint_}; }

  bool StartLegacy(Process* p, std::vector<std::string> args) {
    args.insert(args.begin(), CM_LEGACY_PEER);
    return p->Start(args, LegacyEnv());
  }

  void StartBridge() {
    Status s = LegacyBridge::Start(config_, &bridge_);
    ASSERT_TRUE(s.ok()) << s.message();
  }

  // The next event of `kind` (others are skipped, and counted in `skipped`).
  bool WaitEvent(BridgeEventKind kind, BridgeEvent* out, milliseconds timeout, const std::string& from = "") {
    auto deadline = test::Clock::now() + timeout;
    while (test::Clock::now() < deadline) {
      BridgeEvent e;
      while (bridge_->Next(&e)) {
        if (e.kind == kind && (from.empty() || e.name == from)) return *out = std::move(e), true;
        ++skipped_;
      }
      zmq_pollitem_t item = bridge_->pollitem();
      zmq_poll(&item, 1, 20);
    }
    return false;
  }

  Process legacy_ns_;
  int legacy_port_ = 0;
  std::string legacy_endpoint_;
  BridgeConfig config_;
  std::unique_ptr<LegacyBridge> bridge_;
  int skipped_ = 0;
};

TEST_F(LegacyBridgeTest, EveryItemCrossesExactlyBothWays) {
  StartBridge();
  ASSERT_TRUE(bridge_->Open("R").ok());
  Process l;
  ASSERT_TRUE(StartLegacy(&l, {"items", "L", "R"}));
  BridgeEvent e;
  ASSERT_TRUE(WaitEvent(BridgeEventKind::kDeliver, &e, milliseconds(15000))) << l.Output();
  EXPECT_EQ(e.name, "L");
  EXPECT_STREQ(e.message->type(), "Items");
  ExpectItems(e.message.get());

  Message reply;
  reply.SetType("Items");
  PutItems(&reply);
  EXPECT_EQ(bridge_->Send(reply, "L", 5000), 1);
  int status = l.WaitExit(milliseconds(15000));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << l.Output();
  EXPECT_NE(l.Output().find("ITEMS from R: exact"), std::string::npos) << l.Output();
}

TEST_F(LegacyBridgeTest, OrderOfAThousandMessagesIsKeptEachWay) {
  constexpr int kCount = 1000;
  StartBridge();
  ASSERT_TRUE(bridge_->Open("R").ok());
  Process l;
  ASSERT_TRUE(StartLegacy(&l, {"order", "L", "R", std::to_string(kCount)}));
  auto started = test::Clock::now();
  for (int i = 0; i < kCount; ++i) {
    BridgeEvent e;
    ASSERT_TRUE(WaitEvent(BridgeEventKind::kDeliver, &e, milliseconds(15000))) << "message " << i << "\n" << l.Output();
    ASSERT_EQ(e.name, "L");
    ASSERT_EQ(e.message->GetInt(), i);
  }
  auto received = test::Clock::now();
  Message m;
  for (int i = 0; i < kCount; ++i) {
    m.Reset();
    m.SetType("Seq");
    m.PutInt(i);
    ASSERT_EQ(bridge_->Send(m, "L", 5000), 1) << "message " << i;
  }
  auto sent = test::Clock::now();
  std::printf("[ figures  ] %d messages L -> R took %.0f ms, R -> L (each CmMessageSend waiting for the legacy one's 1) %.0f ms\n",
              kCount, std::chrono::duration<double, std::milli>(received - started).count(),
              std::chrono::duration<double, std::milli>(sent - received).count());
  int status = l.WaitExit(milliseconds(20000));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << l.Output();
}

TEST_F(LegacyBridgeTest, LegacyPeersConnectAndAKilledOneIsSeenWithinTwoSeconds) {
  StartBridge();
  ASSERT_TRUE(bridge_->Open("R").ok());
  Process l;
  ASSERT_TRUE(StartLegacy(&l, {"hold", "L", "R"}));
  BridgeEvent e;
  ASSERT_TRUE(WaitEvent(BridgeEventKind::kConnected, &e, milliseconds(10000), "L")) << l.Output();
  ASSERT_TRUE(WaitEvent(BridgeEventKind::kDeliver, &e, milliseconds(5000), "L"));
  EXPECT_STREQ(e.message->type(), "Hello");
  EXPECT_TRUE(bridge_->Knows("L", 3000));

  auto killed = test::Clock::now();
  l.Signal(SIGKILL);
  ASSERT_TRUE(WaitEvent(BridgeEventKind::kDisconnected, &e, milliseconds(5000), "L"));
  auto seen = std::chrono::duration_cast<milliseconds>(test::Clock::now() - killed).count();
  std::printf("[ figures  ] kill -9 of a legacy peer seen by R after %lld ms\n", static_cast<long long>(seen));
  EXPECT_LE(seen, 2500);
  EXPECT_TRUE(test::WaitUntil([&] { return !bridge_->Knows("L", 3000); }, milliseconds(5000)))
      << "the legacy name server still knows the killed L";
}

TEST_F(LegacyBridgeTest, KillingTheRelinkedProcessStopsItsCompanionAndFreesItsLegacyName) {
  Process r;
  ASSERT_TRUE(r.Start({CM_BRIDGE_HOLDER, "Rk"}, {"CM_LEGACY_LIBRARY=" + config_.library,
                                                  "CM_LEGACY_NAMESERVER=" + legacy_endpoint_,
                                                  "CM_LEGACY_COMPANION=" + config_.companion}));
  std::string ready = r.WaitLine("READY", milliseconds(15000));
  ASSERT_FALSE(ready.empty()) << r.Output();
  pid_t companion = std::atoi(ready.substr(ready.rfind(' ') + 1).c_str());
  ASSERT_GT(companion, 0);
  StartBridge();  // our own view of the legacy domain
  ASSERT_TRUE(bridge_->Knows("Rk", 3000));

  auto killed = test::Clock::now();
  r.Signal(SIGKILL);
  ASSERT_TRUE(test::WaitUntil([&] { return test::Gone(companion); }, milliseconds(5000)))
      << "the companion outlived its relinked process";
  auto companion_gone = std::chrono::duration_cast<milliseconds>(test::Clock::now() - killed).count();
  ASSERT_TRUE(test::WaitUntil([&] { return !bridge_->Knows("Rk", 3000); }, milliseconds(5000)))
      << "the legacy name server still knows Rk";
  auto name_gone = std::chrono::duration_cast<milliseconds>(test::Clock::now() - killed).count();
  std::printf("[ figures  ] kill -9 of R: its companion gone after %lld ms, its legacy name after %lld ms\n",
              static_cast<long long>(companion_gone), static_cast<long long>(name_gone));
  r.WaitExit(milliseconds(1000));
}

TEST_F(LegacyBridgeTest, MessagesFlowAgainAfterTheLegacyNameServerRestarts) {
  StartBridge();
  ASSERT_TRUE(bridge_->Open("R").ok());
  legacy_ns_.Kill();
  ASSERT_TRUE(test::StartNameServer(&legacy_ns_, &legacy_port_)) << "could not restart on port " << legacy_port_;
  // The legacy library re-registers R by itself (after up to a second).
  Process l;
  ASSERT_TRUE(StartLegacy(&l, {"items", "L", "R"}));
  BridgeEvent e;
  ASSERT_TRUE(WaitEvent(BridgeEventKind::kDeliver, &e, milliseconds(15000))) << l.Output();
  EXPECT_EQ(e.name, "L");
  ExpectItems(e.message.get());
  Message reply;
  reply.SetType("Items");
  PutItems(&reply);
  EXPECT_EQ(bridge_->Send(reply, "L", 5000), 1);
  int status = l.WaitExit(milliseconds(15000));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << l.Output();
}

TEST_F(LegacyBridgeTest, ClosingTheBridgeEndsTheCompanionAndFreesTheName) {
  StartBridge();
  ASSERT_TRUE(bridge_->Open("Q").ok());
  pid_t companion = bridge_->companion_pid();
  std::unique_ptr<LegacyBridge> other;
  ASSERT_TRUE(LegacyBridge::Start(config_, &other).ok());
  ASSERT_TRUE(other->Knows("Q", 3000));
  bridge_.reset();  // what R's exit does
  EXPECT_TRUE(test::Gone(companion));
  EXPECT_FALSE(other->Knows("Q", 3000)) << "a closed companion must leave no name behind";
}

TEST_F(LegacyBridgeTest, AKilledCompanionIsReportedOnceAndRequestsFailAtOnce) {
  StartBridge();
  ASSERT_TRUE(bridge_->Open("R").ok());
  kill(bridge_->companion_pid(), SIGKILL);
  BridgeEvent e;
  ASSERT_TRUE(WaitEvent(BridgeEventKind::kGone, &e, milliseconds(2000)));
  EXPECT_FALSE(bridge_->alive());
  Message m;
  m.SetType("Late");
  auto t0 = test::Clock::now();
  EXPECT_EQ(bridge_->Send(m, "L", 5000), 0);
  EXPECT_FALSE(bridge_->Knows("L", 5000));
  EXPECT_LT(test::Clock::now() - t0, milliseconds(100));
  EXPECT_FALSE(bridge_->Next(&e)) << "kGone comes once";
}

TEST_F(LegacyBridgeTest, ANameHeldInTheLegacyDomainCannotBeOpened) {
  Process l2;
  ASSERT_TRUE(StartLegacy(&l2, {"hold", "X"}));
  ASSERT_FALSE(l2.WaitLine("READY", milliseconds(10000)).empty()) << l2.Output();
  StartBridge();
  Status s = bridge_->Open("X");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'X' is held by another process in the legacy domain"), std::string::npos) << s.message();
  EXPECT_TRUE(bridge_->Open("Y").ok()) << "a refused name must leave the bridge usable";
}

TEST_F(LegacyBridgeTest, MigrationModeIsOffWithoutTheLegacyLibrary) {
  // Warnings go to stderr: catch them.
  char path[] = "/tmp/cm-mig-stderr.XXXXXX";
  int fd = mkstemp(path);
  int saved = dup(2);
  dup2(fd, 2);
  setenv("CM_LEGACY_DOMAIN", "Old", 1);
  BridgeConfig off = BridgeConfig::FromEnvironment();
  setenv("CM_LEGACY_LIBRARY", "", 1);
  BridgeConfig empty = BridgeConfig::FromEnvironment();
  unsetenv("CM_LEGACY_LIBRARY");
  unsetenv("CM_LEGACY_DOMAIN");
  std::unique_ptr<LegacyBridge> bridge;
  Status s = LegacyBridge::Start(off, &bridge);
  dup2(saved, 2);
  close(saved);
  std::ifstream in(path);
  std::string said((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  close(fd);
  unlink(path);

  EXPECT_FALSE(off.enabled);
  EXPECT_FALSE(empty.enabled);
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(bridge, nullptr);
  EXPECT_NE(s.message().find("migration mode is off"), std::string::npos) << s.message();
  EXPECT_NE(said.find("CM_LEGACY_DOMAIN is set but CM_LEGACY_LIBRARY is not"), std::string::npos) << said;
  EXPECT_NE(said.find("CM_LEGACY_LIBRARY is set but empty"), std::string::npos) << said;
  // Nothing was loaded into this process, nothing spawned.
  std::ifstream maps("/proc/self/maps");
  std::string text((std::istreambuf_iterator<char>(maps)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text.find("legacy-standin"), std::string::npos);
  EXPECT_EQ(waitpid(-1, nullptr, WNOHANG), 0) << "only the legacy name server is our child";
}

TEST_F(LegacyBridgeTest, TheEnvironmentTurnsItOnAndSaysWhatItCannotUse) {
  setenv("CM_LEGACY_LIBRARY", CM_STANDIN_LIBRARY, 1);
  setenv("CM_LEGACY_DOMAIN", "Old", 1);
  setenv("CM_LEGACY_NAMESERVER", "not a list", 1);
  setenv("CM_LEGACY_SLICE_MS", "2-40", 1);
  BridgeConfig c = BridgeConfig::FromEnvironment();
  EXPECT_TRUE(c.enabled);
  EXPECT_EQ(c.library, CM_STANDIN_LIBRARY);
  EXPECT_EQ(c.domain, "Old");
  EXPECT_EQ(c.nameserver, "") << "an unusable CM_LEGACY_NAMESERVER is ignored (with a warning)";
  EXPECT_EQ(c.slice_min_ms, 2);
  EXPECT_EQ(c.slice_max_ms, 40);
  // The companion sees the legacy domain, not ours.
  setenv("CMDOMAIN", "New", 1);
  setenv("CM_NAMESERVER", "tcp://127.0.0.1:1", 1);
  std::vector<std::string> env = CompanionEnvironment(c, {});
  auto has = [&](const std::string& e) { return std::find(env.begin(), env.end(), e) != env.end(); };
  EXPECT_TRUE(has("CMDOMAIN=Old"));
  EXPECT_FALSE(has("CMDOMAIN=New"));
  EXPECT_FALSE(has("CM_NAMESERVER=tcp://127.0.0.1:1"));
  EXPECT_FALSE(has(std::string("CM_LEGACY_LIBRARY=") + CM_STANDIN_LIBRARY));
}

TEST_F(LegacyBridgeTest, AWrongLibraryPathIsNamed) {
  config_.library = "/nonexistent/cm-10.3.2/lib/libcm.so";
  std::unique_ptr<LegacyBridge> bridge;
  Status s = LegacyBridge::Start(config_, &bridge);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/cm-10.3.2/lib/libcm.so"), std::string::npos) << s.message();
  // A bare name is the companion's dlopen()'s to find: its error names it too.
  config_.library = "libcm-nowhere.so.10";
  s = LegacyBridge::Start(config_, &bridge);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("libcm-nowhere.so.10"), std::string::npos) << s.message();
}

TEST_F(LegacyBridgeTest, ALibraryLackingASymbolIsRefusedNamingIt) {
  config_.library = CM_INCOMPLETE_LIBRARY;
  std::unique_ptr<LegacyBridge> bridge;
  Status s = LegacyBridge::Start(config_, &bridge);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("lacks"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("CmMessageWaitWithTimeout"), std::string::npos) << s.message();
  EXPECT_EQ(s.message().find("CmMessageOpenServer"), std::string::npos) << "it has that one: " << s.message();
}

TEST_F(LegacyBridgeTest, AnUnreachableLegacyNameServerIsSaid) {
  config_.nameserver = "tcp://127.0.0.1:" + std::to_string(test::FreePort());
  std::unique_ptr<LegacyBridge> bridge;
  Status s = LegacyBridge::Start(config_, &bridge);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("not reachable"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(config_.nameserver), std::string::npos) << s.message();
}

// Figures for docs/migration.md: R -> L -> R round trips through the bridge,
// back to back and after a pause, and the companion's CPU then and while idle.
// CM_MIG_SLICE_MS=MIN-MAX measures another slice.
TEST_F(LegacyBridgeTest, Figures) {
  if (const char* slice = std::getenv("CM_MIG_SLICE_MS")) std::sscanf(slice, "%d-%d", &config_.slice_min_ms, &config_.slice_max_ms);
  StartBridge();
  ASSERT_TRUE(bridge_->Open("R").ok());
  Process echo;
  ASSERT_TRUE(StartLegacy(&echo, {"echo", "E"}));
  ASSERT_FALSE(echo.WaitLine("READY", milliseconds(10000)).empty()) << echo.Output();

  auto round_trips = [&](int n, milliseconds pause, std::vector<double>* us) {
    Message ping;
    for (int i = 0; i < n; ++i) {
      // A pause of pause/2 .. 3*pause/2: a fixed one would land at the same
      // point of the companion's slice every time.
      if (pause.count() > 0) std::this_thread::sleep_for(pause / 2 + milliseconds(std::rand() % (pause.count() + 1)));
      ping.Reset();
      ping.SetType("Ping");
      ping.PutInt(i);
      ping.PutLong(-static_cast<long>(i));
      auto t0 = test::Clock::now();
      ASSERT_EQ(bridge_->Send(ping, "E", 5000), 1);
      BridgeEvent e;
      ASSERT_TRUE(WaitEvent(BridgeEventKind::kDeliver, &e, milliseconds(5000), "E"));
      us->push_back(std::chrono::duration<double, std::micro>(test::Clock::now() - t0).count());
      ASSERT_EQ(e.message->GetInt(), i);
    }
  };
  auto report = [](const char* what, std::vector<double> us) {
    std::sort(us.begin(), us.end());
    std::printf("[ figures  ] slice %s: %s: %zu round trips R->L->R: median %.0f us, p90 %.0f us, p99 %.0f us, max %.0f us\n",
                std::getenv("CM_MIG_SLICE_MS") ? std::getenv("CM_MIG_SLICE_MS") : "1-20", what, us.size(),
                us[us.size() / 2], us[us.size() * 9 / 10], us[us.size() * 99 / 100], us.back());
  };
  std::vector<double> warm, back_to_back, after_pause;
  round_trips(200, milliseconds(0), &warm);
  double busy0 = test::CpuSeconds(bridge_->companion_pid());
  auto busy_t0 = test::Clock::now();
  round_trips(3000, milliseconds(0), &back_to_back);
  double busy_cpu = test::CpuSeconds(bridge_->companion_pid()) - busy0;
  double busy_wall = std::chrono::duration<double>(test::Clock::now() - busy_t0).count();
  round_trips(100, milliseconds(200), &after_pause);
  report("back to back", back_to_back);
  report("after 100-300 ms idle", after_pause);
  std::printf("[ figures  ] companion CPU during the back-to-back round trips: %.0f%% of one core\n",
              100 * busy_cpu / busy_wall);

  std::this_thread::sleep_for(milliseconds(500));
  double cpu0 = test::CpuSeconds(bridge_->companion_pid()), echo0 = test::CpuSeconds(echo.pid());
  std::this_thread::sleep_for(milliseconds(10000));
  double cpu = test::CpuSeconds(bridge_->companion_pid()) - cpu0, echo_cpu = test::CpuSeconds(echo.pid()) - echo0;
  std::printf("[ figures  ] idle CPU over 10 s: companion %.2f%% (%.1f ms/s), a plain legacy process %.2f%%\n",
              cpu * 10, cpu * 100, echo_cpu * 10);
  EXPECT_LT(cpu, 1.0) << "the idle companion must not busy-wait";
}

}  // namespace
}  // namespace cm
