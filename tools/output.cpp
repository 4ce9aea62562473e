#include "output.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "util/version.h"

namespace cmtool {

Table::Table(std::vector<std::string> header, std::vector<bool> numeric) : numeric_(std::move(numeric)) {
  numeric_.resize(header.size(), false);
  rows_.push_back(std::move(header));
}

void Table::Add(std::vector<std::string> row) {
  row.resize(rows_.front().size());
  rows_.push_back(std::move(row));
}

void Table::Print(FILE* out) const {
  std::vector<size_t> width(rows_.front().size(), 0);
  for (const auto& row : rows_)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  std::string line;
  for (const auto& row : rows_) {
    line.clear();
    for (size_t i = 0; i < row.size(); ++i) {
      bool last = i + 1 == row.size();
      size_t pad = width[i] - row[i].size();
      if (i > 0) line += "  ";
      if (numeric_[i]) line.append(pad, ' ');
      line += row[i];
      if (!numeric_[i] && !last) line.append(pad, ' ');
    }
    std::fprintf(out, "%s\n", line.c_str());
  }
}

void PrintJson(const cm::json::Json& value) {
  if (!value.is_array() || value.empty() || !value.front().is_object()) {
    std::printf("%s\n", cm::json::Dump(value).c_str());
    return;
  }
  std::string out = "[";
  for (size_t i = 0; i < value.size(); ++i) out += (i ? ",\n " : "\n ") + cm::json::Dump(value[i]);
  std::printf("%s\n]\n", out.c_str());
}

namespace {

// Length of the valid UTF-8 sequence at text[i] that encodes a printable code
// point (not a C1 control); 0 if there is none.
size_t PrintableUtf8(std::string_view text, size_t i) {
  auto byte = [&](size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
  unsigned c = byte(i);
  auto cont = [&](size_t k, unsigned lo, unsigned hi) { return byte(k) >= lo && byte(k) <= hi; };
  if (c >= 0xc2 && c <= 0xdf) return cont(i + 1, 0x80, 0xbf) && !(c == 0xc2 && byte(i + 1) < 0xa0) ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;  // no overlong form, no surrogate
    return cont(i + 1, lo, hi) && cont(i + 2, 0x80, 0xbf) ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;  // no overlong form, nothing past U+10FFFF
    return cont(i + 1, lo, hi) && cont(i + 2, 0x80, 0xbf) && cont(i + 3, 0x80, 0xbf) ? 4 : 0;
  }
  return 0;
}

std::string Escape(std::string_view text, bool quoted) {
  std::string out;
  out.reserve(text.size() + 2);
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7f) {
      if (c == '\\' || (quoted && c == '"')) out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (size_t n = c >= 0x80 ? PrintableUtf8(text, i) : 0) {
      out.append(text.substr(i, n));
      i += n;
    } else {
      if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else {
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "\\x%02x", c);
        out += buffer;
      }
      ++i;
    }
  }
  return out;
}

template <typename T>
std::string Shortest(T value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

}  // namespace

std::string Printable(std::string_view text) { return Escape(text, false); }
std::string QuotedText(std::string_view text) { return "\"" + Escape(text, true) + "\""; }

std::string FormatFloat(float value) { return Shortest(value); }
std::string FormatDouble(double value) { return Shortest(value); }

std::string FormatSeconds(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g s", seconds);
  return buffer;
}

std::string FormatDuration(int64_t seconds) {
  if (seconds < 0) seconds = 0;
  char buffer[32];
  if (seconds < 60)
    std::snprintf(buffer, sizeof buffer, "%llds", static_cast<long long>(seconds));
  else if (seconds < 3600)
    std::snprintf(buffer, sizeof buffer, "%lldm%02llds", static_cast<long long>(seconds / 60),
                  static_cast<long long>(seconds % 60));
  else if (seconds < 86400)
    std::snprintf(buffer, sizeof buffer, "%lldh%02lldm", static_cast<long long>(seconds / 3600),
                  static_cast<long long>(seconds % 3600 / 60));
  else
    std::snprintf(buffer, sizeof buffer, "%lldd%02lldh", static_cast<long long>(seconds / 86400),
                  static_cast<long long>(seconds % 86400 / 3600));
  return buffer;
}

std::string ProtocolSummary() {
  return "wire protocol " + std::to_string(cm::WriteProtocolVersion()) + " (reads " +
         std::to_string(cm::kOldestProtocolVersion) + " to " + std::to_string(cm::kProtocolVersion) + ")";
}

}  // namespace cmtool
