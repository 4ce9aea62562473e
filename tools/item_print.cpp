#include "item_print.h"

#include <cstdint>
#include <cstring>

#include "output.h"

namespace cmtool {
namespace {

std::string Hex(const char* data, size_t size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    auto byte = static_cast<unsigned char>(data[i]);
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  return out;
}

// Element i of an array item (little-endian on the wire and in memory; the
// data may be unaligned, so it is copied out).
template <typename T>
T Element(const char* data, size_t i) {
  T value;
  std::memcpy(&value, data + i * sizeof(T), sizeof(T));
  return value;
}

// Element i as text.
std::string FormatElement(cm::ArrayKind kind, const char* data, size_t i) {
  switch (kind) {
    case cm::ArrayKind::kChar: return std::to_string(Element<signed char>(data, i));
    case cm::ArrayKind::kShort: return std::to_string(Element<int16_t>(data, i));
    case cm::ArrayKind::kInt: return std::to_string(Element<int32_t>(data, i));
    case cm::ArrayKind::kLong: return std::to_string(Element<int64_t>(data, i));
    case cm::ArrayKind::kFloat: return FormatFloat(Element<float>(data, i));
    default: return FormatDouble(Element<double>(data, i));
  }
}

std::string Elements(const cm::Message& message, const cm::Item& item, const char* separator) {
  size_t count = item.size / cm::ArrayElementSize(item.array_kind);
  const char* data = message.SpanData(item);
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out += separator;
    out += FormatElement(item.array_kind, data, i);
  }
  return out;
}

std::string Value(const cm::Message& message, const cm::Item& item) {
  switch (item.kind) {
    case cm::ItemKind::kChar:
    case cm::ItemKind::kShort:
    case cm::ItemKind::kInt:
    case cm::ItemKind::kLong: return std::to_string(item.v.i);
    case cm::ItemKind::kFloat: return FormatFloat(item.v.f);
    case cm::ItemKind::kDouble: return FormatDouble(item.v.d);
    case cm::ItemKind::kText:
      if (item.null_text) return "NULL";
      return QuotedText(std::string_view(message.SpanData(item), item.size));
    case cm::ItemKind::kBytes: {
      // As cm send reads it back: 0x and two hex digits per byte.
      std::string hex = Hex(message.SpanData(item), item.size);
      return hex.empty() ? hex : "0x" + hex;
    }
    case cm::ItemKind::kArray:
      return std::string(cm::ArrayKindName(item.array_kind)) + ":" + Elements(message, item, ",");
    default: return "";
  }
}

}  // namespace

std::string FormatItem(const cm::Message& message, const cm::Item& item) {
  std::string value = Value(message, item);
  std::string line = cm::ItemKindName(item.kind);
  if (!value.empty()) line += " " + value;  // empty bytes: just "bytes"
  if (item.kind == cm::ItemKind::kChar && item.v.i >= 0x20 && item.v.i < 0x7f)
    line += std::string(" '") + static_cast<char>(item.v.i) + "'";
  return line;
}

void PrintItems(const cm::Message& message, const char* indent, FILE* out) {
  for (const cm::Item& item : message.items()) std::fprintf(out, "%s%s\n", indent, FormatItem(message, item).c_str());
}

}  // namespace cmtool
