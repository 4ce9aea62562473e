#include "json/json_view.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace cm::json {
namespace {


// Length of the well-formed UTF-8 sequence at text[i] (Unicode 15, table
// 3-7: no overlong form, no surrogate, nothing past U+10FFFF); 0 if none.
size_t Utf8Sequence(std::string_view text, size_t i) {
  auto byte = [&](size_t k) -> unsigned { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
  auto in = [&](size_t k, unsigned lo, unsigned hi) { return byte(k) >= lo && byte(k) <= hi; };
  unsigned c = byte(i);
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return in(i + 1, 0x80, 0xbf) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xbf) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
    return in(i + 1, lo, hi) && in(i + 2, 0x80, 0xbf) && in(i + 3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;  // a continuation byte, C0, C1, F5..FF
}

bool ValidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    size_t n = Utf8Sequence(text, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

// `bytes` with each byte that is not part of a well-formed sequence as U+FFFD.
std::string Shown(std::string_view bytes) {
  static const char kReplacement[] = "\xef\xbf\xbd";
  std::string out;
  out.reserve(bytes.size() + 8);
  for (size_t i = 0; i < bytes.size();) {
    if (size_t n = Utf8Sequence(bytes, i)) {
      out.append(bytes.substr(i, n));
      i += n;
    } else {
      out += kReplacement;
      ++i;
    }
  }
  return out;
}

// A float as the double nearest its shortest decimal form, so that 0.1f is
// written 0.1 (not 0.10000000149011612) and still reads back as 0.1f.  JSON
// has no nan or inf: they are the strings "nan", "inf", "-inf".
Json Number(double value, bool is_float) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  if (!is_float) return value;
  char buffer[64];
  auto end = std::to_chars(buffer, buffer + sizeof buffer, static_cast<float>(value)).ptr;
  double shortest = 0;
  std::from_chars(buffer, end, shortest);
  return shortest;
}

template <typename T>
T Element(const char* data, size_t i) {
  T value;
  std::memcpy(&value, data + i * sizeof(T), sizeof(T));  // may be unaligned
  return value;
}

Json ArrayValue(const Message& message, const Item& item) {
  size_t count = item.size / ArrayElementSize(item.array_kind);
  const char* data = message.SpanData(item);
  Json out = Json::array();
  for (size_t i = 0; i < count; ++i) {
    switch (item.array_kind) {
      case ArrayKind::kChar: out.push_back(Element<signed char>(data, i)); break;
      case ArrayKind::kShort: out.push_back(Element<int16_t>(data, i)); break;
      case ArrayKind::kInt: out.push_back(Element<int32_t>(data, i)); break;
      case ArrayKind::kLong: out.push_back(Element<int64_t>(data, i)); break;
      case ArrayKind::kFloat: out.push_back(Number(Element<float>(data, i), true)); break;
      case ArrayKind::kDouble: out.push_back(Number(Element<double>(data, i), false)); break;
    }
  }
  return out;
}

Json ItemValue(const Message& message, const Item& item) {
  std::string_view span(item.size ? message.SpanData(item) : "", item.size);
  switch (item.kind) {
    case ItemKind::kChar:
    case ItemKind::kShort:
    case ItemKind::kInt:
    case ItemKind::kLong: return item.v.i;
    case ItemKind::kFloat: return Number(item.v.f, true);
    case ItemKind::kDouble: return Number(item.v.d, false);
    case ItemKind::kText: return item.null_text ? Json(nullptr) : Text(span);
    case ItemKind::kBytes: return Hex(span);  // as cm send -b 0x... reads it back, without the 0x
    case ItemKind::kArray: return ArrayValue(message, item);
    default: return nullptr;
  }
}

// Seconds since `since`, never negative; null when `since` is not known.
Json Uptime(int64_t since, int64_t now) { return since > 0 ? Json(std::max<int64_t>(0, now - since)) : Json(nullptr); }

}  // namespace

Json Text(std::string_view bytes) {
  if (ValidUtf8(bytes)) return std::string(bytes);
  return {{"hex", Hex(bytes)}, {"shown", Shown(bytes)}};
}

Json Names(const std::vector<NameRecord>& names, int64_t now) {
  Json out = Json::array();
  for (const NameRecord& r : names)
    out.push_back({{"name", Text(r.name)},
                   {"host", Text(r.host)},
                   {"pid", r.pid},
                   {"address", Text(r.address)},
                   {"started", r.started},
                   {"uptime", Uptime(r.started, now)}});
  return out;
}

Json Connects(const std::vector<ConnectRecord>& connects) {
  Json out = Json::array();
  for (const ConnectRecord& c : connects)
    out.push_back({{"from", Text(c.from)}, {"to", Text(c.to)}, {"messages", c.messages}});
  return out;
}

Json Info(const ProcessInfo& info, int64_t now) {
  Json handler_types = Json::array();
  for (const std::string& type : info.handler_types) handler_types.push_back(Text(type));
  return {{"name", Text(info.name)},
          {"pid", info.pid},
          {"host", Text(info.host)},
          {"address", Text(info.address)},
          {"handlers", info.handlers},
          {"handler_types", std::move(handler_types)},
          {"received", info.received},
          {"sent", info.sent},
          {"send_failures", info.send_failures},
          {"unhandled", info.unhandled},
          {"malformed", info.malformed},
          {"lost", info.lost},
          {"version", Text(info.version)},
          {"queued", info.queued},
          {"unacked", info.unacked},
          {"start_time", info.start_time > 0 ? Json(info.start_time) : Json(nullptr)},
          {"uptime", Uptime(info.start_time, now)}};
}

Json Items(const Message& message) {
  Json out = Json::array();
  for (const Item& item : message.items()) {
    Json entry = {{"type", ItemKindName(item.kind)}};
    if (item.kind == ItemKind::kArray) entry["of"] = ArrayKindName(item.array_kind);
    entry["value"] = ItemValue(message, item);
    out.push_back(std::move(entry));
  }
  return out;
}

std::string Dump(const Json& value) {
  // replace: were an invalid text to get in unchecked, U+FFFD, not an exception.
  std::string text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  // A C1 control (U+0080..U+009F, "\xc2\x80".."\xc2\x9f") is as much a
  // terminal command as ESC, which dump() already writes as \u001b: write
  // those as \u0080.. too.  Outside strings a dump is ASCII, so every such
  // pair is inside a string, where the escape means the same.
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1]) : 0u;
    if (c == 0xc2 && next >= 0x80 && next <= 0x9f) {
      char escape[8];
      std::snprintf(escape, sizeof escape, "\\u%04x", next);
      out += escape;
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

}  // namespace cm::json
