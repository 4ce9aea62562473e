#include "abi/abi_compare.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>

namespace cmabi {
namespace {

using Level = Difference::Level;

// What a value of a (resolved) type is to the calling convention.
struct Abi {
  enum class Class { kVoid, kInteger, kFloat, kPointer, kRecord, kUnknown };
  Class cls = Class::kUnknown;
  size_t size = 0;
  bool is_signed = true;
};

// Sizes of this machine, which is the one the legacy library and ours run on.
const std::map<std::string, Abi>& BaseTypes() {
  using C = Abi::Class;
  static const std::map<std::string, Abi> kTypes = {
      {"void", {C::kVoid, 0, true}},
      {"_Bool", {C::kInteger, sizeof(bool), false}},
      {"char", {C::kInteger, 1, static_cast<char>(-1) < 0}},
      {"signed char", {C::kInteger, 1, true}},
      {"unsigned char", {C::kInteger, 1, false}},
      {"short", {C::kInteger, sizeof(short), true}},
      {"unsigned short", {C::kInteger, sizeof(short), false}},
      {"int", {C::kInteger, sizeof(int), true}},
      {"unsigned int", {C::kInteger, sizeof(int), false}},
      {"enum", {C::kInteger, sizeof(int), true}},
      {"long", {C::kInteger, sizeof(long), true}},
      {"unsigned long", {C::kInteger, sizeof(long), false}},
      {"long long", {C::kInteger, sizeof(long long), true}},
      {"unsigned long long", {C::kInteger, sizeof(long long), false}},
      {"float", {C::kFloat, sizeof(float), true}},
      {"double", {C::kFloat, sizeof(double), true}},
      {"long double", {C::kFloat, sizeof(long double), true}},
      // The standard library's, which the headers use without defining.
      {"size_t", {C::kInteger, sizeof(size_t), false}},
      {"ssize_t", {C::kInteger, sizeof(size_t), true}},
      {"ptrdiff_t", {C::kInteger, sizeof(ptrdiff_t), true}},
      {"time_t", {C::kInteger, sizeof(long), true}},
      {"pid_t", {C::kInteger, 4, true}},
      {"int8_t", {C::kInteger, 1, true}},
      {"uint8_t", {C::kInteger, 1, false}},
      {"int16_t", {C::kInteger, 2, true}},
      {"uint16_t", {C::kInteger, 2, false}},
      {"int32_t", {C::kInteger, 4, true}},
      {"uint32_t", {C::kInteger, 4, false}},
      {"int64_t", {C::kInteger, 8, true}},
      {"uint64_t", {C::kInteger, 8, false}},
  };
  return kTypes;
}

Abi Classify(const CType& t) {
  if (t.kind != CType::Kind::kBase) return {Abi::Class::kPointer, sizeof(void*), false};  // arrays, functions decay
  auto it = BaseTypes().find(t.base);
  if (it != BaseTypes().end()) return it->second;
  if (t.base.compare(0, 7, "struct ") == 0 || t.base.compare(0, 6, "union ") == 0 || t.base == "FILE")
    return {Abi::Class::kRecord, 0, false};
  return {};  // a name neither header set defines
}

const char* ClassName(const Abi& a) {
  switch (a.cls) {
    case Abi::Class::kVoid: return "nothing";
    case Abi::Class::kInteger: return "an integer";
    case Abi::Class::kFloat: return "a floating-point number";
    case Abi::Class::kPointer: return "a pointer";
    case Abi::Class::kRecord: return "a struct";
    case Abi::Class::kUnknown: return "of an unknown type";
  }
  return "?";
}

// A verdict on two types, with the reasons at its level.
struct Verdict {
  Level level = Level::kNotChecked;  // kNotChecked here: the same
  std::vector<std::string> why;
  void Add(Level l, const std::string& reason) {
    if (l > level) {
      level = l;
      why.clear();
    }
    if (l == level) why.push_back(reason);
  }
  void Add(const Verdict& v) {
    for (const std::string& r : v.why) Add(v.level, r);
  }
};

std::string Described(const CType& t, const Abi& a) {
  std::string s = t.ToString();
  if (a.cls == Abi::Class::kInteger || a.cls == Abi::Class::kFloat)
    s += " (" + std::to_string(a.size) + (a.size == 1 ? " byte)" : " bytes)");
  return s;
}

Verdict CompareFunctions(const CType& l, const CType& o, const std::string& role);

// What `role` points to, in each: the pointee's size and kind matter (the
// callee reads or writes that much), its qualifiers and its tag do not.
Verdict ComparePointees(const CType& l, const CType& o, const std::string& role) {
  Verdict v;
  if (l.is_const != o.is_const || l.is_volatile != o.is_volatile)
    v.Add(Level::kHarmless, std::string(l.is_const != o.is_const ? "const" : "volatile") + " on what " + role +
                                " points to");
  if (l.kind == CType::Kind::kFunction || o.kind == CType::Kind::kFunction) {
    if (l.kind != o.kind) {
      v.Add(Level::kBreaks, role + " points to a function in one, not in the other");
      return v;
    }
    v.Add(CompareFunctions(l, o, role + "'s function"));
    return v;
  }
  Abi a = Classify(l), b = Classify(o);
  if (a.cls == Abi::Class::kVoid || b.cls == Abi::Class::kVoid) {
    if (a.cls != b.cls) v.Add(Level::kHarmless, role + " is void * in one, " + (a.cls == Abi::Class::kVoid ? o : l).ToString() + " * in the other");
    return v;
  }
  if (a.cls == Abi::Class::kPointer && b.cls == Abi::Class::kPointer && l.of && o.of) {
    v.Add(ComparePointees(*l.of, *o.of, "what " + role + " points to"));
    return v;
  }
  // An opaque handle's struct tag (`struct _CmMessage *`) is no part of
  // the ABI, and differs in every reimplementation: not worth a line.
  if (a.cls == Abi::Class::kRecord && b.cls == Abi::Class::kRecord) return v;
  if (a.cls != b.cls || a.size != b.size) {
    v.Add(Level::kBreaks, role + " points to " + Described(l, a) + " in legacy, " + Described(o, b) + " in ours");
  } else if (a.cls == Abi::Class::kUnknown && l.base != o.base) {
    v.Add(Level::kBreaks, role + " points to " + l.base + " in legacy, " + o.base + " in ours (unknown types)");
  } else if (a.is_signed != b.is_signed) {
    v.Add(Level::kHarmless, role + " points to " + l.ToString() + " in legacy, " + o.ToString() + " in ours (sign)");
  }
  return v;
}

// A parameter or a return value: passed by value.  Its own qualifiers are
// no part of the type (`const int n` is `int n` to a caller).
Verdict CompareValues(const CType& l, const CType& o, const std::string& role) {
  Verdict v;
  Abi a = Classify(l), b = Classify(o);
  if (a.cls != b.cls || a.size != b.size) {
    v.Add(Level::kBreaks, role + " is " + (a.cls == b.cls ? Described(l, a) : std::string(ClassName(a)) + ", " + l.ToString()) +
                              " in legacy, " + (a.cls == b.cls ? Described(o, b) : std::string(ClassName(b)) + ", " + o.ToString()) + " in ours");
    return v;
  }
  if ((a.cls == Abi::Class::kRecord || a.cls == Abi::Class::kUnknown) && l.base != o.base) {
    v.Add(Level::kBreaks, role + " is " + l.ToString() + " in legacy, " + o.ToString() + " in ours");
  } else if (a.cls == Abi::Class::kInteger && a.is_signed != b.is_signed) {
    v.Add(Level::kHarmless, role + " is " + l.ToString() + " in legacy, " + o.ToString() + " in ours (sign)");
  } else if (a.cls == Abi::Class::kPointer) {
    // An array or function parameter is a pointer to its element / itself.
    auto pointee = [](const CType& t) {
      if (t.kind == CType::Kind::kFunction) return t;
      return t.of ? *t.of : t;
    };
    v.Add(ComparePointees(pointee(l), pointee(o), role));
  }
  return v;
}

Verdict CompareFunctions(const CType& l, const CType& o, const std::string& role) {
  Verdict v;
  v.Add(CompareValues(*l.of, *o.of, role.empty() ? "the return type" : "the return type of " + role));
  std::string of = role.empty() ? "" : " of " + role;
  if (l.unspecified || o.unspecified) {
    if (l.unspecified != o.unspecified)
      v.Add(Level::kNotChecked, std::string(l.unspecified ? "legacy" : "ours") + " declares no parameter list" + of);
    return v;
  }
  if (l.variadic != o.variadic) v.Add(Level::kBreaks, "variable arguments (...) in " + std::string(l.variadic ? "legacy" : "ours") + " only" + of);
  if (l.params.size() != o.params.size()) {
    v.Add(Level::kBreaks, std::to_string(l.params.size()) + " parameters in legacy, " + std::to_string(o.params.size()) + " in ours" + of);
    return v;
  }
  for (size_t i = 0; i < l.params.size(); ++i)
    v.Add(CompareValues(l.params[i], o.params[i], "parameter " + std::to_string(i + 1) + of));
  return v;
}

// "void (CmMessage, char *, int)": a prototype as written, without its name.
std::string Shown(const CType& f) { return f.ToString(); }

bool HasPrefix(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : "; ") + p;
  return out;
}

}  // namespace

Comparison Compare(const Side& legacy, const Side& ours, const std::string& prefix, bool extras) {
  Comparison c;
  auto add = [&c](Level level, std::string text) { c.differences.push_back({level, std::move(text)}); };
  std::set<std::string> reported;  // names with a line already: one line per difference

  // Symbols: what a program built against legacy binds to must be there.
  for (const auto& [name, symbol] : legacy.exports.symbols) {
    if (!HasPrefix(name, prefix)) continue;
    ++c.symbols;
    auto it = ours.exports.symbols.find(name);
    if (it == ours.exports.symbols.end()) {
      bool declared = legacy.headers.functions().count(name) != 0;
      add(Level::kBreaks, "missing symbol " + name + " (in legacy, not in libCm-zmq" +
                              (declared ? "" : "; declared in no legacy header") + ")");
      reported.insert(name);
    } else if (symbol.function != it->second.function) {
      add(Level::kBreaks, "symbol kind differs: " + name + " is " + (symbol.function ? "a function" : "data") +
                              " in legacy, " + (it->second.function ? "a function" : "data") + " in ours");
      reported.insert(name);
    } else if (!symbol.function && symbol.size != it->second.size) {
      add(Level::kBreaks, "data size differs: " + name + " legacy " + std::to_string(symbol.size) + " bytes, ours " +
                              std::to_string(it->second.size));
      reported.insert(name);
    }
  }
  if (extras)
    for (const auto& [name, symbol] : ours.exports.symbols)
      if (HasPrefix(name, prefix) && !legacy.exports.symbols.count(name))
        add(Level::kHarmless, "extra symbol " + name + " (in libCm-zmq, not in legacy)");

  // Prototypes, from the headers.
  for (const auto& [name, function] : legacy.headers.functions()) {
    if (reported.count(name)) continue;
    auto it = ours.headers.functions().find(name);
    if (it == ours.headers.functions().end()) {
      // A program that calls it no longer compiles; unless the legacy
      // library does not have it either (then no program calls it).
      bool exported = legacy.exports.symbols.count(name) != 0;
      add(exported ? Level::kBreaks : Level::kHarmless,
          "missing declaration " + name + " (declared in legacy headers, " + function.where.ToString() +
              ", not in ours" + (exported ? "" : "; the legacy library does not export it either") + ")");
      continue;
    }
    ++c.prototypes;
    Verdict v = CompareFunctions(legacy.headers.Resolve(function.type), ours.headers.Resolve(it->second.type), "");
    if (v.why.empty()) continue;
    add(v.level, "prototype differs: " + name + ": legacy " + Shown(function.type) + " vs ours " +
                     Shown(it->second.type) + ": " + Join(v.why));
  }
  if (extras)
    for (const auto& [name, function] : ours.headers.functions())
      if (!legacy.headers.functions().count(name))
        add(Level::kHarmless, "extra declaration " + name + " (in ours, not in legacy headers)");

  // Constants: a program compiled with legacy's values passes them to ours.
  for (const auto& [name, constant] : legacy.headers.constants()) {
    ++c.constants;
    auto it = ours.headers.constants().find(name);
    if (it == ours.headers.constants().end()) {
      add(Level::kBreaks, "missing constant " + name + " (in legacy headers, " + constant.where.ToString() +
                              ", not in ours)");
    } else if (!constant.value || !it->second.value) {
      add(Level::kNotChecked, "constant " + name + ": the value in " + (constant.value ? "ours" : "legacy") +
                                  " is an expression this tool does not evaluate");
    } else if (*constant.value != *it->second.value) {
      std::string kind = constant.enum_name == "#define" ? "constant" : "enum value";
      add(Level::kBreaks, kind + " differs: " + name + " legacy " + std::to_string(*constant.value) + ", ours " +
                              std::to_string(*it->second.value));
    }
  }
  if (extras)
    for (const auto& [name, constant] : ours.headers.constants())
      if (!legacy.headers.constants().count(name))
        add(Level::kHarmless, "extra constant " + name + " (in ours, not in legacy headers)");

  // What could not be read is said, not taken as agreement.
  for (const Side* side : {&legacy, &ours})
    for (const Unparsed& u : side->headers.unparsed())
      add(Level::kNotChecked, "declaration of " + u.name + " not understood (" + side->label + ", " +
                                  u.where.ToString() + "): " + u.text);
  return c;
}

}  // namespace cmabi
