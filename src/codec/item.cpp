#include "codec/item.h"

namespace cm {

size_t ArrayElementSize(ArrayKind kind) {
  static const size_t kSizes[kArrayKinds] = {1, 2, 4, 8, 4, 8};
  return kSizes[static_cast<int>(kind)];
}

const char* ItemKindName(ItemKind kind) {
  static const char* const kNames[] = {"char", "short", "int",  "long",  "float",
                                       "double", "array", "text", "bytes", "end"};
  return kNames[static_cast<int>(kind)];
}

const char* ArrayKindName(ArrayKind kind) {
  static const char* const kNames[kArrayKinds] = {"char", "short", "int", "long", "float", "double"};
  return kNames[static_cast<int>(kind)];
}

}  // namespace cm
