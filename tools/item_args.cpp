#include "item_args.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <type_traits>
#include <vector>

#include "cli.h"

namespace cmtool {
namespace {

namespace po = boost::program_options;

enum class Kind { kChar, kShort, kInt, kLong, kFloat, kDouble, kText, kBytes, kArray };

// The item options, in the order --help shows them.
struct ItemOption {
  const char* spec;  // boost's "long,short"
  const char* key;   // the long name, as parsed_options reports it
  Kind kind;
  const char* value_name;
  const char* help;
};

const ItemOption kItemOptions[] = {
    {"char,c", "char", Kind::kChar, "C", "a char: one character, or a code from -128 to 255"},
    {"short,s", "short", Kind::kShort, "N", "a short"},
    {"int,i", "int", Kind::kInt, "N", "an int"},
    {"long,l", "long", Kind::kLong, "N", "a long (64-bit)"},
    {"float,f", "float", Kind::kFloat, "X", "a float"},
    {"double,d", "double", Kind::kDouble, "X", "a double"},
    {"text,t", "text", Kind::kText, "TEXT", "a text"},
    {"bytes,b", "bytes", Kind::kBytes, "BYTES", "bytes: the text's own bytes (-b hello), or hex after 0x (-b 0x00ff10)"},
    {"array,a", "array", Kind::kArray, "TYPE:V,...",
     "an array of char, short, int, long, float or double: -a int:1,2,3"},
};

// Array element kinds by name, in cm::ArrayKind order.
const char* const kArrayNames[cm::kArrayKinds] = {"char", "short", "int", "long", "float", "double"};

// Throws the one-line usage error for a bad value.
[[noreturn]] void BadValue(const std::string& command, const std::string& option, const std::string& value,
                           const std::string& expected) {
  Fail(kExitUsage, command + ": " + option + " '" + value + "' is not " + expected);
}

// Decimal or 0x hex, optional sign, nothing else; within [min, max].
bool ParseInteger(const std::string& text, int64_t min, int64_t max, int64_t* out) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  int base = 10;
  if (text.size() - i > 2 && text[i] == '0' && (text[i + 1] == 'x' || text[i + 1] == 'X')) {
    base = 16;
    i += 2;
  }
  if (i >= text.size() || text[i] == '+' || text[i] == '-') return false;
  uint64_t magnitude = 0;
  const char* end = text.data() + text.size();
  auto result = std::from_chars(text.data() + i, end, magnitude, base);
  if (result.ec != std::errc() || result.ptr != end) return false;
  if (negative) {
    if (magnitude > static_cast<uint64_t>(-(min + 1)) + 1) return false;
    *out = magnitude == 0 ? 0 : -static_cast<int64_t>(magnitude - 1) - 1;
  } else {
    if (magnitude > static_cast<uint64_t>(max)) return false;
    *out = static_cast<int64_t>(magnitude);
  }
  return true;
}

bool ParseChar(const std::string& text, int64_t* out) {
  if (text.size() == 1) {
    *out = static_cast<signed char>(text[0]);
    return true;
  }
  if (!ParseInteger(text, -128, 255, out)) return false;
  *out = static_cast<signed char>(static_cast<unsigned char>(*out & 0xff));
  return true;
}

template <typename T>
bool ParseReal(const std::string& text, T* out) {
  if (text.empty() || std::isspace(static_cast<unsigned char>(text[0]))) return false;
  errno = 0;
  char* end = nullptr;
  T value = std::is_same_v<T, float> ? std::strtof(text.c_str(), &end) : std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return false;
  if (errno == ERANGE && std::isinf(value)) return false;  // too large for T
  *out = value;
  return true;
}

bool HasHexPrefix(const std::string& text) {
  return text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
}

// Two hex digits per byte after the 0x prefix.
bool ParseHex(const std::string& text, std::string* out) {
  if ((text.size() - 2) % 2 != 0) return false;
  out->clear();
  for (size_t i = 2; i < text.size(); i += 2) {
    unsigned value = 0;
    auto result = std::from_chars(text.data() + i, text.data() + i + 2, value, 16);
    if (result.ec != std::errc() || result.ptr != text.data() + i + 2) return false;
    out->push_back(static_cast<char>(value));
  }
  return true;
}

// Range and wording of the integer kinds, in Kind order.
struct IntegerKind {
  int64_t min, max;
  const char* expected;
};
const IntegerKind kIntegerKinds[] = {
    {-128, 255, "a char (one character, or a code from -128 to 255)"},
    {std::numeric_limits<short>::min(), std::numeric_limits<short>::max(),
     "a short (a whole number from -32768 to 32767)"},
    {std::numeric_limits<int>::min(), std::numeric_limits<int>::max(),
     "an int (a whole number from -2147483648 to 2147483647)"},
    {std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(), "a long (a 64-bit whole number)"},
};

// One number of kind `kind` (char..double), as a double or an int64.
struct Number {
  int64_t i = 0;
  double d = 0;
};

bool ParseNumber(Kind kind, const std::string& text, Number* out) {
  switch (kind) {
    case Kind::kChar: return ParseChar(text, &out->i);
    case Kind::kFloat: {
      float f;
      if (!ParseReal(text, &f)) return false;
      out->d = f;
      return true;
    }
    case Kind::kDouble: return ParseReal(text, &out->d);
    default: {
      const IntegerKind& k = kIntegerKinds[static_cast<int>(kind)];
      return ParseInteger(text, k.min, k.max, &out->i);
    }
  }
}

const char* Expected(Kind kind) {
  if (kind == Kind::kFloat) return "a float";
  if (kind == Kind::kDouble) return "a double";
  return kIntegerKinds[static_cast<int>(kind)].expected;
}

template <typename T>
void PutElements(const std::vector<Number>& numbers, bool real, cm::ArrayKind kind, cm::Message* message) {
  std::vector<T> data;
  data.reserve(numbers.size());
  for (const Number& n : numbers) data.push_back(real ? static_cast<T>(n.d) : static_cast<T>(n.i));
  message->PutArray(kind, data.data(), data.size(), false);
}

void PutArray(const std::string& command, const std::string& value, cm::Message* message) {
  const std::string option = "-a";
  size_t colon = value.find(':');
  std::string kind_name = value.substr(0, colon);
  int k = 0;
  while (k < cm::kArrayKinds && kind_name != kArrayNames[k]) ++k;
  if (colon == std::string::npos || k == cm::kArrayKinds)
    BadValue(command, option, value, "an array (TYPE:V,V,... with TYPE char, short, int, long, float or double)");
  Kind element = static_cast<Kind>(k);  // the scalar kinds share ArrayKind's order
  std::vector<Number> numbers;
  std::string list = value.substr(colon + 1);
  for (size_t start = 0; !list.empty() && start <= list.size();) {
    size_t comma = list.find(',', start);
    if (comma == std::string::npos) comma = list.size();
    std::string text = list.substr(start, comma - start);
    Number n;
    if (!ParseNumber(element, text, &n))
      BadValue(command, option + " " + kind_name + " element", text, Expected(element));
    numbers.push_back(n);
    start = comma + 1;
  }
  auto array_kind = static_cast<cm::ArrayKind>(k);
  switch (element) {
    case Kind::kChar: PutElements<char>(numbers, false, array_kind, message); break;
    case Kind::kShort: PutElements<short>(numbers, false, array_kind, message); break;
    case Kind::kInt: PutElements<int>(numbers, false, array_kind, message); break;
    case Kind::kLong: PutElements<int64_t>(numbers, false, array_kind, message); break;
    case Kind::kFloat: PutElements<float>(numbers, true, array_kind, message); break;
    default: PutElements<double>(numbers, true, array_kind, message); break;
  }
}

void PutItem(const ItemOption& option, const std::string& command, const std::string& value, cm::Message* message) {
  std::string name = std::string("-") + option.spec[std::string(option.spec).size() - 1];
  Number n;
  switch (option.kind) {
    case Kind::kText: message->PutText(value.data(), value.size()); return;
    case Kind::kBytes: {
      // As the ZeroMQ successor's cm, whose syntax legacy scripts use: the
      // text's own bytes (-b hello).  Hex is written with 0x (-b 0x00ff10);
      // a text that itself starts with 0x is written in hex.
      if (!HasHexPrefix(value)) {
        message->PutBytes(value.data(), value.size());
        return;
      }
      std::string bytes;
      if (!ParseHex(value, &bytes))
        BadValue(command, name, value, "bytes (after 0x, two hex digits per byte, e.g. 0x00ff10)");
      message->PutBytes(bytes.data(), bytes.size());
      return;
    }
    case Kind::kArray: PutArray(command, value, message); return;
    default: break;
  }
  if (!ParseNumber(option.kind, value, &n)) BadValue(command, name, value, Expected(option.kind));
  switch (option.kind) {
    case Kind::kChar: message->PutChar(static_cast<char>(n.i)); break;
    case Kind::kShort: message->PutShort(static_cast<short>(n.i)); break;
    case Kind::kInt: message->PutInt(static_cast<int>(n.i)); break;
    case Kind::kLong: message->PutLong(static_cast<long>(n.i)); break;
    case Kind::kFloat: message->PutFloat(static_cast<float>(n.d)); break;
    default: message->PutDouble(n.d); break;
  }
}

}  // namespace

void AddItemOptions(po::options_description* options) {
  for (const ItemOption& option : kItemOptions)
    options->add_options()(option.spec, po::value<std::vector<std::string>>()->value_name(option.value_name),
                           option.help);
}

void AppendItems(const po::parsed_options& parsed, const std::string& command, cm::Message* message) {
  for (const po::option& opt : parsed.options) {
    for (const ItemOption& option : kItemOptions) {
      if (opt.string_key != option.key) continue;
      for (const std::string& value : opt.value) PutItem(option, command, value, message);
    }
  }
}

}  // namespace cmtool
