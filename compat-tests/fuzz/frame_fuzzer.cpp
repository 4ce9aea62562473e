// libFuzzer target for the frame decoder.  Whatever the bytes: no crash, no
// read outside the buffer (ASan), no undefined behaviour (UBSan); a frame
// that decodes must encode back to a frame that decodes to the same items;
// and a decoder kept across inputs decodes each as a fresh one does.
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cm::Envelope env;
  cm::Message msg;
  bool ok = cm::DecodeCopy(reinterpret_cast<const char*>(data), size, &env, &msg).ok();
  SameAsKeptDecoder(reinterpret_cast<const char*>(data), size, ok, env, msg);
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
