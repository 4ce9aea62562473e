// abi_compare: what would break if a program built against one Cm library
// (the legacy one) were relinked against another (ours): exported symbols,
// function prototypes, integer constants.  Each difference once, marked as
// breaking or harmless.
#ifndef CM_TOOLS_ABI_ABI_COMPARE_H
#define CM_TOOLS_ABI_ABI_COMPARE_H

#include <string>
#include <vector>

#include "abi/c_decls.h"
#include "abi/elf_exports.h"

namespace cmabi {

// One library and its headers.
struct Side {
  std::string label;  // "legacy", "ours"
  Exports exports;
  Headers headers;
};

struct Difference {
  enum class Level { kNotChecked, kHarmless, kBreaks };
  Level level;
  std::string text;  // one line, without the level
};

struct Comparison {
  std::vector<Difference> differences;  // in the order: symbols, prototypes, constants
  size_t symbols = 0, prototypes = 0, constants = 0;  // of the legacy side's, compared
};

// `prefix`: only names starting with it (symbols; the headers were read with it).
// `extras`: also list what only ours has (harmless).
Comparison Compare(const Side& legacy, const Side& ours, const std::string& prefix, bool extras);

}  // namespace cmabi

#endif
