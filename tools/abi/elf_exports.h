// elf_exports: the symbols a shared library exports, read from its ELF
// dynamic symbol table (.dynsym) with <elf.h> alone: what a program linked
// against it may bind to.
#ifndef CM_TOOLS_ABI_ELF_EXPORTS_H
#define CM_TOOLS_ABI_ELF_EXPORTS_H

#include <cstdint>
#include <map>
#include <string>

#include "util/status.h"

namespace cmabi {

struct ExportedSymbol {
  bool function = false;  // else data (an object, or TLS)
  uint64_t size = 0;      // bytes, for data: a program's copy relocation takes that many
};

struct Exports {
  std::string soname;                            // DT_SONAME, "" if none
  std::map<std::string, ExportedSymbol> symbols;  // defined, global or weak, visible
};

// Reads the library at `path` (a symlink is followed).  ELF32 and ELF64 of
// this machine's byte order.  An unreadable file or one that is not such an
// ELF file: Status::Invalid saying which.
cm::Status ReadExports(const std::string& path, Exports* out);

}  // namespace cmabi

#endif
