// output: how cm prints.  Aligned tables with a header, JSON (made by
// src/json, the encoder the name server's web view shares), numbers that
// read back exactly, durations a person can read.  All on stdout, which
// stays free of anything else so that it can be parsed.
#ifndef CM_TOOLS_OUTPUT_H
#define CM_TOOLS_OUTPUT_H

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "json/json_view.h"

namespace cmtool {

// Columns two spaces apart, each as wide as its widest cell; the last
// column is not padded.  Columns marked numeric are right-aligned.
class Table {
 public:
  explicit Table(std::vector<std::string> header, std::vector<bool> numeric = {});
  void Add(std::vector<std::string> row);
  void Print(FILE* out) const;

 private:
  std::vector<std::vector<std::string>> rows_;  // header first
  std::vector<bool> numeric_;
};

// `value` on stdout as one line.  An array of objects (names, connects) is
// written one element per line, for people and grep; still one JSON value.
void PrintJson(const cm::json::Json& value);

// `text` safe to show on a terminal.  Names, hosts, types and texts come from
// the network, and an ESC sequence printed raw acts on the terminal (clears
// it, retitles it, hides what follows), so every byte that is a control
// character (C0, DEL, a C1 code point in UTF-8) or not part of valid UTF-8 is
// written as \xHH, with \n \r \t for those three and \\ for a backslash.
// Valid UTF-8 text is left as it is.
std::string Printable(std::string_view text);
// The same between double quotes, with \" for a quote: a text item.
std::string QuotedText(std::string_view text);

// The shortest decimal form that reads back as the same value ("0.1", "1e+30",
// "nan", "inf", "-inf").
std::string FormatFloat(float value);
std::string FormatDouble(double value);

// "2 s", "0.5 s".
std::string FormatSeconds(double seconds);

// 42s, 5m12s, 2h05m, 3d04h.
std::string FormatDuration(int64_t seconds);

// This build's wire protocol: "wire protocol 2 (reads 1 to 2)", the version
// it writes first (CM_PROTOCOL may choose another it reads).
std::string ProtocolSummary();

}  // namespace cmtool

#endif
