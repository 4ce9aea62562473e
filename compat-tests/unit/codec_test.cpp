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

#include <sys/mman.h>

#include "codec/frame.h"
#include "codec/message.h"
#include "codec/recent_keys.h"
#include "util/log.h"

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

// Issue 21, item 12: infinity read back as FLT_MAX / DBL_MAX.
TEST(Codec, InfinityAndNanSurviveEveryFloatingRead) {
  const float finf = std::numeric_limits<float>::infinity();
  const double dinf = std::numeric_limits<double>::infinity();
  Message msg;
  msg.SetType("Specials");
  msg.PutFloat(finf);
  msg.PutFloat(-finf);
  msg.PutDouble(dinf);
  msg.PutDouble(-dinf);
  msg.PutFloat(finf);    // read as a double: widened
  msg.PutDouble(-dinf);  // read as a float: still infinite
  msg.PutFloat(std::nanf(""));
  msg.PutDouble(std::nan(""));
  msg.PutDouble(1e300);   // read as a float: a finite value too large, clamped
  msg.PutDouble(-1e300);
  msg.PutDouble(dinf);    // read as an int or a long: clamped
  msg.PutDouble(-dinf);
  Envelope env;
  std::vector<char> wire = EncodeToVector(env, msg);
  Envelope got_env;
  Message got;
  ASSERT_TRUE(DecodeCopy(wire.data(), wire.size(), &got_env, &got).ok());
  for (Message* m : {&msg, &got}) {
    SCOPED_TRACE(m == &msg ? "local" : "over the wire");
    m->Rewind();
    EXPECT_EQ(m->GetFloat(), finf);
    EXPECT_EQ(m->GetFloat(), -finf);
    EXPECT_EQ(m->GetDouble(), dinf);
    EXPECT_EQ(m->GetDouble(), -dinf);
    EXPECT_EQ(m->GetDouble(), dinf);
    EXPECT_EQ(m->GetFloat(), -finf);
    EXPECT_TRUE(std::isnan(m->GetDouble()));
    EXPECT_TRUE(std::isnan(m->GetFloat()));
    EXPECT_EQ(m->GetFloat(), FLT_MAX);
    EXPECT_EQ(m->GetFloat(), -FLT_MAX);
    EXPECT_EQ(m->GetInt(), INT_MAX);
    EXPECT_EQ(m->GetLong(), LONG_MIN);
  }
}

// Issue 21, item 8: Item.size was 32-bit, so 2^29 + 1 doubles went out as
// one.  An item of 4 GiB or more cannot travel (msgpack's 32-bit lengths): it
// is refused, nothing appended.  External arrays are never read by Put, nor by
// EncodedSize, so the sizes are checked without the memory.
TEST(Codec, ItemsOf4GiBOrMoreAreRefusedNotTruncated) {
  SetDefaultLogLevel(LogLevel::kError);
  static double data[2];
  const size_t kDoubles = (size_t{1} << 29) + 1;  // 4 GiB + 8 bytes
  Message msg;
  msg.SetType("Huge");
  EXPECT_FALSE(msg.PutArray(ArrayKind::kDouble, data, kDoubles, true));
  EXPECT_FALSE(msg.PutArray(ArrayKind::kDouble, data, kDoubles, false));  // refused before any copy
  EXPECT_FALSE(msg.PutArray(ArrayKind::kChar, data, size_t{1} << 32, true));
  EXPECT_FALSE(msg.PutArray(ArrayKind::kLong, data, SIZE_MAX / 4, true));  // the product would wrap
  EXPECT_FALSE(msg.PutBytes(reinterpret_cast<const char*>(data), size_t{1} << 32));
  EXPECT_FALSE(msg.PutText(reinterpret_cast<const char*>(data), size_t{1} << 32));
  EXPECT_TRUE(msg.items().empty());
  EXPECT_EQ(msg.PeekKind(), ItemKind::kTail);

  // Just under the limit is kept whole, and the frame's size counts it all.
  Envelope env;
  Message small;
  small.SetType("Huge");
  ASSERT_TRUE(small.PutArray(ArrayKind::kChar, data, 0, true));
  const size_t kShorts = size_t{0x7fffffff};  // the C API's largest count: 4 GiB - 2 bytes
  ASSERT_TRUE(msg.PutArray(ArrayKind::kShort, data, kShorts, true));
  ASSERT_EQ(msg.items().size(), 1u);
  EXPECT_EQ(msg.items()[0].size, uint64_t{2} * kShorts);
  // + bin32's longer header, + up to 7 bytes of pad
  size_t more = EncodedSize(env, msg) - EncodedSize(env, small);
  EXPECT_GE(more, 2 * kShorts + 3);
  EXPECT_LE(more, 2 * kShorts + 3 + 7);
  ASSERT_TRUE(msg.PutArray(ArrayKind::kChar, data, kMaxSpanBytes, true));
  EXPECT_EQ(msg.items()[1].size, kMaxSpanBytes);
  SetDefaultLogLevel(LogLevel::kWarn);
}

// The C API counts bytes and elements with an int: a received bin of 2 GiB
// or more (our senders write none) is refused, not handed over as a negative
// count.  The frame lies in reserved, untouched memory: the parser skips it.
TEST(Codec, ReceivedBytesOf2GiBOrMoreAreRefused) {
  const size_t kBin = size_t{1} << 31;
  Message head;
  head.SetType("Big");
  Envelope env;
  std::vector<char> prefix = EncodeToVector(env, head);  // ends with an empty item list (0x90)
  ASSERT_EQ(static_cast<unsigned char>(prefix.back()), 0x90);
  prefix.back() = static_cast<char>(0x92);  // two elements: tag, value
  for (int tag : {8, 16}) {                  // bytes; a char array (after its pad)
    SCOPED_TRACE(tag);
    std::vector<char> frame = prefix;
    frame.push_back(static_cast<char>(tag));
    if (tag == 16) {
      frame[frame.size() - 2] = static_cast<char>(0x93);  // tag, pad, data
      frame.insert(frame.end(), {static_cast<char>(0xc4), 0});
    }
    frame.insert(frame.end(), {static_cast<char>(0xc6), static_cast<char>(0x80), 0, 0, 0});  // bin32, 2^31
    size_t size = frame.size() + kBin;
    void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    ASSERT_NE(memory, MAP_FAILED);
    std::memcpy(memory, frame.data(), frame.size());
    Envelope got_env;
    Message got;
    FrameDecoder decoder;
    Status s = decoder.Decode(static_cast<const char*>(memory), size, &got_env, &got);
    EXPECT_FALSE(s.ok());
    EXPECT_NE(s.message().find("than an int counts"), std::string::npos) << s.message();
    munmap(memory, size);
  }
}

// Issue 21, item 7: the set behind "warned once per type" grew with every
// type read wrongly (300,000 types: 47 MB).
TEST(Codec, ReadingWarningsAreRememberedForABoundedNumberOfTypes) {
  SetDefaultLogLevel(LogLevel::kError);
  Message msg;
  for (int i = 0; i < 5000; ++i) {
    msg.Reset();
    msg.SetType(("Type" + std::to_string(i)).c_str());
    msg.PutText("x");
    EXPECT_EQ(msg.GetInt(), 0);  // a numeric Get on a text: warns
  }
  EXPECT_GT(Message::RememberedWarnings(), 0u);
  EXPECT_LE(Message::RememberedWarnings(), Message::kRememberedWarnings);
  SetDefaultLogLevel(LogLevel::kWarn);
}

TEST(Codec, RecentKeysForgetsTheLeastRecentlySeen) {
  RecentKeys keys(3);
  EXPECT_TRUE(keys.Insert("a"));
  EXPECT_TRUE(keys.Insert("b"));
  EXPECT_TRUE(keys.Insert("c"));
  EXPECT_FALSE(keys.Insert("a"));  // seen: now the most recent
  EXPECT_TRUE(keys.Insert("d"));   // forgets b, the least recent
  EXPECT_EQ(keys.size(), 3u);
  EXPECT_FALSE(keys.Insert("a"));
  EXPECT_FALSE(keys.Insert("c"));
  EXPECT_FALSE(keys.Insert("d"));
  EXPECT_TRUE(keys.Insert("b"));
  EXPECT_EQ(keys.size(), 3u);
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

// --- Several frames in one ZeroMQ message (protocol 2, transport/dialer.h) ---

// A frame to put in a batch, and what it must decode to.
struct Expected {
  std::string type, sender, reply_to;
  uint64_t seq = 0;
  long number = 0;
  std::string text;
  std::vector<char> wire;
};

Expected MakeFrame(const std::string& type, const std::string& sender, const std::string& reply_to, uint64_t seq,
                   long number, const std::string& text) {
  Expected e{type, sender, reply_to, seq, number, text, {}};
  Message msg;
  msg.SetType(type.c_str());
  msg.PutLong(number);
  msg.PutText(text.c_str());
  Envelope env;
  env.sender = e.sender;
  env.reply_to = e.reply_to;
  env.seq = seq;
  e.wire = EncodeToVector(env, msg);
  return e;
}

std::vector<char> Concatenate(const std::vector<const std::vector<char>*>& parts) {
  std::vector<char> out;
  for (const std::vector<char>* part : parts) out.insert(out.end(), part->begin(), part->end());
  return out;
}

// Frames of one stream (same type, sender and reply_to: the decoder's known
// head), of another, and of an empty envelope, back to back: each decodes
// to its own values, its views point into its own bytes, and the lengths
// add up to the whole.
TEST(Codec, FramesBackToBackDecodeOneAfterAnother) {
  const std::string alice_at = "tcp://127.0.0.1:5555#00000000000000aa";
  std::vector<Expected> frames = {
      MakeFrame("Stream", "alice", alice_at, 1, -1, "one"),
      MakeFrame("Stream", "alice", alice_at, 2, -2, "two, longer"),       // known head
      MakeFrame("Stream", "alice", alice_at, 300, -300, ""),              // known head, uint16 seq
      MakeFrame("Other", "bob", "tcp://127.0.0.1:6666#00000000000000bb", 7, 7, "bob's"),
      MakeFrame("Stream", "alice", alice_at, 70000, -70000, "after bob"),  // full parse again
      MakeFrame("Stream", "alice", alice_at, 70001, -70001, "and again"),  // known again
      MakeFrame("", "", "", 0, 0, "empty envelope"),
  };
  std::vector<const std::vector<char>*> parts;
  for (const Expected& e : frames) parts.push_back(&e.wire);
  std::vector<char> batch = Concatenate(parts);
  EXPECT_EQ(CountFrames(batch.data(), batch.size()), frames.size());

  FrameDecoder decoder;
  size_t at = 0;
  for (const Expected& e : frames) {
    SCOPED_TRACE("frame seq " + std::to_string(e.seq) + " at " + std::to_string(at));
    Envelope env;
    Message msg;
    size_t consumed = 0;
    Status s = decoder.DecodeFirst(batch.data() + at, batch.size() - at, &consumed, &env, &msg);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_EQ(consumed, e.wire.size());
    const char* begin = batch.data() + at;
    const char* end = begin + consumed;
    EXPECT_STREQ(msg.type(), e.type.c_str());
    EXPECT_EQ(env.sender, e.sender);
    EXPECT_EQ(env.reply_to, e.reply_to);
    EXPECT_EQ(env.seq, e.seq);
    // In this frame's bytes, not the one the head was learnt from.
    auto inside = [&](std::string_view v) { return v.empty() || (v.data() >= begin && v.data() + v.size() <= end); };
    EXPECT_TRUE(inside(env.sender));
    EXPECT_TRUE(inside(env.reply_to));
    EXPECT_EQ(msg.GetLong(), e.number);
    EXPECT_EQ(msg.PeekKind(), ItemKind::kText);
    EXPECT_TRUE(inside(std::string_view(msg.items()[1].v.ptr, msg.items()[1].size)));
    EXPECT_EQ(msg.GetText(), e.text);
    EXPECT_EQ(msg.PeekKind(), ItemKind::kTail);
    at += consumed;
  }
  EXPECT_EQ(at, batch.size());
}

// Array data is 8-aligned relative to its frame's start, which in a batch
// lies anywhere: arrays still come out aligned and exact, at every offset
// modulo 8 (set by a text frame before each).
TEST(Codec, ArraysInABatchComeOutAlignedWhereverTheirFrameStarts) {
  const double doubles[] = {1.5, -2.25, 1e300};
  const short shorts[] = {-1, 2, -3};
  std::vector<char> batch;
  std::vector<size_t> fillers;  // text lengths
  for (uint64_t residue = 0; residue < 8; ++residue) {
    Envelope env;
    env.sender = "arrays";
    env.seq = 2 * residue + 1;
    std::vector<char> wire;
    for (size_t length = 0; length < 8; ++length) {  // the text frame that puts the next at `residue`
      Message filler;
      filler.SetType("Filler");
      filler.PutText(std::string(length, 's').c_str());
      wire = EncodeToVector(env, filler);
      if ((batch.size() + wire.size()) % 8 == residue) {
        fillers.push_back(length);
        break;
      }
    }
    ASSERT_EQ(fillers.size(), residue + 1);
    batch.insert(batch.end(), wire.begin(), wire.end());
    Message arrays;
    arrays.SetType("Arrays");
    arrays.PutArray(ArrayKind::kDouble, doubles, 3, false);
    arrays.PutBytes("b", 1);
    arrays.PutArray(ArrayKind::kShort, shorts, 3, false);
    env.seq = 2 * residue + 2;
    wire = EncodeToVector(env, arrays);
    batch.insert(batch.end(), wire.begin(), wire.end());
  }
  std::vector<double> storage((batch.size() + 7) / 8);  // the batch itself 8-aligned, as a ZeroMQ message is
  char* data = reinterpret_cast<char*>(storage.data());
  std::memcpy(data, batch.data(), batch.size());

  FrameDecoder decoder;
  size_t at = 0;
  for (uint64_t seq = 1; seq <= 16; ++seq) {
    SCOPED_TRACE("frame " + std::to_string(seq) + " at " + std::to_string(at));
    Envelope env;
    Message msg;
    size_t consumed = 0;
    ASSERT_TRUE(decoder.DecodeFirst(data + at, batch.size() - at, &consumed, &env, &msg).ok());
    EXPECT_EQ(env.seq, seq);
    at += consumed;
    if (seq % 2 == 1) {
      EXPECT_EQ(std::string(msg.GetText()), std::string(fillers[(seq - 1) / 2], 's'));
      continue;
    }
    ArrayKind kind;
    size_t count = 0;
    auto* d = static_cast<const double*>(msg.GetArray(&kind, &count));
    ASSERT_EQ(count, 3u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(d) % alignof(double), 0u);
    EXPECT_EQ(std::memcmp(d, doubles, sizeof doubles), 0);
    size_t n = 0;
    EXPECT_NE(msg.GetBytes(&n), nullptr);
    auto* s16 = static_cast<const short*>(msg.GetArray(&kind, &count));
    ASSERT_EQ(count, 3u);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(s16) % alignof(short), 0u);
    EXPECT_EQ(std::memcmp(s16, shorts, sizeof shorts), 0);
  }
  EXPECT_EQ(at, batch.size());
  EXPECT_EQ(CountFrames(data, batch.size()), 16u);
}

// After a good frame, what cannot be a frame is refused and takes the rest
// of the range with it (nothing after it can be delimited); CountFrames
// counts it as one and stops.
TEST(Codec, GarbageAfterAGoodFrameIsRefusedAndTakesTheRest) {
  const std::string where = "tcp://127.0.0.1:5555#00000000000000aa";
  Expected good = MakeFrame("Stream", "alice", where, 1, 1, "good");
  Expected next = MakeFrame("Stream", "alice", where, 2, 2, "same head as the good one");
  std::vector<std::vector<char>> garbage = {
      {'\xc1', 'j', 'u', 'n', 'k'},           // never valid msgpack
      {'\x90'},                               // valid msgpack, not a frame
      // (the cut frames below may end in the next frame's bytes when
      // something follows them: only the two above are refused whatever follows)
      {'\x96', '\x02', '\xa1', 't'},          // a frame cut short
      std::vector<char>(next.wire.begin(), next.wire.end() - 1),  // the good head, cut short
  };
  // Every cut of a frame that starts like the one before (the decoder's
  // known head) after its head, too.
  for (size_t n = 1; n + 1 < next.wire.size(); n += 3)
    garbage.emplace_back(next.wire.begin(), next.wire.begin() + static_cast<long>(n));
  for (size_t i = 0; i < garbage.size(); ++i) {
    const std::vector<char>& junk = garbage[i];
    std::vector<char> range = Concatenate({&good.wire, &junk});
    SCOPED_TRACE("garbage of " + std::to_string(junk.size()) + " bytes");
    FrameDecoder decoder;
    Envelope env;
    Message msg;
    size_t consumed = 0;
    ASSERT_TRUE(decoder.DecodeFirst(range.data(), range.size(), &consumed, &env, &msg).ok());
    ASSERT_EQ(consumed, good.wire.size());
    EXPECT_EQ(msg.GetLong(), 1);
    EXPECT_STREQ(msg.GetText(), "good");
    size_t rest = range.size() - consumed;
    consumed = 0;
    Status s = decoder.DecodeFirst(range.data() + good.wire.size(), rest, &consumed, &env, &msg);
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(consumed, rest);
    EXPECT_EQ(msg.PeekKind(), ItemKind::kTail);
    EXPECT_TRUE(env.sender.empty());
    EXPECT_EQ(CountFrames(range.data(), range.size()), 2u);
    std::vector<char> longer = Concatenate({&good.wire, &good.wire, &junk});
    EXPECT_EQ(CountFrames(longer.data(), longer.size()), 3u);
    if (i < 2) {  // good frames after garbage are not seen
      std::vector<char> first = Concatenate({&junk, &good.wire});
      EXPECT_EQ(CountFrames(first.data(), first.size()), 1u);
      std::vector<char> middle = Concatenate({&good.wire, &junk, &good.wire, &good.wire});
      EXPECT_EQ(CountFrames(middle.data(), middle.size()), 2u);
    }
  }
  EXPECT_EQ(CountFrames(good.wire.data(), 0), 0u);
  EXPECT_EQ(CountFrames(good.wire.data(), good.wire.size()), 1u);
  std::vector<char> two = Concatenate({&good.wire, &next.wire});
  EXPECT_EQ(CountFrames(two.data(), two.size()), 2u);
}

// Protocol 2 only adds batches: a frame of version 1 (an older sender) still
// decodes, alone or in a batch, and one of version 3 is refused, even right
// after a frame whose head it otherwise repeats (the decoder's known head
// includes the version).
TEST(Codec, Version1FramesStillDecodeAndVersion3AreRefused) {
  const std::string where = "tcp://127.0.0.1:5555#00000000000000aa";
  Expected v2 = MakeFrame("Stream", "alice", where, 1, 11, "version two");
  Expected v1 = MakeFrame("Stream", "alice", where, 2, 22, "version one");
  Expected v3 = MakeFrame("Stream", "alice", where, 3, 33, "version three");
  // [0] is the envelope's fixarray header, [1] the version (a fixint).
  ASSERT_EQ(static_cast<unsigned char>(v2.wire[0]), 0x96);
  ASSERT_EQ(v2.wire[1], static_cast<char>(kProtocolVersion));
  ASSERT_EQ(kProtocolVersion, 2u);
  v1.wire[1] = 1;
  v3.wire[1] = 3;

  Envelope env;
  Message msg;
  Status s = DecodeCopy(v1.wire.data(), v1.wire.size(), &env, &msg);
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(env.seq, 2u);
  EXPECT_EQ(msg.GetLong(), 22);
  EXPECT_STREQ(msg.GetText(), "version one");
  EXPECT_FALSE(DecodeCopy(v3.wire.data(), v3.wire.size(), &env, &msg).ok());

  std::vector<char> batch = Concatenate({&v2.wire, &v1.wire, &v2.wire, &v3.wire});
  FrameDecoder decoder;
  size_t at = 0, consumed = 0;
  for (const Expected* e : {&v2, &v1, &v2}) {
    s = decoder.DecodeFirst(batch.data() + at, batch.size() - at, &consumed, &env, &msg);
    ASSERT_TRUE(s.ok()) << s.ToString() << " at " << at;
    EXPECT_EQ(consumed, e->wire.size());
    EXPECT_EQ(env.seq, e->seq);
    EXPECT_EQ(msg.GetLong(), e->number);
    EXPECT_EQ(msg.GetText(), e->text);
    at += consumed;
  }
  EXPECT_FALSE(decoder.DecodeFirst(batch.data() + at, batch.size() - at, &consumed, &env, &msg).ok());
  EXPECT_EQ(consumed, v3.wire.size());
  EXPECT_EQ(CountFrames(batch.data(), batch.size()), 4u);  // the refused one counts, and ends the count
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
