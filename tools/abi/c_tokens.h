// c_tokens: C source as tokens, for c_decls.  Comments and preprocessor
// directives are taken out of the stream; `#if 0` blocks are dropped, and
// object-like #defines are handed back (their value as tokens), since a
// legacy header may give its constants that way.
#ifndef CM_TOOLS_ABI_C_TOKENS_H
#define CM_TOOLS_ABI_C_TOKENS_H

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace cmabi {

struct Token {
  enum class Kind { kIdent, kNumber, kString, kChar, kPunct };
  Kind kind;
  std::string text;
  int line;
  bool Is(const char* s) const { return text == s && kind != Kind::kString && kind != Kind::kChar; }
  bool IsIdent() const { return kind == Kind::kIdent; }
};

struct Define {
  std::string name;
  std::vector<Token> value;
  int line;
};

// Splits `text` into tokens; `defines` gets every object-like #define.
std::vector<Token> Tokenize(const std::string& text, std::vector<Define>* defines);

// The value of the integer constant expression [begin, end), or none (an
// unknown name, a cast, division by zero...).  `names` gives the values of
// identifiers known so far.
std::optional<int64_t> Evaluate(const std::vector<Token>& tokens, size_t begin, size_t end,
                                const std::map<std::string, int64_t>& names);

}  // namespace cmabi

#endif
