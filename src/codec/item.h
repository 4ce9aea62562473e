// Item: one typed value of a message, as the codec keeps it.
//
// Scalars are held by value.  Text, bytes and arrays are a span of bytes that
// lives either in the message's own storage (what Put copied), in the
// caller's memory (PutExternalArray), or in the received frame (zero copy).
#ifndef CM_CODEC_ITEM_H
#define CM_CODEC_ITEM_H

#include <cstddef>
#include <cstdint>

namespace cm {

// Same order and values as CmMessageItemType (checked in the API layer).
enum class ItemKind : uint8_t { kChar, kShort, kInt, kLong, kFloat, kDouble, kArray, kText, kBytes, kTail };
// Same order and values as CmMessageArrayType.
enum class ArrayKind : uint8_t { kChar, kShort, kInt, kLong, kFloat, kDouble };
constexpr int kArrayKinds = 6;

// The largest text, bytes or array data one item may hold, in bytes: msgpack
// writes a str or bin with a 32-bit length (str32, bin32), so 4 GiB - 1.
// Sizes are 64-bit everywhere inside, so that a larger one is seen and
// refused (Message::Put*), never cut to its low 32 bits.
constexpr uint64_t kMaxSpanBytes = 0xffffffffu;

// Bytes per element, in memory and on the wire (long is 64-bit on both).
size_t ArrayElementSize(ArrayKind kind);
const char* ItemKindName(ItemKind kind);
const char* ArrayKindName(ArrayKind kind);

struct Item {
  ItemKind kind = ItemKind::kTail;
  ArrayKind array_kind = ArrayKind::kChar;  // kind == kArray only
  bool null_text = false;                   // PutText(NULL)
  bool in_storage = false;                  // `offset` indexes the message's storage
  uint64_t size = 0;                        // span length in bytes, at most kMaxSpanBytes
  union {
    int64_t i;  // char, short, int, long
    float f;
    double d;
    const char* ptr;  // span outside the storage
    size_t offset;    // span inside the storage
  } v{};
};

}  // namespace cm

#endif
