#include "codec/message.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>
#include <type_traits>
#include <utility>

#include "Cm/CmDefs.h"
#include "codec/recent_keys.h"
#include "util/log.h"

namespace cm {

static_assert(sizeof(long) == 8 && sizeof(double) == 8 && sizeof(float) == 4,
              "libCm-zmq targets LP64 Linux: long travels as 64 bits without conversion");
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "arrays travel little-endian as in memory");

namespace {

// Converts as a C cast would, but clamps what would overflow (a plain cast is
// undefined behaviour there).  NaN becomes 0 for integer targets.  Infinity
// and NaN stay what they are for float and double targets: only a finite
// value too large for the target (a double beyond FLT_MAX read as a float)
// is clamped.
template <typename T>
T Clamp(const Item& item) {
  if (item.kind == ItemKind::kFloat || item.kind == ItemKind::kDouble) {
    double d = item.kind == ItemKind::kFloat ? item.v.f : item.v.d;
    if constexpr (std::is_floating_point_v<T>) {
      if (!std::isfinite(d)) return static_cast<T>(d);
      if (d > std::numeric_limits<T>::max()) return std::numeric_limits<T>::max();
      if (d < std::numeric_limits<T>::lowest()) return std::numeric_limits<T>::lowest();
      return static_cast<T>(d);
    } else {
      if (std::isnan(d)) return 0;
      if (d >= static_cast<double>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
      if (d <= static_cast<double>(std::numeric_limits<T>::min())) return std::numeric_limits<T>::min();
      return static_cast<T>(d);
    }
  }
  int64_t i = item.v.i;
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(i);
  } else {
    if (i > static_cast<int64_t>(std::numeric_limits<T>::max())) return std::numeric_limits<T>::max();
    if (i < static_cast<int64_t>(std::numeric_limits<T>::min())) return std::numeric_limits<T>::min();
    return static_cast<T>(i);
  }
}

bool IsNumeric(ItemKind kind) { return kind <= ItemKind::kDouble; }

// The (type, problem) pairs Message::Warn has warned about, shared by every
// message of the process.
std::mutex& WarnedMutex() {
  static std::mutex mutex;
  return mutex;
}
// Never destroyed: a message may still be read (and warn) at exit.
RecentKeys& Warned() {
  static RecentKeys* warned = new RecentKeys(Message::kRememberedWarnings);
  return *warned;
}

}  // namespace

void Message::Reset() {
  type_.clear();
  items_.clear();
  storage_.clear();
  cursor_ = 0;
  frame_.reset();
  next_text_ = texts_.begin();
  aligned_.clear();
}

void Message::SetType(const char* type) { SetType(type, type ? std::strlen(type) : 0); }

void Message::SetType(const char* type, size_t size) {
  if (size > CM_TYPE_MAX) {
    CM_WARN("message type '%.40s...' is %zu bytes long: cut to %d", type, size, CM_TYPE_MAX);
    size = CM_TYPE_MAX;
  }
  if (type == nullptr) size = 0;
  // resize + copy, not assign: a reused message keeps its capacity, and
  // assign's general path costs twice as much per message.  memmove: `type`
  // may point into type_ itself (then it is no longer than type_).
  type_.resize(size);
  if (size > 0) std::memmove(type_.data(), type, size);
}

void Message::PutInteger(ItemKind kind, int64_t v) {
  Item item;
  item.kind = kind;
  item.v.i = v;
  items_.push_back(item);
}

void Message::PutFloat(float v) {
  Item item;
  item.kind = ItemKind::kFloat;
  item.v.f = v;
  items_.push_back(item);
}

void Message::PutDouble(double v) {
  Item item;
  item.kind = ItemKind::kDouble;
  item.v.d = v;
  items_.push_back(item);
}

size_t Message::AppendStorage(const void* data, size_t size, size_t align) {
  size_t offset = (storage_.size() + align - 1) / align * align;
  storage_.resize(offset + size);
  if (size > 0) std::memcpy(storage_.data() + offset, data, size);
  return offset;
}

// Logs why an item of `bytes` bytes is not appended; always false.  Logged
// every time, not once: each refusal is a message that would go out without
// data its sender meant to send.
bool Message::RefuseSpan(const std::string& what, uint64_t bytes) const {
  CM_ERROR("message '%s': %s of %llu bytes refused: one item carries at most 4 GiB - 1 bytes "
           "(msgpack's 32-bit length); nothing appended",
           LoggableType().c_str(), what.c_str(), static_cast<unsigned long long>(bytes));
  return false;
}

bool Message::PutText(const char* text) { return PutText(text, text ? std::strlen(text) : 0); }

bool Message::PutText(const char* text, size_t size) {
  if (size > kMaxSpanBytes) return RefuseSpan("a text", size);
  Item item;
  item.kind = ItemKind::kText;
  item.null_text = text == nullptr;
  item.in_storage = true;
  item.size = size;
  item.v.offset = AppendStorage(text, size, 1);
  items_.push_back(item);
  return true;
}

bool Message::PutBytes(const char* bytes, size_t size) {
  if (size > kMaxSpanBytes) return RefuseSpan("a bytes item", size);
  Item item;
  item.kind = ItemKind::kBytes;
  item.in_storage = true;
  item.size = size;
  item.v.offset = AppendStorage(bytes, size, 1);
  items_.push_back(item);
  return true;
}

bool Message::PutArray(ArrayKind kind, const void* data, size_t count, bool external) {
  uint64_t bytes;
  if (__builtin_mul_overflow(static_cast<uint64_t>(count), ArrayElementSize(kind), &bytes)) bytes = UINT64_MAX;
  if (bytes > kMaxSpanBytes)
    return RefuseSpan("an array of " + std::to_string(count) + " " + ArrayKindName(kind) + "s", bytes);
  Item item;
  item.kind = ItemKind::kArray;
  item.array_kind = kind;
  item.size = bytes;
  if (external) {
    item.v.ptr = static_cast<const char*>(data);
  } else {
    item.in_storage = true;
    item.v.offset = AppendStorage(data, item.size, 8);
  }
  items_.push_back(item);
  return true;
}

ItemKind Message::PeekKind() const {
  return cursor_ < items_.size() ? items_[cursor_].kind : ItemKind::kTail;
}

size_t Message::RememberedWarnings() {
  std::lock_guard<std::mutex> lock(WarnedMutex());
  return Warned().size();
}

// A type as a log line may quote it: it comes from the network, and a
// newline or an ESC in it must not forge or hide log lines.
std::string Message::LoggableType() const {
  std::string out = type_;
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

void Message::Warn(const char* what, const Item* item) const {
  // Once per (message type, problem): a loop reading a wrong layout must not
  // flood the log.  Only the most recent kRememberedWarnings are remembered,
  // so a process that reads ever new types wrongly does not grow for ever
  // (it warns again for a type forgotten meanwhile).
  std::string key = type_ + '\0' + what + '\0' + (item ? ItemKindName(item->kind) : "");
  {
    std::lock_guard<std::mutex> lock(WarnedMutex());
    if (!Warned().Insert(key)) return;
  }
  if (item == nullptr)
    CM_WARN("message '%s': %s past the last item: returned 0/NULL", LoggableType().c_str(), what);
  else
    CM_WARN("message '%s': %s on a %s item: returned 0/NULL and skipped it", LoggableType().c_str(), what,
            ItemKindName(item->kind));
}

const Item* Message::Next(ItemKind want, bool numeric) {
  const char* what = numeric ? "a numeric Get" : ItemKindName(want);
  if (cursor_ >= items_.size()) {
    Warn(what, nullptr);
    return nullptr;
  }
  const Item* item = &items_[cursor_++];
  bool match = numeric ? IsNumeric(item->kind) : item->kind == want;
  if (!match) {
    Warn(what, item);
    return nullptr;
  }
  return item;
}

template <typename T>
T Message::GetNumber(ItemKind want) {
  const Item* item = Next(want, true);
  return item ? Clamp<T>(*item) : T(0);
}
template char Message::GetNumber<char>(ItemKind);
template short Message::GetNumber<short>(ItemKind);
template int Message::GetNumber<int>(ItemKind);
template long Message::GetNumber<long>(ItemKind);
template float Message::GetNumber<float>(ItemKind);
template double Message::GetNumber<double>(ItemKind);

const char* Message::GetText() {
  const Item* item = Next(ItemKind::kText, false);
  if (item == nullptr || item->null_text) return nullptr;
  if (next_text_ == texts_.end()) next_text_ = texts_.emplace(texts_.end());
  next_text_->resize(item->size);  // as in SetType: no reallocation once the string has grown
  if (item->size > 0) std::memcpy(next_text_->data(), SpanData(*item), item->size);
  return (next_text_++)->c_str();
}

const char* Message::GetBytes(size_t* size) {
  const Item* item = Next(ItemKind::kBytes, false);
  *size = item ? item->size : 0;
  if (item == nullptr) return nullptr;
  const char* data = SpanData(*item);
  return data ? data : "";
}

const void* Message::GetArray(ArrayKind* kind, size_t* count) {
  const Item* item = Next(ItemKind::kArray, false);
  if (item == nullptr) {
    *count = 0;
    return nullptr;
  }
  size_t element = ArrayElementSize(item->array_kind);
  *kind = item->array_kind;
  *count = item->size / element;
  const char* data = SpanData(*item);
  if (data == nullptr || item->size == 0) {
    static const double kEmpty = 0;
    return &kEmpty;
  }
  if (reinterpret_cast<uintptr_t>(data) % element != 0) {
    // The encoder pads arrays to 8 bytes in the frame; a frame from elsewhere
    // may not be, and a misaligned pointer must not reach C code.
    aligned_.emplace_back((item->size + 7) / 8);
    std::memcpy(aligned_.back().data(), data, item->size);
    return aligned_.back().data();
  }
  return data;
}

}  // namespace cm
