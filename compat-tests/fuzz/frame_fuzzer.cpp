// libFuzzer target for the frame decoder.  Whatever the bytes: no crash, no
// read outside the buffer (ASan), no undefined behaviour (UBSan); a frame
// that decodes must encode back to a frame that decodes to the same items;
// a decoder kept across inputs decodes each as a fresh one does; and the
// input read as a ZeroMQ message of several frames (protocol 2) is cut
// into frames that each decode alone, as many as CountFrames says.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "codec/frame.h"

namespace {

void ReadAll(cm::Message& m) {
  for (;;) {
    cm::ItemKind kind = m.PeekKind();
    size_t n;
    cm::ArrayKind array_kind;
    switch (kind) {
      case cm::ItemKind::kTail: return;
      case cm::ItemKind::kText: (void)m.GetText(); break;
      case cm::ItemKind::kBytes: (void)m.GetBytes(&n); break;
      case cm::ItemKind::kArray: (void)m.GetArray(&array_kind, &n); break;
      case cm::ItemKind::kFloat: (void)m.GetInt(); break;  // a converting get
      default: (void)m.GetDouble(); break;
    }
  }
}

// The receive path's decoder keeps state from frame to frame (the head of
// the last one): fed every input in turn, it must agree with a fresh decode.
void SameAsKeptDecoder(const char* data, size_t size, bool ok, const cm::Envelope& env, const cm::Message& msg) {
  static cm::FrameDecoder kept;
  std::vector<char> copy(data, data + size);  // its views point into the bytes
  cm::Envelope kept_env;
  cm::Message kept_msg;
  if (kept.Decode(copy.data(), copy.size(), &kept_env, &kept_msg).ok() != ok) __builtin_trap();
  if (!ok) return;
  if (kept_env.sender != env.sender || kept_env.reply_to != env.reply_to || kept_env.seq != env.seq ||
      std::strcmp(kept_msg.type(), msg.type()) != 0 || kept_msg.items().size() != msg.items().size())
    __builtin_trap();
  for (size_t i = 0; i < msg.items().size(); ++i) {
    const cm::Item& a = msg.items()[i];
    const cm::Item& b = kept_msg.items()[i];
    if (a.kind != b.kind || a.size != b.size || a.null_text != b.null_text) __builtin_trap();
    if (a.size != 0 && std::memcmp(msg.SpanData(a), kept_msg.SpanData(b), a.size) != 0) __builtin_trap();
  }
}

// The receive path's walk over a ZeroMQ message: one frame after another,
// until the end or a refusal (which takes the rest).  Each frame lies in
// what is left, its views inside its own bytes, and decodes alone, exactly
// so, to the same values.
void WalkFrames(const char* data, size_t size) {
  cm::FrameDecoder decoder;
  size_t frames = 0;
  for (size_t at = 0; at < size; ++frames) {
    const char* begin = data + at;
    size_t left = size - at;
    size_t used = 0;
    cm::Envelope env;
    cm::Message msg;
    bool ok = decoder.DecodeFirst(begin, left, &used, &env, &msg).ok();
    if (used == 0 || used > left) __builtin_trap();
    if (!ok) {
      if (used != left || !msg.items().empty()) __builtin_trap();
      ++frames;
      break;
    }
    auto inside = [&](const char* p, size_t n) { return n == 0 || (p >= begin && p + n <= begin + used); };
    if (!inside(env.sender.data(), env.sender.size()) || !inside(env.reply_to.data(), env.reply_to.size()))
      __builtin_trap();
    for (const cm::Item& item : msg.items())
      if (!item.in_storage && item.size != 0 && !inside(item.v.ptr, item.size)) __builtin_trap();
    cm::Envelope alone_env;
    cm::Message alone;
    if (!cm::DecodeCopy(begin, used, &alone_env, &alone).ok()) __builtin_trap();
    if (alone_env.sender != env.sender || alone_env.reply_to != env.reply_to || alone_env.seq != env.seq ||
        std::strcmp(alone.type(), msg.type()) != 0 || alone.items().size() != msg.items().size())
      __builtin_trap();
    ReadAll(msg);
    at += used;
  }
  if (cm::CountFrames(data, size) != frames) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cm::Envelope env;
  cm::Message msg;
  bool ok = cm::DecodeCopy(reinterpret_cast<const char*>(data), size, &env, &msg).ok();
  SameAsKeptDecoder(reinterpret_cast<const char*>(data), size, ok, env, msg);
  WalkFrames(reinterpret_cast<const char*>(data), size);
  if (!ok) return 0;
  std::string sender(env.sender), reply_to(env.reply_to);
  cm::Envelope out_env;
  out_env.sender = sender;
  out_env.reply_to = reply_to;
  out_env.seq = env.seq;
  std::vector<char> wire(cm::EncodedSize(out_env, msg));
  cm::Encode(out_env, msg, wire.data());
  cm::Envelope again_env;
  cm::Message again;
  if (!cm::DecodeCopy(wire.data(), wire.size(), &again_env, &again).ok()) __builtin_trap();
  if (again.items().size() != msg.items().size() || std::strcmp(again.type(), msg.type()) != 0) __builtin_trap();
  for (size_t i = 0; i < msg.items().size(); ++i) {
    const cm::Item& a = msg.items()[i];
    const cm::Item& b = again.items()[i];
    if (a.kind != b.kind || a.size != b.size || a.null_text != b.null_text) __builtin_trap();
    if (a.size != 0 && std::memcmp(msg.SpanData(a), again.SpanData(b), a.size) != 0) __builtin_trap();
  }
  ReadAll(msg);
  return 0;
}
