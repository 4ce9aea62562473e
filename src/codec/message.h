// Message: a type string and a sequence of typed items with a read cursor.
//
// This is what a CmMessage handle points to.  Put appends; Get reads the item
// at the cursor and advances, converting numbers as a C cast would (clamped)
// and answering 0 / NULL for a mismatch or past the end, with one warning per
// message type.  A received message keeps its frame (FrameBuffer) alive and
// its spans point into it: nothing is copied on the receive path except texts
// (to add their NUL) and misaligned arrays.
//
// Not thread-safe; a message belongs to one thread at a time.
#ifndef CM_CODEC_MESSAGE_H
#define CM_CODEC_MESSAGE_H

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <vector>

#include "codec/item.h"

namespace cm {

// Owner of a received frame's bytes (the transport wraps its zmq message).
class FrameBuffer {
 public:
  virtual ~FrameBuffer() = default;
  virtual const char* data() const = 0;
  virtual size_t size() const = 0;
};

class Message {
 public:
  Message() = default;
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  void Reset();
  // What the message's own buffers hold (a message kept for reuse keeps them).
  size_t StorageBytes() const { return storage_.capacity(); }

  // Cut to CM_TYPE_MAX bytes (logged).  nullptr sets "".
  void SetType(const char* type);
  void SetType(const char* type, size_t size);
  const char* type() const { return type_.c_str(); }
  const std::string& type_string() const { return type_; }

  void PutChar(char v) { PutInteger(ItemKind::kChar, v); }
  void PutShort(short v) { PutInteger(ItemKind::kShort, v); }
  void PutInt(int v) { PutInteger(ItemKind::kInt, v); }
  void PutLong(long v) { PutInteger(ItemKind::kLong, v); }
  void PutFloat(float v);
  void PutDouble(double v);
  // A text, bytes or array of more than kMaxSpanBytes cannot travel: it is
  // refused with a logged error, nothing is appended, and these return false.
  bool PutText(const char* text);  // nullptr allowed
  bool PutText(const char* text, size_t size);
  bool PutBytes(const char* bytes, size_t size);
  // external: keep only the pointer (the caller's array outlives the sends).
  bool PutArray(ArrayKind kind, const void* data, size_t count, bool external);

  // Reading.  Peek never advances.
  ItemKind PeekKind() const;
  char GetChar() { return GetNumber<char>(ItemKind::kChar); }
  short GetShort() { return GetNumber<short>(ItemKind::kShort); }
  int GetInt() { return GetNumber<int>(ItemKind::kInt); }
  long GetLong() { return GetNumber<long>(ItemKind::kLong); }
  float GetFloat() { return GetNumber<float>(ItemKind::kFloat); }
  double GetDouble() { return GetNumber<double>(ItemKind::kDouble); }
  // NUL-terminated copy owned by the message (valid until Reset); nullptr
  // for a NULL text, a mismatch or the end.
  const char* GetText();
  // Non-null (maybe "") with *size for a bytes item; nullptr and 0 otherwise.
  const char* GetBytes(size_t* size);
  // Element pointer (aligned), kind and count; nullptr and 0 otherwise.
  const void* GetArray(ArrayKind* kind, size_t* count);

  // Reading warnings are shown once per (type, problem) among the last
  // kRememberedWarnings such pairs; how many are remembered now (tests).
  static constexpr size_t kRememberedWarnings = 1024;
  static size_t RememberedWarnings();

  // Raw access for the codec and tools.
  const std::vector<Item>& items() const { return items_; }
  size_t cursor() const { return cursor_; }
  void Rewind() { cursor_ = 0; }
  const char* SpanData(const Item& item) const {
    return item.in_storage ? storage_.data() + item.v.offset : item.v.ptr;
  }

  // Decoder interface: append items whose spans point into `frame`, which the
  // message then owns.
  void AdoptFrame(std::unique_ptr<FrameBuffer> frame) { frame_ = std::move(frame); }
  void AppendDecoded(const Item& item) { items_.push_back(item); }
  void ReserveItems(size_t n) { items_.reserve(n); }

 private:
  void PutInteger(ItemKind kind, int64_t v);
  bool RefuseSpan(const std::string& what, uint64_t bytes) const;
  std::string LoggableType() const;
  size_t AppendStorage(const void* data, size_t size, size_t align);
  const Item* Next(ItemKind want, bool numeric);
  template <typename T>
  T GetNumber(ItemKind want);
  void Warn(const char* what, const Item* item) const;

  std::string type_;
  std::vector<Item> items_;
  std::vector<char> storage_;  // bytes Put copied (offsets stay valid as it grows)
  size_t cursor_ = 0;
  std::unique_ptr<FrameBuffer> frame_;
  // Stable addresses, and no allocation while empty (a std::deque allocates
  // on construction, and a message is made per received frame).
  // GetText copies: Reset keeps the strings, so a reused message (the
  // session's dispatch messages) copies texts without allocating.
  std::list<std::string> texts_;
  std::list<std::string>::iterator next_text_ = texts_.end();  // the next copy to fill
  std::list<std::vector<double>> aligned_;    // realigned array copies
};

}  // namespace cm

#endif
