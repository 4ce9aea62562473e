#include "abi/c_decls.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>

#include "abi/c_tokens.h"

namespace cmabi {
namespace {

const std::set<std::string> kTypeWords = {"void", "char", "short", "int", "long", "float", "double",
                                          "signed", "unsigned", "_Bool", "_Complex", "__int128"};
const std::set<std::string> kStorage = {"extern", "static", "inline", "__inline", "__inline__", "register",
                                        "auto", "_Noreturn", "__extension__", "_Thread_local", "__thread"};
const std::set<std::string> kIgnoredCalls = {"__attribute__", "__attribute", "__declspec", "__asm__", "__asm",
                                             "asm", "_Alignas", "__nonnull", "__wur"};

struct ParseError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The base type from its keywords ("unsigned", "long", "long"): one spelling
// per type, so that `long int` and `long` compare equal.
std::string BaseFromWords(const std::multiset<std::string>& w) {
  bool is_unsigned = w.count("unsigned") != 0, is_signed = w.count("signed") != 0;
  std::string sign = is_unsigned ? "unsigned " : "";
  if (w.count("void")) return "void";
  if (w.count("_Bool")) return "_Bool";
  if (w.count("float")) return "float";
  if (w.count("double")) return w.count("long") ? "long double" : "double";
  if (w.count("char")) return is_unsigned ? "unsigned char" : is_signed ? "signed char" : "char";
  if (w.count("short")) return sign + "short";
  if (w.count("__int128")) return sign + "__int128";
  if (w.count("long") >= 2) return sign + "long long";
  if (w.count("long")) return sign + "long";
  return sign + "int";
}

// Tokens back to text, one space between them, none inside brackets' edges
// or before a comma.
std::string Text(const std::vector<Token>& t, size_t begin, size_t end) {
  std::string out;
  for (size_t i = begin; i < end && i < t.size(); ++i) {
    bool tight = i == begin || t[i].Is(",") || t[i].Is(")") || t[i].Is("]") || t[i].Is("[") || t[i - 1].Is("(") ||
                 t[i - 1].Is("[") || (t[i].Is("(") && t[i - 1].IsIdent());
    if (!tight) out += ' ';
    out += t[i].text;
  }
  return out;
}

}  // namespace

// One declaration at a time: specifiers, then declarators.
struct Headers::Parser {
  Headers& headers;
  const std::vector<Token>& t;
  std::string file;
  std::map<std::string, int64_t>& values;  // every constant so far, for expressions
  size_t at = 0, end = 0;

  const Token& Peek(size_t ahead = 0) const {
    static const Token kEnd{Token::Kind::kPunct, "<end>", 0};
    return at + ahead < end ? t[at + ahead] : kEnd;
  }
  bool Accept(const char* s) {
    if (!Peek().Is(s)) return false;
    ++at;
    return true;
  }
  void Expect(const char* s) {
    if (!Accept(s)) throw ParseError(std::string("expected '") + s + "' before '" + Peek().text + "'");
  }
  // From an opening bracket to just after its match.
  void SkipBalanced() {
    int depth = 0;
    do {
      if (at >= end) throw ParseError("unbalanced brackets");
      const Token& x = t[at++];
      if (x.Is("(") || x.Is("[") || x.Is("{")) ++depth;
      if (x.Is(")") || x.Is("]") || x.Is("}")) --depth;
    } while (depth > 0);
  }
  // __attribute__((...)) and the like, wherever they stand.
  void SkipIgnored() {
    while (kIgnoredCalls.count(Peek().text) && Peek().IsIdent()) {
      ++at;
      if (Peek().Is("(")) SkipBalanced();
    }
  }
  bool KnownType(const std::string& name) const { return headers.typedefs_.count(name) != 0; }
  Where At(const Token& x) const { return {file, x.line}; }

  struct Specifiers {
    CType type;
    bool is_typedef = false;
    bool is_static = false;
  };

  Specifiers ParseSpecifiers() {
    Specifiers s;
    std::multiset<std::string> words;
    bool have = false, guessed = false;  // a type seen; it was an unknown identifier
    for (;;) {
      const Token& x = Peek();
      if (!x.IsIdent()) break;
      const std::string& w = x.text;
      if (w == "typedef") {
        s.is_typedef = true;
      } else if (kStorage.count(w)) {
        s.is_static = s.is_static || w == "static" || w.find("inline") != std::string::npos;
      } else if (w == "const" || w == "__const" || w == "__const__") {
        s.type.is_const = true;
      } else if (w == "volatile" || w == "__volatile__" || w == "__volatile") {
        s.type.is_volatile = true;
      } else if (w == "restrict" || w == "__restrict" || w == "__restrict__") {
      } else if (kIgnoredCalls.count(w)) {
        ++at;
        if (Peek().Is("(")) SkipBalanced();
        continue;
      } else if (kTypeWords.count(w)) {
        if (guessed) words.clear();  // the identifier taken for a type was a macro
        words.insert(w);
        s.type.base = BaseFromWords(words);
        have = true;
        guessed = false;
      } else if (w == "struct" || w == "union" || w == "enum") {
        ++at;
        while (Peek().Is("__attribute__")) {
          ++at;
          SkipBalanced();
        }
        std::string tag;
        if (Peek().IsIdent()) tag = t[at++].text;
        if (Peek().Is("{")) {
          if (w == "enum")
            ParseEnumBody(tag);
          else
            SkipBalanced();
        }
        // An enum is an int in the C ABIs this runs on; its name is kept
        // for messages only (Resolve makes every enum "enum").
        s.type.base = w == "enum" ? "enum" : w + " " + (tag.empty() ? "<anonymous>" : tag);
        have = true;
        guessed = false;
        continue;
      } else if (!have) {
        // A macro call in front of a declaration (`DEPRECATED("x")`), unless
        // it is a type followed by a declarator in parentheses: `T (*f)(...)`.
        if (Peek(1).Is("(") && !Peek(2).Is("*") && !Peek(2).Is("^") && !KnownType(w)) {
          ++at;
          SkipBalanced();
          continue;
        }
        s.type.base = w;
        have = true;
        guessed = !KnownType(w);
      } else if ((guessed && (KnownType(w) || Peek(1).IsIdent() || Peek(1).Is("*"))) ||
                 (!guessed && Peek(1).IsIdent() && !KnownType(w) && !IsQualifier(Peek(1).text))) {
        // `EXPORT Foo f(...)`, `int EXPORT f(...)`: the word before was, or
        // this one is, a macro.
        if (guessed) {
          s.type.base = w;
          guessed = !KnownType(w);
        }
      } else {
        break;  // the declarator's name
      }
      ++at;
    }
    if (!have) throw ParseError("no type before '" + Peek().text + "'");
    return s;
  }

  static bool IsQualifier(const std::string& w) {
    return w == "const" || w == "volatile" || w == "restrict" || w == "__restrict" || w == "__attribute__";
  }

  void ParseEnumBody(const std::string& tag) {
    size_t close = at;
    {
      size_t save = at;
      SkipBalanced();
      close = at - 1;  // the '}'
      at = save + 1;   // after '{'
    }
    std::optional<int64_t> next = 0;
    while (at < close) {
      if (!t[at].IsIdent()) throw ParseError("enum constant expected, found '" + t[at].text + "'");
      const Token& name = t[at++];
      std::optional<int64_t> value = next;
      if (at < close && t[at].Is("=")) {
        size_t begin = ++at;
        int depth = 0;
        while (at < close && !(depth == 0 && t[at].Is(","))) {
          if (t[at].Is("(")) ++depth;
          if (t[at].Is(")")) --depth;
          ++at;
        }
        value = Evaluate(t, begin, at, values);
      }
      if (value) values[name.text] = *value;
      if (name.text.compare(0, headers.prefix_.size(), headers.prefix_) == 0 && !headers.constants_.count(name.text))
        headers.constants_[name.text] = Constant{value, tag, At(name)};
      next = value ? std::optional<int64_t>(*value + 1) : std::nullopt;
      if (at < close) Expect(",");
    }
    at = close + 1;
  }

  // A declarator applied to `base`: its name (or "" when abstract) and type.
  CType ParseDeclarator(CType base, std::string* name) {
    while (Peek().Is("*") || Peek().Is("^")) {
      ++at;
      CType pointer;
      pointer.kind = CType::Kind::kPointer;
      pointer.of = std::make_shared<CType>(std::move(base));
      for (;;) {
        const std::string& w = Peek().text;
        if (w == "const" || w == "__const") {
          pointer.is_const = true;
        } else if (w == "volatile") {
          pointer.is_volatile = true;
        } else if (w == "restrict" || w == "__restrict" || w == "__restrict__") {
        } else if (kIgnoredCalls.count(w)) {
          ++at;
          if (Peek().Is("(")) SkipBalanced();
          continue;
        } else {
          break;
        }
        ++at;
      }
      base = std::move(pointer);
    }
    // `(*name)(...)`: an inner declarator, applied to what the suffixes
    // after it make of the base.
    if (Peek().Is("(") && (Peek(1).Is("*") || Peek(1).Is("^") || Peek(1).Is("(") ||
                           (Peek(1).IsIdent() && !KnownType(Peek(1).text) && !kTypeWords.count(Peek(1).text) &&
                            Peek(2).Is(")") && name != nullptr))) {
      size_t inner = ++at;
      --at;
      SkipBalanced();
      size_t after = at;
      CType outer = ParseSuffixes(std::move(base));
      size_t resume = at;
      size_t saved_end = end;
      at = inner;
      end = after - 1;
      CType type = ParseDeclarator(std::move(outer), name);
      if (at != end) throw ParseError("unexpected '" + Peek().text + "' in a declarator");
      end = saved_end;
      at = resume;
      return type;
    }
    if (Peek().IsIdent() && name != nullptr) {
      *name = t[at++].text;
      while (kIgnoredCalls.count(Peek().text)) {
        ++at;
        if (Peek().Is("(")) SkipBalanced();
      }
    }
    return ParseSuffixes(std::move(base));
  }

  // `(params)` and `[n]` after a declarator's name, innermost first.
  CType ParseSuffixes(CType base) {
    std::vector<CType> suffixes;
    for (;;) {
      if (Peek().Is("[")) {
        size_t begin = ++at;
        --at;
        SkipBalanced();
        CType array;
        array.kind = CType::Kind::kArray;
        array.extent = Text(t, begin, at - 1);
        suffixes.push_back(std::move(array));
      } else if (Peek().Is("(")) {
        suffixes.push_back(ParseParameters());
        SkipIgnored();
      } else {
        break;
      }
    }
    for (auto it = suffixes.rbegin(); it != suffixes.rend(); ++it) {
      it->of = std::make_shared<CType>(std::move(base));
      base = std::move(*it);
    }
    return base;
  }

  CType ParseParameters() {
    Expect("(");
    CType f;
    f.kind = CType::Kind::kFunction;
    if (Accept(")")) {
      f.unspecified = true;
      return f;
    }
    if (Peek().Is("void") && Peek(1).Is(")")) {
      at += 2;
      return f;
    }
    for (;;) {
      if (Accept("...")) {
        f.variadic = true;
      } else {
        Specifiers s = ParseSpecifiers();
        std::string ignored;
        f.params.push_back(ParseDeclarator(s.type, &ignored));
      }
      if (Accept(")")) return f;
      Expect(",");
    }
  }

  // One declaration, [at, end) without its ';'.
  void ParseDeclaration() {
    Specifiers s = ParseSpecifiers();
    while (at < end) {
      std::string name;
      const Token& first = Peek();
      CType type = ParseDeclarator(s.type, &name);
      SkipIgnored();  // `f(void) __attribute__((...))`
      if (Accept("=")) {  // an initialiser: skip to the next declarator
        while (at < end && !Peek().Is(",")) {
          if (Peek().Is("(") || Peek().Is("{") || Peek().Is("[")) SkipBalanced(); else ++at;
        }
      }
      if (!name.empty()) {
        if (s.is_typedef) {
          headers.typedefs_.emplace(name, type);
        } else if (type.kind == CType::Kind::kFunction && !s.is_static &&
                   name.compare(0, headers.prefix_.size(), headers.prefix_) == 0) {
          headers.functions_.emplace(name, Function{type, At(first)});
        }
      }
      if (at >= end) break;
      Expect(",");
    }
  }
};

cm::Status Headers::Read(const std::string& path) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) return cm::Status::Invalid(path + ": " + std::strerror(errno));
  if (!S_ISDIR(st.st_mode)) return ReadFile(path);
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return cm::Status::Invalid(path + ": " + std::strerror(errno));
  std::vector<std::string> names;
  while (dirent* e = readdir(dir)) {
    std::string n = e->d_name;
    if (n.size() > 2 && n.compare(n.size() - 2, 2, ".h") == 0) names.push_back(n);
  }
  closedir(dir);
  if (names.empty()) return cm::Status::Invalid(path + ": no header (*.h) in this directory");
  std::sort(names.begin(), names.end());
  // Twice: the second pass knows every typedef name of the set, whatever
  // the order in which the files include each other.
  for (int pass = 0; pass < 2; ++pass) {
    functions_.clear();
    constants_.clear();
    unparsed_.clear();
    files_ = 0;
    for (const std::string& n : names) {
      cm::Status s = ReadFile(path + "/" + n);
      if (!s.ok()) return s;
    }
  }
  return cm::Status::Ok();
}

cm::Status Headers::ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return cm::Status::Invalid(path + ": cannot open (" + std::strerror(errno) + ")");
  std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  ++files_;
  std::string file = path.substr(path.find_last_of('/') + 1);
  std::vector<Define> defines;
  std::vector<Token> tokens = Tokenize(text, &defines);
  std::map<std::string, int64_t> values;
  for (const auto& [name, c] : constants_)
    if (c.value) values[name] = *c.value;
  // #defines may use enum constants and the other way round: those that can
  // be evaluated before the declarations are, the rest after them.
  auto take_defines = [&] {
    for (const Define& d : defines) {
      if (d.name.compare(0, prefix_.size(), prefix_) != 0 || constants_.count(d.name)) continue;
      std::optional<int64_t> value = Evaluate(d.value, 0, d.value.size(), values);
      if (!value) continue;  // not an integer constant (yet): not one to compare
      values[d.name] = *value;
      constants_[d.name] = Constant{value, "#define", {file, d.line}};
    }
  };
  take_defines();
  Parser parser{*this, tokens, file, values};

  // Declarations end at a ';' outside brackets, or at a function body's '}'.
  // `extern "C" {` and its '}' are not part of any.
  size_t begin = 0;
  int depth = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Token& x = tokens[i];
    if (depth == 0 && x.Is("extern") && i + 2 < tokens.size() && tokens[i + 1].kind == Token::Kind::kString &&
        tokens[i + 2].Is("{")) {
      i += 2;
      begin = i + 1;
      continue;
    }
    if (depth == 0 && x.Is("}")) {  // the end of an `extern "C"` block
      begin = i + 1;
      continue;
    }
    bool body = depth == 0 && x.Is("{") && i > begin && tokens[i - 1].Is(")");  // a function definition
    if (x.Is("(") || x.Is("[") || (x.Is("{") && !body)) ++depth;
    if (x.Is(")") || x.Is("]") || (x.Is("}") && depth > 0)) --depth;
    bool last = depth == 0 && (x.Is(";") || body);
    if (!last) continue;
    parser.at = begin;
    parser.end = i;
    try {
      if (i > begin) parser.ParseDeclaration();
    } catch (const ParseError& e) {
      // Only what concerns a relink is worth a word: a Cm* name called.
      for (size_t k = begin; k + 1 < i; ++k)
        if (tokens[k].IsIdent() && tokens[k + 1].Is("(") &&
            tokens[k].text.compare(0, prefix_.size(), prefix_) == 0) {
          unparsed_.push_back({tokens[k].text, Text(tokens, begin, i) + " (" + e.what() + ")", {file, tokens[k].line}});
          break;
        }
    }
    if (body) {  // skip it
      size_t k = i;
      int d = 0;
      do {
        if (tokens[k].Is("{")) ++d;
        if (tokens[k].Is("}")) --d;
        ++k;
      } while (d > 0 && k < tokens.size());
      i = k - 1;
    }
    begin = i + 1;
  }
  take_defines();
  return cm::Status::Ok();
}

CType Headers::Resolve(const CType& type) const {
  CType out = type;
  for (int depth = 0; out.kind == CType::Kind::kBase && depth < 32; ++depth) {
    auto it = typedefs_.find(out.base);
    if (it == typedefs_.end()) break;
    bool is_const = out.is_const, is_volatile = out.is_volatile;
    out = it->second;
    out.is_const = out.is_const || is_const;
    out.is_volatile = out.is_volatile || is_volatile;
  }
  if (out.of) out.of = std::make_shared<CType>(Resolve(*out.of));
  for (CType& p : out.params) p = Resolve(p);
  return out;
}

namespace {

std::string Render(const CType& t, const std::string& decl) {
  switch (t.kind) {
    case CType::Kind::kBase: {
      std::string q = std::string(t.is_const ? "const " : "") + (t.is_volatile ? "volatile " : "") + t.base;
      return decl.empty() ? q : q + " " + decl;
    }
    case CType::Kind::kPointer: {
      std::string d = "*" + std::string(t.is_const ? " const" : "") + (t.is_const && !decl.empty() ? " " : "") + decl;
      if (t.of->kind == CType::Kind::kArray || t.of->kind == CType::Kind::kFunction) d = "(" + d + ")";
      return Render(*t.of, d);
    }
    case CType::Kind::kArray:
      return Render(*t.of, decl + "[" + t.extent + "]");
    case CType::Kind::kFunction: {
      std::string params;
      for (const CType& p : t.params) params += (params.empty() ? "" : ", ") + Render(p, "");
      if (t.variadic) params += params.empty() ? "..." : ", ...";
      if (params.empty() && !t.unspecified) params = "void";
      return Render(*t.of, decl + "(" + params + ")");
    }
  }
  return "?";
}

}  // namespace

std::string CType::ToString() const { return Render(*this, ""); }

}  // namespace cmabi
