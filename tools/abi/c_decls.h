// c_decls: what a C header set declares that a relink depends on: function
// prototypes, typedefs, and integer constants (enum constants, and
// object-like #defines of an integer).
//
// Not a C compiler: a tokenizer and a declaration parser that know enough of
// C89/C99 for the headers of a C library (typedefs, pointers, function
// pointers, arrays, struct/union/enum, const/volatile, `extern "C"`,
// __attribute__, K&R `f()`).  Preprocessor directives are skipped (both
// branches of an #if are read; `#if 0` blocks are not); a macro in front of
// a declaration is skipped when it cannot be a type.  What it does not
// understand it says (Unparsed), instead of guessing.
#ifndef CM_TOOLS_ABI_C_DECLS_H
#define CM_TOOLS_ABI_C_DECLS_H

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/status.h"

namespace cmabi {

// A C type, as declared (typedef names are kept; Headers::Resolve follows them).
struct CType {
  enum class Kind { kBase, kPointer, kArray, kFunction };
  Kind kind = Kind::kBase;
  std::string base;    // kBase: "int", "unsigned long", "struct X", "enum", or a typedef name
  bool is_const = false;
  bool is_volatile = false;
  std::shared_ptr<CType> of;  // kPointer: the pointee; kArray: the element; kFunction: the return type
  std::vector<CType> params;  // kFunction
  bool variadic = false;      // kFunction: ", ..."
  bool unspecified = false;   // kFunction: K&R "f()", parameters not declared
  std::string extent;         // kArray: the size as written

  // "const char *", "CmMessageStatus (*)(CmMessage, char *, char *)".
  std::string ToString() const;
};

// Where something was declared, for messages.
struct Where {
  std::string file;
  int line = 0;
  std::string ToString() const { return file + ":" + std::to_string(line); }
};

struct Function {
  CType type;  // kFunction
  Where where;
};

struct Constant {
  std::optional<int64_t> value;  // none: an expression this parser does not evaluate
  std::string enum_name;         // the typedef or tag of its enum, or "" (or "#define")
  Where where;
};

// A declaration naming a Cm* function that could not be parsed.
struct Unparsed {
  std::string name;
  std::string text;
  Where where;
};

class Headers {
 public:
  // Reads `path`: a header file, or every *.h file of a directory (not its
  // subdirectories), in name order.  Errors: unreadable path, no header.
  cm::Status Read(const std::string& path);

  // Only names starting with `prefix` are kept (functions, constants).
  void set_prefix(std::string prefix) { prefix_ = std::move(prefix); }

  const std::map<std::string, Function>& functions() const { return functions_; }
  const std::map<std::string, Constant>& constants() const { return constants_; }
  const std::vector<Unparsed>& unparsed() const { return unparsed_; }
  size_t files() const { return files_; }

  // `type` with its typedef names replaced by what they name, at every level
  // (a name this header set does not define stays as it is).
  CType Resolve(const CType& type) const;

  // For the parser (c_decls.cpp).
  struct Parser;

 private:
  cm::Status ReadFile(const std::string& path);

  std::string prefix_ = "Cm";
  std::map<std::string, CType> typedefs_;
  std::map<std::string, Function> functions_;
  std::map<std::string, Constant> constants_;
  std::vector<Unparsed> unparsed_;
  size_t files_ = 0;
};

}  // namespace cmabi

#endif
