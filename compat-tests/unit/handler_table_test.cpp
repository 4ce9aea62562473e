// HandlerTable: exact type first, then the default, else none; replacing and
// uninstalling; a handler may change the table while it runs.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "session/handler_table.h"

namespace cm {
namespace {

MessageHandler Recorder(std::vector<std::string>* log, const std::string& tag, bool brk = false) {
  return [log, tag, brk](Message&, const char* sender) {
    log->push_back(tag + ":" + sender);
    return brk;
  };
}

TEST(HandlerTable, ExactTypeWinsOverDefault) {
  HandlerTable table;
  std::vector<std::string> log;
  table.Install("Status", Recorder(&log, "status"));
  table.InstallDefault(Recorder(&log, "default"));
  Message m;
  (*table.Find("Status"))(m, "a");
  (*table.Find("Other"))(m, "b");
  EXPECT_EQ(log, (std::vector<std::string>{"status:a", "default:b"}));
}

TEST(HandlerTable, NoHandlerAndNoDefaultGivesNull) {
  HandlerTable table;
  EXPECT_EQ(table.Find("Anything"), nullptr);
  EXPECT_EQ(table.size(), 0u);
}

TEST(HandlerTable, TypesAreCaseSensitiveAndWhole) {
  HandlerTable table;
  std::vector<std::string> log;
  table.Install("Start", Recorder(&log, "start"));
  EXPECT_EQ(table.Find("start"), nullptr);
  EXPECT_EQ(table.Find("Star"), nullptr);
  EXPECT_EQ(table.Find("StartX"), nullptr);
  EXPECT_NE(table.Find("Start"), nullptr);
}

TEST(HandlerTable, InstallReplacesAndNullUninstalls) {
  HandlerTable table;
  std::vector<std::string> log;
  table.Install("T", Recorder(&log, "first"));
  table.Install("T", Recorder(&log, "second"));
  Message m;
  (*table.Find("T"))(m, "x");
  EXPECT_EQ(log, (std::vector<std::string>{"second:x"}));
  table.Install("T", MessageHandler());
  EXPECT_EQ(table.Find("T"), nullptr);
  table.Install("U", Recorder(&log, "u"));
  table.Uninstall("U");
  table.Uninstall("never-installed");
  EXPECT_EQ(table.Find("U"), nullptr);
}

TEST(HandlerTable, BreakResultIsPassedThrough) {
  HandlerTable table;
  std::vector<std::string> log;
  table.Install("Stop", Recorder(&log, "stop", true));
  Message m;
  EXPECT_TRUE((*table.Find("Stop"))(m, "s"));
}

TEST(HandlerTable, AHandlerMayChangeTheTableWhileRunning) {
  HandlerTable table;
  std::vector<std::string> log;
  table.Install("Once", [&](Message&, const char*) {
    log.push_back("once");
    table.Uninstall("Once");  // the caller holds a copy, as the session does
    for (int i = 0; i < 100; ++i) table.Install("filler" + std::to_string(i), Recorder(&log, "f"));
    return false;
  });
  Message m;
  MessageHandler copy = *table.Find("Once");
  copy(m, "me");
  EXPECT_EQ(table.Find("Once"), nullptr);
  EXPECT_EQ(log, (std::vector<std::string>{"once"}));
  EXPECT_EQ(table.size(), 100u);
}

// Find remembers the last type asked for (a stream of one type): every
// change to the table must make it look again.
TEST(HandlerTable, EveryChangeIsSeenByTheNextLookUpOfTheSameType) {
  HandlerTable table;
  std::vector<std::string> log;
  Message m;
  EXPECT_EQ(table.Find("T"), nullptr);
  table.InstallDefault(Recorder(&log, "default"));
  (*table.Find("T"))(m, "1");
  table.Install("T", Recorder(&log, "first"));
  (*table.Find("T"))(m, "2");
  (*table.Find("T"))(m, "3");
  table.Install("T", Recorder(&log, "second"));
  (*table.Find("T"))(m, "4");
  table.Uninstall("T");
  (*table.Find("T"))(m, "5");
  table.InstallDefault(MessageHandler());
  EXPECT_EQ(table.Find("T"), nullptr);
  table.Install("T", Recorder(&log, "third"));
  (*table.Find("T"))(m, "6");
  table.Clear();
  EXPECT_EQ(table.Find("T"), nullptr);
  EXPECT_EQ(log, (std::vector<std::string>{"default:1", "first:2", "first:3", "second:4", "default:5", "third:6"}));
}

TEST(HandlerTable, ClearForgetsEverything) {
  HandlerTable table;
  std::vector<std::string> log;
  table.Install("A", Recorder(&log, "a"));
  table.InstallDefault(Recorder(&log, "d"));
  table.Clear();
  EXPECT_EQ(table.Find("A"), nullptr);
  EXPECT_EQ(table.Find("B"), nullptr);
}

}  // namespace
}  // namespace cm
