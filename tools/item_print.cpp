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

// Element i as text; `json` makes nan and inf strings.
std::string FormatElement(cm::ArrayKind kind, const char* data, size_t i, bool json) {
  switch (kind) {
    case cm::ArrayKind::kChar: return std::to_string(Element<signed char>(data, i));
    case cm::ArrayKind::kShort: return std::to_string(Element<int16_t>(data, i));
    case cm::ArrayKind::kInt: return std::to_string(Element<int32_t>(data, i));
    case cm::ArrayKind::kLong: return std::to_string(Element<int64_t>(data, i));
    case cm::ArrayKind::kFloat: {
      float f = Element<float>(data, i);
      return json ? JsonDouble(f, true) : FormatFloat(f);
    }
    default: {
      double d = Element<double>(data, i);
      return json ? JsonDouble(d, false) : FormatDouble(d);
    }
  }
}

std::string Elements(const cm::Message& message, const cm::Item& item, const char* separator, bool json) {
  size_t count = item.size / cm::ArrayElementSize(item.array_kind);
  const char* data = message.SpanData(item);
  std::string out;
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) out += separator;
    out += FormatElement(item.array_kind, data, i, json);
  }
  return out;
}

std::string Value(const cm::Message& message, const cm::Item& item, bool json) {
  switch (item.kind) {
    case cm::ItemKind::kChar:
    case cm::ItemKind::kShort:
    case cm::ItemKind::kInt:
    case cm::ItemKind::kLong: return std::to_string(item.v.i);
    case cm::ItemKind::kFloat: return json ? JsonDouble(item.v.f, true) : FormatFloat(item.v.f);
    case cm::ItemKind::kDouble: return json ? JsonDouble(item.v.d, false) : FormatDouble(item.v.d);
    case cm::ItemKind::kText:
      if (item.null_text) return json ? "null" : "NULL";
      if (json) return JsonString(std::string_view(message.SpanData(item), item.size));
      return QuotedText(std::string_view(message.SpanData(item), item.size));
    case cm::ItemKind::kBytes: {
      // As cm send reads it back: 0x and two hex digits per byte.
      std::string hex = Hex(message.SpanData(item), item.size);
      if (json) return "\"" + hex + "\"";
      return hex.empty() ? hex : "0x" + hex;
    }
    case cm::ItemKind::kArray:
      if (json) return "[" + Elements(message, item, ",", true) + "]";
      return std::string(cm::ArrayKindName(item.array_kind)) + ":" + Elements(message, item, ",", false);
    default: return json ? "null" : "";
  }
}

}  // namespace

std::string FormatItem(const cm::Message& message, const cm::Item& item) {
  std::string value = Value(message, item, false);
  std::string line = cm::ItemKindName(item.kind);
  if (!value.empty()) line += " " + value;  // empty bytes: just "bytes"
  if (item.kind == cm::ItemKind::kChar && item.v.i >= 0x20 && item.v.i < 0x7f)
    line += std::string(" '") + static_cast<char>(item.v.i) + "'";
  return line;
}

void PrintItems(const cm::Message& message, const char* indent, FILE* out) {
  for (const cm::Item& item : message.items()) std::fprintf(out, "%s%s\n", indent, FormatItem(message, item).c_str());
}

std::string ItemsJson(const cm::Message& message) {
  std::string out = "[";
  bool first = true;
  for (const cm::Item& item : message.items()) {
    if (!first) out += ",";
    first = false;
    out += "{\"type\":\"" + std::string(cm::ItemKindName(item.kind)) + "\"";
    if (item.kind == cm::ItemKind::kArray) out += ",\"of\":\"" + std::string(cm::ArrayKindName(item.array_kind)) + "\"";
    out += ",\"value\":" + Value(message, item, true) + "}";
  }
  return out + "]";
}

}  // namespace cmtool
