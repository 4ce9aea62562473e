// Codec: every item type survives encode/decode exactly; bad frames are
// refused with a reason and never read outside the buffer.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <climits>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "codec/frame.h"
#include "codec/message.h"

namespace cm {
namespace {

std::vector<char> EncodeToVector(const Envelope& env, const Message& msg) {
  std::vector<char> out(EncodedSize(env, msg));
  Encode(env, msg, out.data());
  return out;
}

TEST(Codec, EveryItemTypeRoundTripsExactly) {
  Message msg;
  msg.SetType("Everything");
  msg.PutChar('x');
  msg.PutChar(static_cast<char>(-128));
  msg.PutShort(-32768);
  msg.PutInt(INT_MIN);
  msg.PutLong(LONG_MAX);
  msg.PutFloat(1.5f);
  msg.PutDouble(-2.25e300);
  msg.PutText("hello");
  msg.PutText(nullptr);
  msg.PutText("");
  const char bytes[] = {'a', 0, 'b', 0};
  msg.PutBytes(bytes, sizeof bytes);
  msg.PutBytes(nullptr, 0);
  double doubles[] = {1.0, -2.0, 3.5};
  msg.PutArray(ArrayKind::kDouble, doubles, 3, false);
  long longs[] = {LONG_MIN, 0, LONG_MAX};
  msg.PutArray(ArrayKind::kLong, longs, 3, true);
  short shorts[] = {1, 2};
  msg.PutArray(ArrayKind::kShort, shorts, 2, false);
  char chars[] = {'q'};
  msg.PutArray(ArrayKind::kChar, chars, 1, false);
  float floats[] = {0.1f};
  msg.PutArray(ArrayKind::kFloat, floats, 1, false);
  int ints[] = {7, -7};
  msg.PutArray(ArrayKind::kInt, ints, 2, false);

  Envelope env;
  env.sender = "alice";
  env.reply_to = "tcp://127.0.0.1:1234";
  env.seq = 42;
  std::vector<char> wire = EncodeToVector(env, msg);

  Envelope got_env;
  Message got;
  Status s = DecodeCopy(wire.data(), wire.size(), &got_env, &got);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_STREQ(got.type(), "Everything");
  EXPECT_EQ(got_env.sender, "alice");
  EXPECT_EQ(got_env.reply_to, "tcp://127.0.0.1:1234");
  EXPECT_EQ(got_env.seq, 42u);
  EXPECT_EQ(got.PeekKind(), ItemKind::kChar);
  EXPECT_EQ(got.GetChar(), 'x');
  EXPECT_EQ(got.GetChar(), static_cast<char>(-128));
  EXPECT_EQ(got.PeekKind(), ItemKind::kShort);
  EXPECT_EQ(got.GetShort(), -32768);
  EXPECT_EQ(got.GetInt(), INT_MIN);
  EXPECT_EQ(got.GetLong(), LONG_MAX);
  EXPECT_EQ(got.PeekKind(), ItemKind::kFloat);
  EXPECT_EQ(got.GetFloat(), 1.5f);
  EXPECT_EQ(got.PeekKind(), ItemKind::kDouble);
  EXPECT_EQ(got.GetDouble(), -2.25e300);
  EXPECT_STREQ(got.GetText(), "hello");
  EXPECT_EQ(got.PeekKind(), ItemKind::kText);
  EXPECT_EQ(got.GetText(), nullptr);
  EXPECT_STREQ(got.GetText(), "");
  size_t n = 99;
  const char* b = got.GetBytes(&n);
  ASSERT_EQ(n, sizeof bytes);
  EXPECT_EQ(std::memcmp(b, bytes, n), 0);
  b = got.GetBytes(&n);
  EXPECT_NE(b, nullptr);
  EXPECT_EQ(n, 0u);
  ArrayKind kind;
  size_t count;
  auto* d = static_cast<const double*>(got.GetArray(&kind, &count));
  ASSERT_EQ(kind, ArrayKind::kDouble);
  ASSERT_EQ(count, 3u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(d) % alignof(double), 0u);
  EXPECT_EQ(d[2], 3.5);
  auto* l = static_cast<const long*>(got.GetArray(&kind, &count));
  ASSERT_EQ(kind, ArrayKind::kLong);
  EXPECT_EQ(l[0], LONG_MIN);
  EXPECT_EQ(l[2], LONG_MAX);
  auto* s16 = static_cast<const short*>(got.GetArray(&kind, &count));
  EXPECT_EQ(kind, ArrayKind::kShort);
  EXPECT_EQ(s16[1], 2);
  auto* c8 = static_cast<const char*>(got.GetArray(&kind, &count));
  EXPECT_EQ(kind, ArrayKind::kChar);
  EXPECT_EQ(c8[0], 'q');
  auto* f32 = static_cast<const float*>(got.GetArray(&kind, &count));
  EXPECT_EQ(kind, ArrayKind::kFloat);
  EXPECT_EQ(f32[0], 0.1f);
  auto* i32 = static_cast<const int*>(got.GetArray(&kind, &count));
  EXPECT_EQ(kind, ArrayKind::kInt);
  EXPECT_EQ(i32[1], -7);
  EXPECT_EQ(got.PeekKind(), ItemKind::kTail);
}

TEST(Codec, IntegralFloatsStayFloatsBitForBit) {
  Message msg;
  msg.PutFloat(1.0f);
  msg.PutFloat(-0.0f);
  msg.PutDouble(40.0);
  msg.PutDouble(-0.0);
  Envelope env;
  std::vector<char> wire = EncodeToVector(env, msg);
  Envelope got_env;
  Message got;
  ASSERT_TRUE(DecodeCopy(wire.data(), wire.size(), &got_env, &got).ok());
  EXPECT_EQ(got.PeekKind(), ItemKind::kFloat);
  EXPECT_EQ(got.GetFloat(), 1.0f);
  EXPECT_TRUE(std::signbit(got.GetFloat()));
  EXPECT_EQ(got.PeekKind(), ItemKind::kDouble);
  EXPECT_EQ(got.GetDouble(), 40.0);
  EXPECT_TRUE(std::signbit(got.GetDouble()));
}

TEST(Codec, NumericGetsConvertAndClamp) {
  Message msg;
  msg.PutLong(100000);
  msg.PutDouble(1e20);
  msg.PutDouble(-3.7);
  msg.PutInt(65);
  msg.PutFloat(2.5f);
  EXPECT_EQ(msg.GetShort(), SHRT_MAX);
  EXPECT_EQ(msg.GetInt(), INT_MAX);
  EXPECT_EQ(msg.GetInt(), -3);
  EXPECT_EQ(msg.GetChar(), 'A');
  EXPECT_EQ(msg.GetDouble(), 2.5);
}

TEST(Codec, MismatchAndPastTheEndGiveZeroAndSkip) {
  Message msg;
  msg.SetType("Mismatch");
  msg.PutText("not a number");
  msg.PutInt(5);
  EXPECT_EQ(msg.GetInt(), 0);       // text where a number stands: skipped
  EXPECT_EQ(msg.GetText(), nullptr);  // int where a text stands: skipped
  EXPECT_EQ(msg.GetInt(), 0);       // past the end
  size_t n = 7;
  EXPECT_EQ(msg.GetBytes(&n), nullptr);
  EXPECT_EQ(n, 0u);
  ArrayKind k;
  EXPECT_EQ(msg.GetArray(&k, &n), nullptr);
  EXPECT_EQ(msg.PeekKind(), ItemKind::kTail);
}

TEST(Codec, LongTypeIsCutTo255Bytes) {
  Message msg;
  std::string type(300, 't');
  msg.SetType(type.c_str());
  EXPECT_EQ(std::strlen(msg.type()), 255u);
}

TEST(Codec, LargeArrayDataIsAlignedInTheFrame) {
  std::vector<double> big(1 << 20);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<double>(i) * 0.5;
  Message msg;
  msg.SetType("Big");
  msg.PutText("odd-length text to shift offsets");
  msg.PutArray(ArrayKind::kDouble, big.data(), big.size(), true);
  Envelope env;
  env.sender = "s";
  std::vector<double> aligned_storage((EncodedSize(env, msg) + 7) / 8);
  char* out = reinterpret_cast<char*>(aligned_storage.data());
  size_t size = EncodedSize(env, msg);
  Encode(env, msg, out);
  Envelope got_env;
  Message got;
  ASSERT_TRUE(DecodeCopy(out, size, &got_env, &got).ok());
  EXPECT_STREQ(got.GetText(), "odd-length text to shift offsets");
  ArrayKind kind;
  size_t count;
  auto* d = static_cast<const double*>(got.GetArray(&kind, &count));
  ASSERT_EQ(count, big.size());
  EXPECT_EQ(d[12345], 12345 * 0.5);
}

TEST(Codec, MalformedFramesAreRefusedWithAReason) {
  Envelope env;
  Message msg;
  const std::vector<std::string> bad = {
      std::string(""),
      std::string("\x90", 1),                           // empty array
      std::string("\x96\x03\xa1t\xa1s\xa0\x00\x90", 9),  // version 3 (this build reads 1 and 2)
      std::string("\x96\x00\xa1t\xa1s\xa0\x00\x90", 9),  // version 0
      std::string("\x96\x01\xa1t\xa1s\xa0\x00\x91\x63", 10),  // tag without value
      std::string("\x96\x01\xa1t\xa1s\xa0\x00\x92\x63\xa1x", 12),  // int tag, str value
      std::string("\x96\x01\xa1t\xa1s\xa0\x00\x92\x63\xdd\xff\xff\xff\xff", 15),  // huge array
      std::string("\x96\x01\xa1t\xa1s\xa0\x00\x92\x7f\x01", 11),  // unknown tag
      std::string("\xdf\xff\xff\xff\xff", 5),            // huge map
  };
  for (const std::string& frame : bad) {
    Status s = DecodeCopy(frame.data(), frame.size(), &env, &msg);
    EXPECT_FALSE(s.ok()) << "accepted a bad frame of " << frame.size() << " bytes";
    EXPECT_EQ(msg.PeekKind(), ItemKind::kTail);
  }
}

TEST(Codec, EveryTruncationOfAGoodFrameIsRefused) {
  Message msg;
  msg.SetType("T");
  msg.PutInt(1);
  msg.PutText("abc");
  int arr[] = {1, 2, 3};
  msg.PutArray(ArrayKind::kInt, arr, 3, false);
  Envelope env;
  env.sender = "x";
  std::vector<char> wire = EncodeToVector(env, msg);
  for (size_t n = 0; n < wire.size(); ++n) {
    Envelope e;
    Message m;
    EXPECT_FALSE(DecodeCopy(wire.data(), n, &e, &m).ok()) << "prefix of " << n;
  }
}

TEST(Codec, FrameDecoderPointsIntoTheCallersBytes) {
  Message msg;
  msg.SetType("InPlace");
  msg.PutBytes("abcdef", 6);
  msg.PutText("text");
  Envelope env;
  env.sender = "s";
  std::vector<char> wire = EncodeToVector(env, msg);
  Envelope got_env;
  Message got;
  FrameDecoder decoder;
  ASSERT_TRUE(decoder.Decode(wire.data(), wire.size(), &got_env, &got).ok());
  EXPECT_EQ(got_env.sender.data() >= wire.data() && got_env.sender.data() < wire.data() + wire.size(), true);
  size_t n = 0;
  const char* b = got.GetBytes(&n);
  ASSERT_EQ(n, 6u);
  EXPECT_TRUE(b >= wire.data() && b + n <= wire.data() + wire.size());
  EXPECT_STREQ(got.GetText(), "text");
}

// msgpack-cxx reports an empty str or bin without a position: empty items
// still decode when nothing before them in the frame had one.
TEST(Codec, EmptyTextsAndBytesDecodeWhereverTheyAre) {
  Message msg;
  msg.PutText("");
  msg.PutBytes(nullptr, 0);
  msg.PutText("x");
  Envelope env;  // type, sender and reply_to all empty
  std::vector<char> wire = EncodeToVector(env, msg);
  FrameDecoder decoder;
  for (int twice = 0; twice < 2; ++twice) {  // the second time, the head is known
    Envelope got_env;
    Message got;
    Status s = decoder.Decode(wire.data(), wire.size(), &got_env, &got);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_STREQ(got.GetText(), "");
    size_t n = 9;
    EXPECT_NE(got.GetBytes(&n), nullptr);
    EXPECT_EQ(n, 0u);
    EXPECT_STREQ(got.GetText(), "x");
  }
}

// A decoder keeps its parser: a frame that stops it half-way (inside the
// item list) must not change how the next one is read.
TEST(Codec, AFailedFrameDoesNotAffectTheNext) {
  Message msg;
  msg.SetType("T");
  msg.PutInt(7);
  msg.PutText("seven");
  Envelope env;
  env.sender = "x";
  env.seq = 3;
  std::vector<char> wire = EncodeToVector(env, msg);
  FrameDecoder decoder;
  for (size_t cut : {wire.size() - 1, wire.size() / 2, size_t{3}}) {
    Envelope e;
    Message m;
    ASSERT_FALSE(decoder.Decode(wire.data(), cut, &e, &m).ok());
    const std::string nested("\x96\x01\xa1t\xa1s\xa0\x00\x92\x63\x91\x01", 12);  // array as a value
    ASSERT_FALSE(decoder.Decode(nested.data(), nested.size(), &e, &m).ok());
    ASSERT_TRUE(decoder.Decode(wire.data(), wire.size(), &e, &m).ok());
    EXPECT_EQ(e.seq, 3u);
    EXPECT_EQ(e.sender, "x");
    EXPECT_EQ(m.GetInt(), 7);
    EXPECT_STREQ(m.GetText(), "seven");
    EXPECT_EQ(m.PeekKind(), ItemKind::kTail);
  }
}

// A decoder parses only the sequence number and items of a frame that starts
// like the last one: what it gives must be what a full parse gives, and a
// frame that only looks alike (same head, bad rest) is still refused.
TEST(Codec, AKnownHeadGivesWhatAFullParseGives) {
  Envelope env;
  env.sender = "alice";
  env.reply_to = "tcp://127.0.0.1:5555#00000000000000aa";
  FrameDecoder decoder;
  for (uint64_t seq : {1, 2, 300, 70000}) {  // fixint, uint16 and uint32 sequence numbers
    Message msg;
    msg.SetType("Stream");
    msg.PutLong(static_cast<long>(seq) * -3);
    msg.PutText(std::string(seq % 7, 'y').c_str());
    env.seq = seq;
    std::vector<char> wire = EncodeToVector(env, msg);
    Envelope got_env, full_env;
    Message got, full;
    ASSERT_TRUE(decoder.Decode(wire.data(), wire.size(), &got_env, &got).ok());
    ASSERT_TRUE(DecodeCopy(wire.data(), wire.size(), &full_env, &full).ok());
    EXPECT_EQ(got_env.seq, seq);
    EXPECT_EQ(got_env.sender, full_env.sender);
    EXPECT_EQ(got_env.reply_to, full_env.reply_to);
    EXPECT_STREQ(got.type(), "Stream");
    EXPECT_EQ(got.GetLong(), static_cast<long>(seq) * -3);
    EXPECT_EQ(full.GetLong(), static_cast<long>(seq) * -3);
    std::string text = got.GetText();
    EXPECT_EQ(text, full.GetText());
    EXPECT_EQ(got.PeekKind(), ItemKind::kTail);
    for (size_t n = 0; n < wire.size(); ++n)
      EXPECT_FALSE(decoder.Decode(wire.data(), n, &got_env, &got).ok()) << "prefix of " << n;
    std::vector<char> longer = wire;
    longer.push_back('\0');
    EXPECT_FALSE(decoder.Decode(longer.data(), longer.size(), &got_env, &got).ok());
  }
  Message other;
  other.SetType("Other");
  env.sender = "bob";
  std::vector<char> wire = EncodeToVector(env, other);
  Envelope got_env;
  Message got;
  ASSERT_TRUE(decoder.Decode(wire.data(), wire.size(), &got_env, &got).ok());
  EXPECT_STREQ(got.type(), "Other");
  EXPECT_EQ(got_env.sender, "bob");
}

// GetText copies stay valid together until Reset, and a reused message
// (Reset, decode again) gives the new texts, whatever their lengths.
TEST(Codec, TextCopiesSurviveEachOtherAndAreReused) {
  Message msg;
  msg.PutText("first text, longer than the short-string buffer");
  msg.PutText("second");
  msg.PutText(nullptr);
  msg.PutText("");
  Envelope env;
  env.sender = "x";
  std::vector<char> wire = EncodeToVector(env, msg);
  Message got;
  FrameDecoder decoder;
  for (int round = 0; round < 3; ++round) {
    Envelope e;
    ASSERT_TRUE(decoder.Decode(wire.data(), wire.size(), &e, &got).ok());
    const char* a = got.GetText();
    const char* b = got.GetText();
    EXPECT_EQ(got.GetText(), nullptr);
    const char* c = got.GetText();
    EXPECT_STREQ(a, "first text, longer than the short-string buffer");
    EXPECT_STREQ(b, "second");
    EXPECT_STREQ(c, "");
  }
  Message other;
  other.PutText("x");
  other.PutText("a text that needs more room than the one before it did");
  std::vector<char> wire2 = EncodeToVector(env, other);
  Envelope e;
  ASSERT_TRUE(decoder.Decode(wire2.data(), wire2.size(), &e, &got).ok());
  EXPECT_STREQ(got.GetText(), "x");
  EXPECT_STREQ(got.GetText(), "a text that needs more room than the one before it did");
  got.Reset();
  got.PutText("built here");
  EXPECT_STREQ(got.GetText(), "built here");
}

TEST(Codec, RandomBytesNeverCrash) {
  std::mt19937 rng(1234);
  for (int i = 0; i < 20000; ++i) {
    std::vector<char> junk(rng() % 64);
    for (char& c : junk) c = static_cast<char>(rng());
    if (!junk.empty()) junk[0] = static_cast<char>(0x96);  // look like an envelope
    Envelope e;
    Message m;
    (void)DecodeCopy(junk.data(), junk.size(), &e, &m);
  }
  SUCCEED();
}

}  // namespace
}  // namespace cm
