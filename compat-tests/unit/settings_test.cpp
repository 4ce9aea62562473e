// util/settings.h: the readers of CM_* variables, and util/log.h's level
// names.  A value that cannot be used is said once (variable, value, what
// is used instead); an unset or empty one is the fallback in silence.
#include "util/settings.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "util/log.h"

namespace cm {
namespace {

// What the readers wrote on stderr while `read` ran.
template <typename F>
std::string Said(F read) {
  testing::internal::CaptureStderr();
  read();
  return testing::internal::GetCapturedStderr();
}

int Lines(const std::string& text) {
  int n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

TEST(SettingsTest, APositiveNumberOrItsFallbackWithOneWarning) {
  const char* name = "CM_TEST_SECONDS";
  unsetenv(name);
  EXPECT_EQ(PositiveNumberSetting(name, "seconds", 2, 0.001, 100), 2);
  setenv(name, "", 1);
  EXPECT_EQ(Said([&] { EXPECT_EQ(PositiveNumberSetting(name, "seconds", 2, 0.001, 100), 2); }), "");
  setenv(name, "0.5", 1);
  EXPECT_EQ(PositiveNumberSetting(name, "seconds", 2, 0.001, 100), 0.5);
  setenv(name, "1e1", 1);
  EXPECT_EQ(PositiveNumberSetting(name, "seconds", 2, 0.001, 100), 10);
  for (const char* bad : {"abc", "12s", "-1", "0", "nan", "inf"}) {
    setenv(name, bad, 1);
    std::string said = Said([&] { EXPECT_EQ(PositiveNumberSetting(name, "seconds", 2, 0.001, 100), 2) << bad; });
    EXPECT_NE(said.find(std::string("warning: CM_TEST_SECONDS='") + bad +
                        "' is not a positive number of seconds: using 2\n"),
              std::string::npos)
        << said;
    EXPECT_EQ(Lines(said), 1) << said;
    // Once per variable and value: a session that starts again says nothing.
    EXPECT_EQ(Said([&] { PositiveNumberSetting(name, "seconds", 2, 0.001, 100); }), "");
  }
  setenv(name, "1000", 1);
  std::string said = Said([&] { EXPECT_EQ(PositiveNumberSetting(name, "seconds", 2, 0.001, 100), 100); });
  EXPECT_NE(said.find("CM_TEST_SECONDS='1000' is more than 100 seconds: using 100"), std::string::npos) << said;
  setenv(name, "0.0001", 1);
  said = Said([&] { EXPECT_EQ(PositiveNumberSetting(name, "seconds", 2, 0.001, 100), 0.001); });
  EXPECT_NE(said.find("CM_TEST_SECONDS='0.0001' is less than 0.001 seconds: using 0.001"), std::string::npos) << said;
  unsetenv(name);
}

TEST(SettingsTest, AWholeNumberInItsRange) {
  const char* name = "CM_TEST_MS";
  setenv(name, "250", 1);
  EXPECT_EQ(IntegerSetting(name, "milliseconds", 10, 0, 10000), 250);
  setenv(name, "0", 1);
  EXPECT_EQ(IntegerSetting(name, "milliseconds", 10, 0, 10000), 0);
  for (const char* bad : {"10001", "-1", "2.5", "ten", "99999999999999999999"}) {
    setenv(name, bad, 1);
    std::string said = Said([&] { EXPECT_EQ(IntegerSetting(name, "milliseconds", 10, 0, 10000), 10) << bad; });
    EXPECT_NE(said.find(std::string("CM_TEST_MS='") + bad +
                        "' is not a whole number of milliseconds from 0 to 10000: using 10"),
              std::string::npos)
        << said;
  }
  unsetenv(name);
}

TEST(SettingsTest, ASwitchInWordsOrDigits) {
  const char* name = "CM_TEST_SWITCH";
  for (const char* on : {"1", "on", "YES", "True"}) {
    setenv(name, on, 1);
    EXPECT_TRUE(SwitchSetting(name, false)) << on;
  }
  for (const char* off : {"0", "OFF", "no", "false"}) {
    setenv(name, off, 1);
    EXPECT_FALSE(SwitchSetting(name, true)) << off;
  }
  setenv(name, "maybe", 1);
  std::string said = Said([&] { EXPECT_TRUE(SwitchSetting(name, true)); });
  EXPECT_NE(said.find("CM_TEST_SWITCH='maybe' is not 0 or 1 (off/on, no/yes, false/true): using 1 (on)"),
            std::string::npos)
      << said;
  unsetenv(name);
  EXPECT_FALSE(SwitchSetting(name, false));
}

bool IsDigits(const std::string& text) { return text.find_first_not_of("0123456789") == std::string::npos; }

TEST(SettingsTest, ACheckedTextIsEmptyWhenRefused) {
  const char* name = "CM_TEST_TEXT";
  setenv(name, "1234", 1);
  EXPECT_EQ(CheckedTextSetting(name, IsDigits, "digits", "using none"), "1234");
  setenv(name, "12a", 1);
  std::string said = Said([&] { EXPECT_EQ(CheckedTextSetting(name, IsDigits, "digits", "using none"), ""); });
  EXPECT_NE(said.find("CM_TEST_TEXT='12a' is not digits: using none"), std::string::npos) << said;
  unsetenv(name);
  EXPECT_EQ(TextSetting(name), "");
}

TEST(SettingsTest, LogLevelsInAnyCase) {
  LogLevel level;
  const std::pair<const char*, LogLevel> names[] = {
      {"error", LogLevel::kError}, {"ERROR", LogLevel::kError}, {"Warn", LogLevel::kWarn},
      {"warning", LogLevel::kWarn}, {"WARNING", LogLevel::kWarn}, {"info", LogLevel::kInfo},
      {"Debug", LogLevel::kDebug}, {"TRACE", LogLevel::kTrace}};
  for (const auto& [text, expected] : names) {
    ASSERT_TRUE(ParseLogLevel(text, &level)) << text;
    EXPECT_EQ(level, expected) << text;
  }
  for (const char* bad : {"", "verbose", "warn ", "3", "debugging"}) EXPECT_FALSE(ParseLogLevel(bad, &level)) << bad;
}

TEST(SettingsTest, TheLogLevelIsCachedAndChecked) {
  SetLogLevel(LogLevel::kInfo);
  EXPECT_TRUE(LogEnabled(LogLevel::kInfo));
  EXPECT_FALSE(LogEnabled(LogLevel::kDebug));
  SetLogLevel(LogLevel::kTrace);
  EXPECT_TRUE(LogEnabled(LogLevel::kTrace));
  std::string said = Said([] { CM_TRACE("a trace line %d", 7); });
  EXPECT_NE(said.find("] trace: a trace line 7\n"), std::string::npos) << said;
  SetLogLevel(LogLevel::kWarn);
  int evaluated = 0;
  said = Said([&] { CM_DEBUG("not shown %d", ++evaluated); });
  EXPECT_EQ(said, "");
  EXPECT_EQ(evaluated, 0);  // a level that is off does not evaluate the arguments
}

}  // namespace
}  // namespace cm
