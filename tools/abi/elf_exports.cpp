#include "abi/elf_exports.h"

#include <elf.h>
#include <endian.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <utility>
#include <vector>

namespace cmabi {
namespace {

// The file's bytes, every read checked: the library is whatever the user
// named, so no offset in it is trusted.
class Image {
 public:
  explicit Image(std::string bytes) : bytes_(std::move(bytes)) {}
  template <typename T>
  bool Read(uint64_t offset, T* out) const {
    if (offset > bytes_.size() || bytes_.size() - offset < sizeof(T)) return false;
    std::memcpy(out, bytes_.data() + offset, sizeof(T));
    return true;
  }
  // The NUL-terminated string at `offset` inside [begin, begin + size).
  bool String(uint64_t begin, uint64_t size, uint64_t offset, std::string* out) const {
    if (begin > bytes_.size() || size > bytes_.size() - begin || offset >= size) return false;
    const char* p = bytes_.data() + begin + offset;
    const void* end = std::memchr(p, '\0', size - offset);
    if (end == nullptr) return false;
    out->assign(p, static_cast<const char*>(end));
    return true;
  }
  size_t size() const { return bytes_.size(); }

 private:
  std::string bytes_;
};

struct Elf32 {
  using Ehdr = Elf32_Ehdr;
  using Shdr = Elf32_Shdr;
  using Sym = Elf32_Sym;
  using Dyn = Elf32_Dyn;
};
struct Elf64 {
  using Ehdr = Elf64_Ehdr;
  using Shdr = Elf64_Shdr;
  using Sym = Elf64_Sym;
  using Dyn = Elf64_Dyn;
};

template <typename Elf>
cm::Status ReadTables(const Image& image, const std::string& path, Exports* out) {
  typename Elf::Ehdr header;
  if (!image.Read(0, &header)) return cm::Status::Invalid(path + ": truncated ELF header");
  if (header.e_type != ET_DYN && header.e_type != ET_EXEC)
    return cm::Status::Invalid(path + ": an ELF file, but not a shared library");
  if (header.e_shoff == 0 || header.e_shentsize != sizeof(typename Elf::Shdr))
    return cm::Status::Invalid(path + ": no section headers (cannot find its symbol table)");
  std::vector<typename Elf::Shdr> sections(header.e_shnum);
  for (size_t i = 0; i < sections.size(); ++i)
    if (!image.Read(header.e_shoff + i * sizeof(typename Elf::Shdr), &sections[i]))
      return cm::Status::Invalid(path + ": section headers run past the end of the file");
  bool found = false;
  for (const auto& section : sections) {
    if (section.sh_link >= sections.size()) continue;
    const auto& strings = sections[section.sh_link];  // the names of this table
    if (section.sh_type == SHT_DYNSYM) {
      found = true;
      if (section.sh_entsize != sizeof(typename Elf::Sym))
        return cm::Status::Invalid(path + ": dynamic symbols of an unexpected size");
      for (uint64_t at = 0; at + sizeof(typename Elf::Sym) <= section.sh_size; at += sizeof(typename Elf::Sym)) {
        typename Elf::Sym sym;
        if (!image.Read(section.sh_offset + at, &sym))
          return cm::Status::Invalid(path + ": symbol table runs past the end of the file");
        // ELF32_ST_* and ELF64_ST_* are the same macros.
        int bind = ELF64_ST_BIND(sym.st_info), type = ELF64_ST_TYPE(sym.st_info);
        int visibility = ELF64_ST_VISIBILITY(sym.st_other);
        if (sym.st_shndx == SHN_UNDEF) continue;  // imported, not exported
        if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE) continue;
        if (visibility != STV_DEFAULT && visibility != STV_PROTECTED) continue;
        if (type != STT_FUNC && type != STT_GNU_IFUNC && type != STT_OBJECT && type != STT_TLS &&
            type != STT_COMMON)
          continue;
        std::string name;
        if (!image.String(strings.sh_offset, strings.sh_size, sym.st_name, &name) || name.empty()) continue;
        ExportedSymbol& s = out->symbols[name];  // one name may come in several versions: one entry
        s.function = type == STT_FUNC || type == STT_GNU_IFUNC;
        s.size = sym.st_size;
      }
    } else if (section.sh_type == SHT_DYNAMIC) {
      for (uint64_t at = 0; at + sizeof(typename Elf::Dyn) <= section.sh_size; at += sizeof(typename Elf::Dyn)) {
        typename Elf::Dyn dyn;
        if (!image.Read(section.sh_offset + at, &dyn) || dyn.d_tag == DT_NULL) break;
        if (dyn.d_tag == DT_SONAME) image.String(strings.sh_offset, strings.sh_size, dyn.d_un.d_val, &out->soname);
      }
    }
  }
  if (!found) return cm::Status::Invalid(path + ": no dynamic symbol table (not a shared library?)");
  return cm::Status::Ok();
}

}  // namespace

cm::Status ReadExports(const std::string& path, Exports* out) {
  *out = Exports();
  std::ifstream in(path, std::ios::binary);
  if (!in) return cm::Status::Invalid(path + ": cannot open (" + std::strerror(errno) + ")");
  std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  Image image(std::move(bytes));
  unsigned char ident[EI_NIDENT];
  if (!image.Read(0, &ident) || std::memcmp(ident, ELFMAG, SELFMAG) != 0)
    return cm::Status::Invalid(path + ": not an ELF file (a linker script or an archive is not a shared library)");
  int native = BYTE_ORDER == LITTLE_ENDIAN ? ELFDATA2LSB : ELFDATA2MSB;
  if (ident[EI_DATA] != native) return cm::Status::Invalid(path + ": ELF of the other byte order than this machine's");
  if (ident[EI_CLASS] == ELFCLASS64) return ReadTables<Elf64>(image, path, out);
  if (ident[EI_CLASS] == ELFCLASS32) return ReadTables<Elf32>(image, path, out);
  return cm::Status::Invalid(path + ": unknown ELF class");
}

}  // namespace cmabi
