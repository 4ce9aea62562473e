#include "codec/frame.h"

#include <msgpack.hpp>

#include <endian.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>

#include "Cm/CmDefs.h"

namespace cm {
namespace {

// Item tags on the wire.  Arrays are kArrayBase + ArrayKind and are followed by
// a pad bin (0-7 bytes, aligning the data) and the data bin.
enum Tag : uint8_t {
  kTagChar = 1, kTagShort = 2, kTagInt = 3, kTagLong = 4, kTagFloat = 5, kTagDouble = 6,
  kTagText = 7, kTagBytes = 8, kArrayBase = 16
};
constexpr size_t kEnvelopeFields = 6;
constexpr size_t kSeqField = 4;  // [version, type, sender, reply_to, seq, items]
// What every protocol version keeps in place (docs/versions.md): enough to
// say who sent a frame this build cannot read, and to answer it.
constexpr size_t kFrozenFields = 5;  // [version, type, sender, reply_to, seq, ...]

// The version a frame is written in when the envelope leaves it open: a
// refusal in the one every version reads, the rest as this process writes.
uint32_t VersionToWrite(std::string_view type, const Envelope& env) {
  if (env.version != 0) return env.version;
  return type == kRefusedType ? kRefusalProtocolVersion : WriteProtocolVersion();
}

// Buffers for msgpack::packer: the first counts, the second writes.
struct CountingBuffer {
  size_t size = 0;
  void write(const char*, size_t n) { size += n; }
};
struct StringBuffer {
  std::string& out;
  void write(const char* p, size_t n) { out.append(p, n); }
};
struct FixedBuffer {
  char* out;
  size_t size = 0;
  void write(const char* p, size_t n) {
    if (n != 0) std::memcpy(out + size, p, n);  // p may be null when n is 0
    size += n;
  }
};

size_t BinHeaderSize(size_t n) { return n < 256 ? 2 : n < 65536 ? 3 : 5; }

uint32_t ItemElements(const Message& message) {
  uint32_t n = 0;
  for (const Item& item : message.items()) n += item.kind == ItemKind::kArray ? 3 : 2;
  return n;
}

// msgpack-cxx packs a float or double with an integral value as an integer
// (1.0 -> 1, -0.0 -> 0).  A float must stay a float, bit for bit, so this
// writes msgpack's float32 (0xca) / float64 (0xcb) formats itself.
template <typename Buffer, typename Float>
void PutFloatExact(Float value, Buffer& buffer) {
  static_assert(sizeof(Float) == 4 || sizeof(Float) == 8, "float or double");
  using Bits = std::conditional_t<sizeof(Float) == 4, uint32_t, uint64_t>;
  Bits bits;
  std::memcpy(&bits, &value, sizeof bits);
  bits = sizeof bits == 4 ? htobe32(static_cast<uint32_t>(bits)) : htobe64(bits);
  char out[1 + sizeof bits] = {static_cast<char>(sizeof bits == 4 ? 0xca : 0xcb)};
  std::memcpy(out + 1, &bits, sizeof bits);
  buffer.write(out, sizeof out);
}

// The envelope up to the sequence number: [version, type, sender, reply_to, ...
template <typename Buffer>
void PackHead(std::string_view type, const Envelope& env, msgpack::packer<Buffer>& pk) {
  pk.pack_array(kEnvelopeFields);
  pk.pack_uint32(VersionToWrite(type, env));
  for (std::string_view s : {type, env.sender, env.reply_to})
    pk.pack_str(static_cast<uint32_t>(s.size())).pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
}

// A span's length as msgpack's str32/bin32 carries it.  Message::Put*
// refuses anything longer, so nothing is cut here.
uint32_t SpanLength(const Item& item) {
  static_assert(kMaxSpanBytes == std::numeric_limits<uint32_t>::max(), "spans fit msgpack's 32-bit lengths");
  return static_cast<uint32_t>(item.size);
}

template <typename Buffer>
void Pack(const Envelope& env, const Message& message, Buffer& buffer) {
  msgpack::packer<Buffer> pk(buffer);
  PackHead(message.type_string(), env, pk);
  pk.pack_uint64(env.seq);
  pk.pack_array(ItemElements(message));
  for (const Item& item : message.items()) {
    switch (item.kind) {
      case ItemKind::kChar: pk.pack_uint8(kTagChar).pack_int64(item.v.i); break;
      case ItemKind::kShort: pk.pack_uint8(kTagShort).pack_int64(item.v.i); break;
      case ItemKind::kInt: pk.pack_uint8(kTagInt).pack_int64(item.v.i); break;
      case ItemKind::kLong: pk.pack_uint8(kTagLong).pack_int64(item.v.i); break;
      case ItemKind::kFloat: pk.pack_uint8(kTagFloat); PutFloatExact(item.v.f, buffer); break;
      case ItemKind::kDouble: pk.pack_uint8(kTagDouble); PutFloatExact(item.v.d, buffer); break;
      case ItemKind::kText:
        pk.pack_uint8(kTagText);
        if (item.null_text)
          pk.pack_nil();
        else
          pk.pack_str(SpanLength(item)).pack_str_body(message.SpanData(item), SpanLength(item));
        break;
      case ItemKind::kBytes:
        pk.pack_uint8(kTagBytes).pack_bin(SpanLength(item)).pack_bin_body(message.SpanData(item), SpanLength(item));
        break;
      case ItemKind::kArray: {
        pk.pack_uint8(static_cast<uint8_t>(kArrayBase + static_cast<int>(item.array_kind)));
        // The pad bin's own header is 2 bytes; choose its length so that the
        // data, after its header, starts on an 8-byte boundary.
        size_t data_start = buffer.size + 2 + BinHeaderSize(item.size);
        uint32_t pad = static_cast<uint32_t>((8 - data_start % 8) % 8);
        static const char kZeros[8] = {0};
        pk.pack_bin(pad).pack_bin_body(kZeros, pad);
        pk.pack_bin(SpanLength(item)).pack_bin_body(message.SpanData(item), SpanLength(item));
        break;
      }
      case ItemKind::kTail: break;
    }
  }
}

// Visitor for msgpack::parse.  Depth 1 holds the envelope, depth 2 the flat
// item list; anything nested deeper, or of the wrong msgpack type for its
// position, stops the parse with a reason.
class FrameVisitor : public msgpack::null_visitor {
 public:
  // Every parse starts here (the visitor is reused, see Parse()).
  void Start(const char* base, size_t size, Envelope* env, Message* msg, uint32_t oldest, uint32_t newest) {
    *this = FrameVisitor();
    oldest_ = oldest;
    newest_ = newest;
    base_ = base;
    size_ = size;
    env_ = env;
    msg_ = msg;
  }
  void init() {}  // msgpack's context::init() calls it; Start() does the work
  const char* error() const { return error_; }
  // The frame was refused for its version alone (its head was readable).
  bool unsupported() const { return unsupported_; }
  std::string_view type() const { return type_; }
  // For a frame whose envelope up to the sequence number is known already
  // (see Parse()): the state a full parse has there.  The sequence number and
  // the item list are then parsed as two top-level objects, each followed by
  // EndField() (what the enclosing array would do).
  void ResumeAtSeq() {
    depth_ = 1;
    field_ = kSeqField;
    version_seen_ = true;
  }
  void EndField() { end_array_item(); }
  void EndEnvelope() { --depth_; }

  bool start_array(uint32_t n) {
    ++depth_;
    // Every element takes at least one byte: refuse absurd counts up front.
    if (n > size_) return Fail("array length larger than the frame");
    if (depth_ == 1) {
      // Another version may have other fields after the frozen ones: the
      // count is checked once the version is known.
      if (n < kFrozenFields) return Fail("envelope is not a 6-element array");
      envelope_fields_ = n;
      return true;
    }
    if (depth_ == 2 && field_ == 5) {
      msg_->ReserveItems(std::min<uint32_t>(n / 2, 64));  // items take two elements or more
      return true;
    }
    return Fail("nested array where a scalar is expected");
  }
  bool start_array_item() { return true; }
  bool end_array_item() {
    if (depth_ == 1) ++field_;
    // A frame of a version this build does not read ends here, after the
    // fields every version keeps, unless it is a refusal (read in any
    // version, as long as it has the layout of this one).
    if (depth_ == 1 && field_ == kFrozenFields && foreign_) {
      if (type_ != kRefusedType) {
        unsupported_ = true;
        return Fail("unsupported protocol version");
      }
      if (envelope_fields_ != kEnvelopeFields) return Fail("envelope is not a 6-element array");
    }
    return true;
  }
  bool end_array() {
    if (depth_ == 2 && phase_ != Phase::kTag) return Fail("item list ends inside an item");
    --depth_;
    return true;
  }
  bool start_map(uint32_t) { return Fail("map where none is allowed"); }

  bool visit_positive_integer(uint64_t v) {
    if (depth_ == 1) {
      if (field_ == 0) {
        if (v == 0 || v > std::numeric_limits<uint32_t>::max()) return Fail("unknown protocol version");
        env_->version = static_cast<uint32_t>(v);
        foreign_ = v < oldest_ || v > newest_;
        if (!foreign_ && envelope_fields_ != kEnvelopeFields) return Fail("envelope is not a 6-element array");
        version_seen_ = true;
        return true;
      }
      if (field_ == kSeqField) {
        env_->seq = v;
        return true;
      }
      return Fail("integer in the envelope where a string is expected");
    }
    if (phase_ == Phase::kTag) return StartItem(v);
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return Fail("integer out of range");
    return IntegerValue(static_cast<int64_t>(v));
  }
  bool visit_negative_integer(int64_t v) {
    if (depth_ != 2 || phase_ != Phase::kValue) return Fail("negative integer out of place");
    return IntegerValue(v);
  }
  bool visit_float32(float v) {
    if (depth_ != 2 || phase_ != Phase::kValue || item_.kind != ItemKind::kFloat)
      return Fail("float32 out of place");
    item_.v.f = v;
    return Finish();
  }
  bool visit_float64(double v) {
    if (depth_ != 2 || phase_ != Phase::kValue || item_.kind != ItemKind::kDouble)
      return Fail("float64 out of place");
    item_.v.d = v;
    return Finish();
  }
  bool visit_nil() {
    if (depth_ != 2 || phase_ != Phase::kValue || item_.kind != ItemKind::kText) return Fail("nil out of place");
    item_.null_text = true;
    return Finish();
  }
  bool visit_boolean(bool) { return Fail("boolean where none is allowed"); }
  bool visit_ext(const char*, uint32_t) { return Fail("ext where none is allowed"); }
  bool visit_str(const char* p, uint32_t n) {
    if (depth_ == 1) {
      std::string_view s(p, n);
      if (field_ == 1) {
        if (n > CM_TYPE_MAX) return Fail("type longer than 255 bytes");
        msg_->SetType(p, n);
        type_ = s;
      } else if (field_ == 2) {
        env_->sender = s;
      } else if (field_ == 3) {
        env_->reply_to = s;
      } else {
        return Fail("string in the envelope where an integer is expected");
      }
      return true;
    }
    if (depth_ != 2 || phase_ != Phase::kValue || item_.kind != ItemKind::kText) return Fail("string out of place");
    return Span(p, n);
  }
  bool visit_bin(const char* p, uint32_t n) {
    if (depth_ != 2) return Fail("bin out of place");
    if (phase_ == Phase::kPad) {
      if (n > 7) return Fail("array padding longer than 7 bytes");
      phase_ = Phase::kValue;
      return true;
    }
    if (phase_ != Phase::kValue) return Fail("bin out of place");
    // The C API reports sizes and counts as an int: a bin32 of 2 GiB or more
    // (which our senders never write) could not be handed over whole.
    if (item_.kind == ItemKind::kArray) {
      if (n % ArrayElementSize(item_.array_kind) != 0) return Fail("array data is not a whole number of elements");
      if (n / ArrayElementSize(item_.array_kind) > static_cast<uint32_t>(std::numeric_limits<int>::max()))
        return Fail("array of more elements than an int counts");
    } else if (item_.kind == ItemKind::kBytes) {
      if (n > static_cast<uint32_t>(std::numeric_limits<int>::max())) return Fail("bytes longer than an int counts");
    } else {
      return Fail("bin out of place");
    }
    return Span(p, n);
  }
  void parse_error(size_t, size_t) { SetError("not valid msgpack"); }
  void insufficient_bytes(size_t, size_t) { SetError("truncated frame"); }

  bool complete() const { return error_ == nullptr && version_seen_ && field_ == kEnvelopeFields; }

 private:
  enum class Phase { kTag, kPad, kValue };

  bool Fail(const char* why) {
    SetError(why);
    return false;
  }
  void SetError(const char* why) {
    if (error_ == nullptr) error_ = why;
  }
  bool StartItem(uint64_t tag) {
    if (depth_ != 2) return Fail("integer out of place");
    item_ = Item();
    static const ItemKind kScalar[] = {ItemKind::kTail,  ItemKind::kChar,  ItemKind::kShort,
                                       ItemKind::kInt,   ItemKind::kLong,  ItemKind::kFloat,
                                       ItemKind::kDouble, ItemKind::kText, ItemKind::kBytes};
    if (tag >= kTagChar && tag <= kTagBytes) {
      item_.kind = kScalar[tag];
      phase_ = Phase::kValue;
    } else if (tag >= kArrayBase && tag < kArrayBase + kArrayKinds) {
      item_.kind = ItemKind::kArray;
      item_.array_kind = static_cast<ArrayKind>(tag - kArrayBase);
      phase_ = Phase::kPad;
    } else {
      return Fail("unknown item tag");
    }
    return true;
  }
  bool IntegerValue(int64_t v) {
    int64_t lo, hi;
    switch (item_.kind) {
      case ItemKind::kChar: lo = std::numeric_limits<signed char>::min(); hi = 255; break;
      case ItemKind::kShort: lo = std::numeric_limits<short>::min(); hi = std::numeric_limits<unsigned short>::max(); break;
      case ItemKind::kInt: lo = std::numeric_limits<int>::min(); hi = std::numeric_limits<unsigned>::max(); break;
      case ItemKind::kLong: lo = std::numeric_limits<int64_t>::min(); hi = std::numeric_limits<int64_t>::max(); break;
      default: return Fail("integer where the item tag wants another type");
    }
    if (v < lo || v > hi) return Fail("integer out of range for its item type");
    item_.v.i = v;
    return Finish();
  }
  bool Span(const char* p, uint32_t n) {
    if (n == 0) p = base_;  // msgpack-cxx gives no position for an empty str or bin
    if (p < base_ || p + n > base_ + size_) return Fail("span outside the frame");
    item_.size = n;
    item_.v.ptr = p;
    return Finish();
  }
  bool Finish() {
    msg_->AppendDecoded(item_);
    phase_ = Phase::kTag;
    return true;
  }

  uint32_t oldest_ = kOldestProtocolVersion, newest_ = kProtocolVersion;  // versions read
  bool foreign_ = false;      // of a version not read: only the frozen fields are
  bool unsupported_ = false;  // ...and refused for it
  size_t envelope_fields_ = 0;
  const char* base_ = nullptr;
  size_t size_ = 0;
  Envelope* env_ = nullptr;
  Message* msg_ = nullptr;
  const char* error_ = nullptr;
  int depth_ = 0;
  size_t field_ = 0;
  bool version_seen_ = false;
  Phase phase_ = Phase::kTag;
  Item item_;
  std::string_view type_;
};

// One msgpack object from data[*offset], as msgpack::detail::parse_imp() does.
template <typename Helper>
msgpack::parse_return ParseObject(Helper& helper, const char* data, size_t size, size_t* offset) {
  helper.init();
  try {
    return helper.execute(data, size, *offset);
  } catch (const std::exception&) {
    return msgpack::PARSE_PARSE_ERROR;  // msgpack-cxx throws on some limits (e.g. depth)
  }
}

const char* Refusal(const FrameVisitor& visitor, msgpack::parse_return ret) {
  if (visitor.error() != nullptr) return visitor.error();
  return ret == msgpack::PARSE_CONTINUE ? "truncated frame" : "not valid msgpack";
}

// Text from the network, for a log line: at most 80 bytes, control
// characters and backslashes escaped (a name cannot forge a line).
std::string Loggable(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size() && i < 80; ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f || c == '\\') {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  if (text.size() > 80) out += "...";
  return out;
}

std::string Range(uint32_t oldest, uint32_t newest) {
  return oldest == newest ? std::to_string(oldest) : std::to_string(oldest) + " to " + std::to_string(newest);
}

// The receiver's log line for a frame it refuses, saying what to do.
std::string RefusedLine(const Envelope& env, std::string_view type, uint32_t oldest, uint32_t newest) {
  std::string from = "'" + Loggable(env.sender) + "'";
  std::string line = "frame '" + Loggable(type) + "' of protocol " + std::to_string(env.version) + " from " + from +
                     " refused: this library (libCm-zmq " + LibraryVersion() + ") reads protocol " +
                     Range(oldest, newest) + "; ";
  if (env.version < oldest) return line + "upgrade " + from + ", whose library is older";
  return line + "upgrade this process, or have " + from + " write protocol " + std::to_string(newest) +
         " (CM_PROTOCOL=" + std::to_string(newest) + ")";
}

class CopiedFrame : public FrameBuffer {
 public:
  CopiedFrame(const char* p, size_t n) : bytes_(p, p + n) {}
  const char* data() const override { return bytes_.data(); }
  size_t size() const override { return bytes_.size(); }

 private:
  std::vector<char> bytes_;
};

}  // namespace

size_t EncodedSize(const Envelope& envelope, const Message& message) {
  CountingBuffer counter;
  Pack(envelope, message, counter);
  return counter.size;
}

void Encode(const Envelope& envelope, const Message& message, char* out) {
  FixedBuffer writer{out};
  Pack(envelope, message, writer);
}

// msgpack::parse() builds a parser, and allocates its stack, for every
// frame; a decoder keeps one.  It also keeps the head of the last frame it
// parsed in full: the envelope up to the sequence number, [version, type,
// sender, reply_to].  Frames of one stream (one sender, one type) repeat
// those bytes, so a frame that starts with them has the same values there,
// at the same offsets: only its sequence number and items are parsed.
struct FrameDecoder::Parser {
  uint32_t oldest, newest;  // the versions read
  FrameVisitor visitor;
  msgpack::detail::parse_helper<FrameVisitor> helper{visitor};
  std::string head;  // empty: none yet
  size_t type_at = 0, sender_at = 0, reply_to_at = 0;  // offsets in `head`
  size_t type_size = 0, sender_size = 0, reply_to_size = 0;

  // Returns why the frame is refused, or nullptr.  With `consumed`, the
  // frame may be followed by others and *consumed is its length.
  const char* Parse(const char* data, size_t size, Envelope* envelope, Message* message, size_t* consumed);
  void RememberHead(const char* data, size_t size, const Envelope& env, std::string_view type);
};

FrameDecoder::FrameDecoder(uint32_t oldest, uint32_t newest) : parser_(std::make_unique<Parser>()) {
  parser_->oldest = oldest;
  parser_->newest = newest;
}
FrameDecoder::~FrameDecoder() = default;

Status FrameDecoder::Decode(const char* data, size_t size, Envelope* envelope, Message* message) {
  return Run(data, size, nullptr, envelope, message);
}

Status FrameDecoder::DecodeFirst(const char* data, size_t size, size_t* consumed, Envelope* envelope,
                                 Message* message) {
  return Run(data, size, consumed, envelope, message);
}

Status FrameDecoder::Run(const char* data, size_t size, size_t* consumed, Envelope* envelope, Message* message) {
  message->Reset();
  *envelope = Envelope();
  const char* error = parser_->Parse(data, size, envelope, message, consumed);
  if (error == nullptr) return Status::Ok();
  if (parser_->visitor.unsupported()) {
    // The envelope and the type stay: the caller logs and answers it.
    // The rest of the range goes with it: frames coalesced together come
    // from one sender, in one version.
    if (consumed != nullptr) *consumed = size;
    return Status::Unsupported(RefusedLine(*envelope, message->type_string(), parser_->oldest, parser_->newest));
  }
  message->Reset();
  *envelope = Envelope();
  if (consumed != nullptr) *consumed = size;
  return Status::Malformed(error);
}

const char* FrameDecoder::Parser::Parse(const char* data, size_t size, Envelope* envelope, Message* message,
                                        size_t* consumed) {
  visitor.Start(data, size, envelope, message, oldest, newest);
  size_t offset = 0;
  bool known = !head.empty() && size > head.size() && std::memcmp(data, head.data(), head.size()) == 0;
  if (known) {
    message->SetType(data + type_at, type_size);
    envelope->sender = std::string_view(data + sender_at, sender_size);
    envelope->reply_to = std::string_view(data + reply_to_at, reply_to_size);
    visitor.ResumeAtSeq();
    offset = head.size();
    for (size_t field = kSeqField; field < kEnvelopeFields; ++field) {
      msgpack::parse_return ret = ParseObject(helper, data, size, &offset);
      if (ret != msgpack::PARSE_SUCCESS || visitor.error() != nullptr) return Refusal(visitor, ret);
      visitor.EndField();
    }
    visitor.EndEnvelope();
  } else {
    msgpack::parse_return ret = ParseObject(helper, data, size, &offset);
    if (ret != msgpack::PARSE_SUCCESS || visitor.error() != nullptr) return Refusal(visitor, ret);
  }
  if (consumed != nullptr)
    *consumed = offset;
  else if (offset != size)
    return "trailing bytes after the frame";
  if (!visitor.complete()) return "incomplete envelope";
  bool read = envelope->version >= oldest && envelope->version <= newest;  // not a refusal of another version
  if (!known && read) RememberHead(data, size, *envelope, visitor.type());
  return nullptr;
}

// After a full parse: the head as our encoder writes it, kept if the frame
// starts with exactly those bytes (another encoder may write the same values
// differently).
void FrameDecoder::Parser::RememberHead(const char* data, size_t size, const Envelope& env, std::string_view type) {
  head.clear();
  StringBuffer buffer{head};
  msgpack::packer<StringBuffer> pk(buffer);
  PackHead(type, env, pk);
  if (head.size() >= size || std::memcmp(data, head.data(), head.size()) != 0) {
    head.clear();
    return;
  }
  // The views point into the frame (an empty one may not: msgpack-cxx gives
  // no position for an empty string, and none is needed).
  auto at = [data](std::string_view s) { return s.empty() ? size_t{0} : static_cast<size_t>(s.data() - data); };
  type_at = at(type);
  type_size = type.size();
  sender_at = at(env.sender);
  sender_size = env.sender.size();
  reply_to_at = at(env.reply_to);
  reply_to_size = env.reply_to.size();
}

Status Decode(std::unique_ptr<FrameBuffer> frame, Envelope* envelope, Message* message) {
  Status s = FrameDecoder().Decode(frame->data(), frame->size(), envelope, message);
  // An unsupported frame's envelope points into it too.
  if (s.ok() || s.IsUnsupported()) message->AdoptFrame(std::move(frame));
  return s;
}

size_t CountFrames(const char* data, size_t size) {
  FrameDecoder decoder;
  Envelope envelope;
  Message message;
  size_t frames = 0;
  for (size_t at = 0, used = 0; at < size; at += used, ++frames)
    if (!decoder.DecodeFirst(data + at, size - at, &used, &envelope, &message).ok()) return frames + 1;
  return frames;
}

Status DecodeCopy(const char* data, size_t size, Envelope* envelope, Message* message) {
  return Decode(std::make_unique<CopiedFrame>(data, size), envelope, message);
}

}  // namespace cm

namespace cm {

void MakeRefusal(const Envelope& refused, Message* out) {
  out->Reset();
  out->SetType(kRefusedType);
  std::string reason = "this process (libCm-zmq " + std::string(LibraryVersion()) + ") reads protocol " +
                       Range(kOldestProtocolVersion, kProtocolVersion) + ", not " + std::to_string(refused.version);
  out->PutText(reason.c_str());
  out->PutInt(static_cast<int>(refused.version));
  out->PutInt(static_cast<int>(kOldestProtocolVersion));
  out->PutInt(static_cast<int>(kProtocolVersion));
  out->PutText(LibraryVersion());
}

std::string DescribeRefusal(std::string_view from, Message& refusal) {
  refusal.Rewind();
  const char* reason = refusal.GetText();
  std::string who = "'" + Loggable(from) + "'";
  std::string line = who + " refused a frame of ours: " + Loggable(reason != nullptr ? reason : "no reason given");
  if (refusal.items().size() < 5) return line;  // a later version's refusal may say less
  uint32_t version = static_cast<uint32_t>(refusal.GetInt());
  uint32_t oldest = static_cast<uint32_t>(refusal.GetInt());
  uint32_t newest = static_cast<uint32_t>(refusal.GetInt());
  const char* library = refusal.GetText();
  line = who + " (libCm-zmq " + Loggable(library != nullptr ? library : "?") + ") refused a frame of protocol " +
         std::to_string(version) + ": it reads protocol " + Range(oldest, newest) + "; ";
  if (version > newest && ReadsProtocol(newest))
    return line + "write protocol " + std::to_string(newest) + " here (CM_PROTOCOL=" + std::to_string(newest) +
           "), or upgrade " + who;
  if (version > newest) return line + "upgrade " + who + ", whose library is more than one release older";
  return line + "upgrade this process (libCm-zmq " + LibraryVersion() + "), whose library is older";
}

}  // namespace cm
