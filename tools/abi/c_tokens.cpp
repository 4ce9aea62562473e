#include "abi/c_tokens.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

namespace cmabi {
namespace {

bool IdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool IdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// Longest punctuators first.
const char* const kPuncts[] = {"...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&",
                               "||",  "*=",  "/=",  "%=", "+=", "-=", "&=", "^=", "|=", "##"};

// One logical line from `at` (backslash-newlines joined), comments kept out.
std::string DirectiveLine(const std::string& text, size_t* at, int* line) {
  std::string out;
  size_t i = *at;
  while (i < text.size() && text[i] != '\n') {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == '\n') {
      i += 2;
      ++*line;
      continue;
    }
    if (text.compare(i, 2, "/*") == 0) {
      size_t end = text.find("*/", i + 2);
      end = end == std::string::npos ? text.size() : end + 2;
      for (size_t k = i; k < end; ++k)
        if (text[k] == '\n') ++*line;
      i = end;
      out += ' ';
      continue;
    }
    if (text.compare(i, 2, "//") == 0) {
      while (i < text.size() && text[i] != '\n') ++i;
      break;
    }
    out += text[i++];
  }
  *at = i;
  return out;
}

class Lexer {
 public:
  Lexer(const std::string& text, int first_line) : text_(text), line_(first_line) {}

  // Next token, or false at the end.  Comments are skipped; directives are
  // not seen here (Tokenize takes them out first).
  bool Next(Token* t) {
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\n') {
        ++line_;
        ++pos_;
      } else if (std::isspace(static_cast<unsigned char>(c))) {
        ++pos_;
      } else if (text_.compare(pos_, 2, "/*") == 0) {
        size_t end = text_.find("*/", pos_ + 2);
        end = end == std::string::npos ? text_.size() : end + 2;
        for (size_t k = pos_; k < end; ++k)
          if (text_[k] == '\n') ++line_;
        pos_ = end;
      } else if (text_.compare(pos_, 2, "//") == 0) {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
      } else {
        break;
      }
    }
    if (pos_ >= text_.size()) return false;
    t->line = line_;
    size_t start = pos_;
    char c = text_[pos_];
    if (IdentStart(c)) {
      while (pos_ < text_.size() && IdentChar(text_[pos_])) ++pos_;
      t->kind = Token::Kind::kIdent;
    } else if (std::isdigit(static_cast<unsigned char>(c)) ||
               (c == '.' && pos_ + 1 < text_.size() && std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
      while (pos_ < text_.size() && (IdentChar(text_[pos_]) || text_[pos_] == '.')) ++pos_;
      t->kind = Token::Kind::kNumber;
    } else if (c == '"' || c == '\'') {
      ++pos_;
      while (pos_ < text_.size() && text_[pos_] != c && text_[pos_] != '\n') pos_ += text_[pos_] == '\\' ? 2 : 1;
      if (pos_ < text_.size() && text_[pos_] == c) ++pos_;
      t->kind = c == '"' ? Token::Kind::kString : Token::Kind::kChar;
    } else {
      t->kind = Token::Kind::kPunct;
      size_t n = 1;
      for (const char* p : kPuncts)
        if (text_.compare(pos_, std::char_traits<char>::length(p), p) == 0) {
          n = std::char_traits<char>::length(p);
          break;
        }
      pos_ += n;
    }
    t->text = text_.substr(start, std::min(pos_, text_.size()) - start);
    return true;
  }

 private:
  const std::string& text_;
  size_t pos_ = 0;
  int line_;
};

// ---- constant expressions: precedence climbing --------------------------

class Evaluator {
 public:
  Evaluator(const std::vector<Token>& t, size_t begin, size_t end, const std::map<std::string, int64_t>& names)
      : t_(t), at_(begin), end_(end), names_(names) {}

  std::optional<int64_t> Run() {
    std::optional<int64_t> v = Binary(0);
    if (at_ != end_) return std::nullopt;
    return v;
  }

 private:
  static int Precedence(const std::string& op) {
    static const std::map<std::string, int> kOps = {
        {"||", 1}, {"&&", 2}, {"|", 3},  {"^", 4},  {"&", 5},  {"==", 6}, {"!=", 6}, {"<", 7}, {">", 7},
        {"<=", 7}, {">=", 7}, {"<<", 8}, {">>", 8}, {"+", 9},  {"-", 9},  {"*", 10}, {"/", 10}, {"%", 10}};
    auto it = kOps.find(op);
    return it == kOps.end() ? -1 : it->second;
  }

  std::optional<int64_t> Binary(int min) {
    std::optional<int64_t> left = Unary();
    while (left && at_ < end_ && t_[at_].kind == Token::Kind::kPunct) {
      int p = Precedence(t_[at_].text);
      if (p < 0 || p < min) break;
      std::string op = t_[at_++].text;
      std::optional<int64_t> right = Binary(p + 1);
      if (!right) return std::nullopt;
      int64_t a = *left, b = *right;
      if ((op == "/" || op == "%") && b == 0) return std::nullopt;
      if ((op == "<<" || op == ">>") && (b < 0 || b > 62)) return std::nullopt;
      left = op == "||" ? (a || b) : op == "&&" ? (a && b) : op == "|" ? (a | b) : op == "^" ? (a ^ b)
           : op == "&" ? (a & b) : op == "==" ? (a == b) : op == "!=" ? (a != b) : op == "<" ? (a < b)
           : op == ">" ? (a > b) : op == "<=" ? (a <= b) : op == ">=" ? (a >= b) : op == "<<" ? (a << b)
           : op == ">>" ? (a >> b) : op == "+" ? (a + b) : op == "-" ? (a - b) : op == "*" ? (a * b)
           : op == "/" ? (a / b) : (a % b);
    }
    return left;
  }

  std::optional<int64_t> Unary() {
    if (at_ >= end_) return std::nullopt;
    const Token& t = t_[at_];
    if (t.kind == Token::Kind::kPunct && (t.text == "-" || t.text == "+" || t.text == "~" || t.text == "!")) {
      ++at_;
      std::optional<int64_t> v = Unary();
      if (!v) return v;
      return t.text == "-" ? -*v : t.text == "+" ? *v : t.text == "~" ? ~*v : static_cast<int64_t>(!*v);
    }
    if (t.Is("(")) {
      ++at_;
      std::optional<int64_t> v = Binary(0);
      if (!v || at_ >= end_ || !t_[at_].Is(")")) return std::nullopt;
      ++at_;
      return v;
    }
    ++at_;
    if (t.kind == Token::Kind::kNumber) return Number(t.text);
    if (t.kind == Token::Kind::kChar) return Character(t.text);
    if (t.kind == Token::Kind::kIdent) {
      auto it = names_.find(t.text);
      if (it != names_.end()) return it->second;
    }
    return std::nullopt;
  }

  static std::optional<int64_t> Number(const std::string& text) {
    std::string digits = text;
    while (!digits.empty() && std::strchr("uUlL", digits.back()) != nullptr) digits.pop_back();
    if (digits.empty() || digits.find('.') != std::string::npos) return std::nullopt;
    char* end = nullptr;
    unsigned long long v = std::strtoull(digits.c_str(), &end, 0);  // 0x.., 0.. octal, decimal
    if (*end != '\0') return std::nullopt;
    return static_cast<int64_t>(v);
  }

  static std::optional<int64_t> Character(const std::string& text) {
    if (text.size() < 3 || text.back() != '\'') return std::nullopt;
    std::string body = text.substr(1, text.size() - 2);
    if (body.size() == 1) return static_cast<int64_t>(static_cast<signed char>(body[0]));
    if (body[0] != '\\' || body.size() < 2) return std::nullopt;
    static const std::map<char, int> kEscapes = {{'n', '\n'}, {'t', '\t'}, {'r', '\r'}, {'0', 0},   {'\\', '\\'},
                                                 {'\'', '\''}, {'"', '"'}, {'a', '\a'}, {'b', '\b'}, {'f', '\f'},
                                                 {'v', '\v'}};
    if (body[1] == 'x' || (body[1] >= '0' && body[1] <= '7' && body.size() > 2)) {
      char* end = nullptr;
      long v = std::strtol(body.c_str() + (body[1] == 'x' ? 2 : 1), &end, body[1] == 'x' ? 16 : 8);
      if (*end != '\0') return std::nullopt;
      return static_cast<int64_t>(static_cast<signed char>(v));
    }
    auto it = kEscapes.find(body[1]);
    if (body.size() != 2 || it == kEscapes.end()) return std::nullopt;
    return it->second;
  }

  const std::vector<Token>& t_;
  size_t at_, end_;
  const std::map<std::string, int64_t>& names_;
};

}  // namespace

std::vector<Token> Tokenize(const std::string& text, std::vector<Define>* defines) {
  // Directives first, line by line: what is not a directive (and not in an
  // `#if 0` block) is kept for the lexer, newlines included so that line
  // numbers stay right.
  std::string code;
  code.reserve(text.size());
  struct Frame {
    bool was_skipping;  // the state outside this #if
    bool if0;           // this #if is `#if 0`: its first branch is dropped
  };
  std::vector<Frame> frames;
  bool skipping = false;
  int line = 1;
  bool line_start = true;
  for (size_t i = 0; i < text.size();) {
    char c = text[i];
    if (line_start && c == '#') {
      int first = line;
      std::string directive = DirectiveLine(text, &++i, &line);
      Lexer lexer(directive, first);
      Token word;
      std::vector<Token> rest;
      bool has_word = lexer.Next(&word);
      for (Token t; lexer.Next(&t);) rest.push_back(t);
      std::string w = has_word ? word.text : "";
      if (w == "if" || w == "ifdef" || w == "ifndef") {
        bool if0 = w == "if" && rest.size() == 1 && rest[0].text == "0";
        frames.push_back({skipping, if0});
        skipping = skipping || if0;
      } else if ((w == "else" || w == "elif") && !frames.empty()) {
        if (frames.back().if0) skipping = frames.back().was_skipping;  // the other branches are read
      } else if (w == "endif" && !frames.empty()) {
        skipping = frames.back().was_skipping;
        frames.pop_back();
      } else if (w == "define" && !skipping && !rest.empty() && rest[0].IsIdent()) {
        // Object-like only: `#define F(x)` has its '(' right after the name.
        size_t after = directive.find(rest[0].text) + rest[0].text.size();
        if (after >= directive.size() || directive[after] != '(')
          defines->push_back({rest[0].text, std::vector<Token>(rest.begin() + 1, rest.end()), first});
      }
      for (int k = first; k < line; ++k) code += '\n';
      continue;
    }
    if (c == '\n') {
      line_start = true;
      ++line;
      code += '\n';
      ++i;
      continue;
    }
    if (!std::isspace(static_cast<unsigned char>(c))) line_start = false;
    // Comments may hold a '#' or a quote: copy them whole.
    if (text.compare(i, 2, "/*") == 0) {
      size_t end = text.find("*/", i + 2);
      end = end == std::string::npos ? text.size() : end + 2;
      for (size_t k = i; k < end; ++k)
        if (text[k] == '\n') {
          ++line;
          code += '\n';
        }
      i = end;
      code += ' ';
      continue;
    }
    if (c == '"' || c == '\'') {  // a literal may hold "/*"
      size_t k = i + 1;
      while (k < text.size() && text[k] != c && text[k] != '\n') k += text[k] == '\\' ? 2 : 1;
      k = std::min(k + 1, text.size());
      if (!skipping) code.append(text, i, k - i);
      i = k;
      continue;
    }
    if (!skipping) code += c;
    ++i;
  }
  std::vector<Token> tokens;
  Lexer lexer(code, 1);
  for (Token t; lexer.Next(&t);) tokens.push_back(t);
  return tokens;
}

std::optional<int64_t> Evaluate(const std::vector<Token>& tokens, size_t begin, size_t end,
                                const std::map<std::string, int64_t>& names) {
  if (begin >= end) return std::nullopt;
  return Evaluator(tokens, begin, end, names).Run();
}

}  // namespace cmabi
