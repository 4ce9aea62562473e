// JsonView (src/json/json_view.h): texts that are valid UTF-8 are strings,
// every other byte string is {"hex", "shown"} whose hex gives back the exact
// bytes; what Dump writes is JSON a strict parser reads.
#include "json/json_view.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "codec/message.h"

namespace cm::json {
namespace {

using namespace std::string_literals;

std::string FromHex(const std::string& hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  return out;
}

// Text(bytes) through Dump and a strict parse (nlohmann's parse throws on
// invalid UTF-8), as a reader on the other side would see it.
nlohmann::json ReadBack(std::string_view bytes) { return nlohmann::json::parse(Dump(Text(bytes))); }

void ExpectHexObject(const std::string& bytes, const std::string& shown) {
  SCOPED_TRACE(testing::PrintToString(bytes));
  nlohmann::json j = ReadBack(bytes);
  ASSERT_TRUE(j.is_object()) << j.dump();
  EXPECT_EQ(FromHex(j.at("hex").get<std::string>()), bytes);  // the exact bytes, round trip
  EXPECT_EQ(j.at("shown").get<std::string>(), shown);
}

const std::string kFffd = "\xef\xbf\xbd";

TEST(JsonViewText, ValidUtf8IsAString) {
  for (std::string s : {""s, "plain"s, "\xc3\xa9t\xc3\xa9"s /* été */, "\xe2\x82\xac"s /* € */,
                        "\xf0\x9f\x98\x80"s /* U+1F600 */, "\xf4\x8f\xbf\xbf"s /* U+10FFFF */,
                        "\xed\x9f\xbf"s /* U+D7FF */, "\xee\x80\x80"s /* U+E000 */, "a\0b"s}) {
    nlohmann::json j = ReadBack(s);
    ASSERT_TRUE(j.is_string()) << j.dump();
    EXPECT_EQ(j.get<std::string>(), s);
  }
}

TEST(JsonViewText, Latin1IsHexWithReplacement) { ExpectHexObject("\xe9t\xe9", kFffd + "t" + kFffd); }

TEST(JsonViewText, TruncatedSequences) {
  ExpectHexObject("\xc3", kFffd);                              // 2-byte lead alone
  ExpectHexObject("ab\xe2\x82", "ab" + kFffd + kFffd);          // 3-byte cut at the end
  ExpectHexObject("\xe2\x82z", kFffd + kFffd + "z");            // cut by an ASCII byte
  ExpectHexObject("\xf0\x9f\x98", kFffd + kFffd + kFffd);       // 4-byte cut
  ExpectHexObject("\x80", kFffd);                               // lone continuation byte
  ExpectHexObject("\xbf\x80x", kFffd + kFffd + "x");
}

TEST(JsonViewText, Overlongs) {
  ExpectHexObject("\xc0\xaf", kFffd + kFffd);                   // '/' in two bytes
  ExpectHexObject("\xc1\xbf", kFffd + kFffd);
  ExpectHexObject("\xe0\x80\xaf", kFffd + kFffd + kFffd);       // '/' in three bytes
  ExpectHexObject("\xe0\x9f\xbf", kFffd + kFffd + kFffd);       // U+07FF in three bytes
  ExpectHexObject("\xf0\x80\x80\xaf", kFffd + kFffd + kFffd + kFffd);
  ExpectHexObject("\xf0\x8f\xbf\xbf", kFffd + kFffd + kFffd + kFffd);  // U+FFFF in four
}

TEST(JsonViewText, Surrogates) {
  ExpectHexObject("\xed\xa0\x80", kFffd + kFffd + kFffd);                       // U+D800
  ExpectHexObject("\xed\xbf\xbf", kFffd + kFffd + kFffd);                       // U+DFFF
  ExpectHexObject("\xed\xa0\xbd\xed\xb8\x80", kFffd + kFffd + kFffd + kFffd + kFffd + kFffd);  // CESU-8 pair
}

TEST(JsonViewText, BytesNeverInUtf8) {
  ExpectHexObject("\xff", kFffd);
  ExpectHexObject("\xfe\xff", kFffd + kFffd);
  ExpectHexObject("\xf5\x80\x80\x80", kFffd + kFffd + kFffd + kFffd);  // past U+10FFFF by its lead
  ExpectHexObject("\xf4\x90\x80\x80", kFffd + kFffd + kFffd + kFffd);  // U+110000
}

TEST(JsonViewText, ValidPartsAreKeptInShown) {
  ExpectHexObject("\xc3\xa9\xff\xe2\x82\xac", "\xc3\xa9" + kFffd + "\xe2\x82\xac");
}

TEST(JsonViewText, HexRoundTripsEveryByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  nlohmann::json j = ReadBack(all);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j.at("hex").get<std::string>().size(), 512u);
  EXPECT_EQ(FromHex(j.at("hex").get<std::string>()), all);
}

TEST(JsonViewText, RandomBytesAlwaysParseAndRoundTrip) {
  // Short random byte strings, biased towards the bytes UTF-8 is made of:
  // whatever they are, the dump parses and gives back the bytes.
  std::mt19937 random(20261206);
  const unsigned char kBytes[] = {0x00, 0x1b, 0x22, 0x5c, 0x41, 0x7f, 0x80, 0x9b, 0xbf, 0xc0, 0xc2,
                                  0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
  for (int n = 0; n < 20000; ++n) {
    std::string bytes(random() % 8, '\0');
    for (char& c : bytes)
      c = static_cast<char>(random() % 2 ? kBytes[random() % sizeof kBytes] : random() % 256);
    nlohmann::json j = ReadBack(bytes);
    std::string back = j.is_string() ? j.get<std::string>() : FromHex(j.at("hex").get<std::string>());
    ASSERT_EQ(back, bytes) << testing::PrintToString(bytes);
  }
}

TEST(JsonViewDump, ControlsAreEscaped) {
  // ESC and a C1 CSI (U+009B) would act on a terminal: escaped, not raw.
  std::string dumped = Dump(Text("a\x1b[2J\xc2\x9b" "b\n"));
  EXPECT_EQ(dumped, "\"a\\u001b[2J\\u009bb\\n\"");
  EXPECT_EQ(nlohmann::json::parse(dumped).get<std::string>(), "a\x1b[2J\xc2\x9b" "b\n");
}

TEST(JsonViewNames, FieldsAndUptime) {
  NameRecord r;
  r.name = "Daq\xe9";
  r.host = "h";
  r.pid = 42;
  r.address = "tcp://h:1#x";
  r.started = 1000;
  nlohmann::json j = nlohmann::json::parse(Dump(Names({r}, 1060)));
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(FromHex(j[0]["name"]["hex"].get<std::string>()), "Daq\xe9");
  EXPECT_EQ(j[0]["host"], "h");
  EXPECT_EQ(j[0]["pid"], 42);
  EXPECT_EQ(j[0]["address"], "tcp://h:1#x");
  EXPECT_EQ(j[0]["started"], 1000);
  EXPECT_EQ(j[0]["uptime"], 60);
  EXPECT_EQ(Dump(Names({}, 0)), "[]");
}

TEST(JsonViewConnects, Fields) {
  nlohmann::json j = nlohmann::json::parse(Dump(Connects({{"R", "L", 5}})));
  EXPECT_EQ(j, nlohmann::json::parse(R"([{"from":"R","to":"L","messages":5}])"));
}

TEST(JsonViewInfo, HandlerTypesAndUnknownStart) {
  ProcessInfo info;
  info.name = "Daq";
  info.handler_types = {"*", "SetRate", "bad\xff"};
  info.received = 9000000000;
  nlohmann::json j = nlohmann::json::parse(Dump(Info(info, 5000)));
  EXPECT_EQ(j["name"], "Daq");
  EXPECT_EQ(j["received"], 9000000000);
  ASSERT_EQ(j["handler_types"].size(), 3u);
  EXPECT_EQ(j["handler_types"][1], "SetRate");
  EXPECT_EQ(j["handler_types"][2]["hex"], "626164ff");
  EXPECT_TRUE(j["start_time"].is_null());  // not said: no uptime invented
  EXPECT_TRUE(j["uptime"].is_null());
  info.start_time = 4000;
  j = nlohmann::json::parse(Dump(Info(info, 5000)));
  EXPECT_EQ(j["uptime"], 1000);
  EXPECT_EQ(Dump(Info(info, 5000)).rfind("{\"name\":\"Daq\",\"pid\":0,", 0), 0u);  // in the order written
}

TEST(JsonViewItems, EveryKind) {
  Message m;
  m.SetType("T");
  m.PutChar('A');
  m.PutShort(-3);
  m.PutInt(42);
  m.PutLong(9000000000);
  m.PutFloat(0.1f);
  m.PutDouble(0.1);
  m.PutDouble(std::numeric_limits<double>::infinity());
  m.PutFloat(std::nanf(""));
  m.PutText("\xe9t\xe9");
  m.PutText(nullptr);
  m.PutBytes("\x00\xff", 2);
  int ints[] = {1, -2, 3};
  m.PutArray(ArrayKind::kInt, ints, 3, false);
  float floats[] = {1.5f, 0.1f};
  m.PutArray(ArrayKind::kFloat, floats, 2, false);
  m.PutArray(ArrayKind::kDouble, nullptr, 0, false);
  std::string dumped = Dump(Items(m));
  nlohmann::json j = nlohmann::json::parse(dumped);
  ASSERT_EQ(j.size(), 14u);
  EXPECT_EQ(j[0], nlohmann::json::parse(R"({"type":"char","value":65})"));
  EXPECT_EQ(j[1]["value"], -3);
  EXPECT_EQ(j[2], nlohmann::json::parse(R"({"type":"int","value":42})"));
  EXPECT_EQ(j[3]["value"], 9000000000);
  EXPECT_NE(dumped.find("{\"type\":\"float\",\"value\":0.1}"), std::string::npos) << dumped;  // shortest form
  EXPECT_EQ(static_cast<float>(j[4]["value"].get<double>()), 0.1f);
  EXPECT_EQ(j[5]["value"].get<double>(), 0.1);
  EXPECT_EQ(j[6]["value"], "inf");
  EXPECT_EQ(j[7]["value"], "nan");
  EXPECT_EQ(j[8]["type"], "text");
  EXPECT_EQ(FromHex(j[8]["value"]["hex"].get<std::string>()), "\xe9t\xe9");
  EXPECT_TRUE(j[9]["value"].is_null());
  EXPECT_EQ(j[10], nlohmann::json::parse(R"({"type":"bytes","value":"00ff"})"));
  EXPECT_EQ(j[11], nlohmann::json::parse(R"({"type":"array","of":"int","value":[1,-2,3]})"));
  EXPECT_EQ(j[12]["value"], nlohmann::json::parse("[1.5,0.1]"));
  EXPECT_EQ(j[13], nlohmann::json::parse(R"({"type":"array","of":"double","value":[]})"));
}

}  // namespace
}  // namespace cm::json
