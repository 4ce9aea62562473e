// cm abi-check: would programs built against a legacy Cm library still work
// relinked against libCm-zmq?  Compares the legacy libcm.so and its headers
// with ours (abi/: the ELF reader, the header parser, the comparison) and
// prints one line per difference; the exit status says the verdict.
#include <unistd.h>

#include <cstdio>
#include <string>

#include "abi/abi_compare.h"
#include "commands.h"

namespace cmtool {
namespace {

const CommandHelp kAbiCheckHelp = {
    "abi-check", "cm abi-check --library LIBCM.so --headers DIR [options]",
    "Compare a legacy Cm library (its libcm.so and the directory of its headers,\n"
    "e.g. $CMROOT/src) with libCm-zmq, and print one line per difference that\n"
    "matters to a program relinked from one to the other:\n"
    "  - symbols: every Cm* function or variable the legacy library exports\n"
    "    (its ELF dynamic symbol table) must be exported by ours;\n"
    "  - prototypes of the Cm* functions both header sets declare: return and\n"
    "    parameter types, typedefs followed.  A different size or kind (int vs\n"
    "    long, a pointer vs an integer, what a pointer points to, the parameter\n"
    "    count) breaks; const on a pointee, the sign, a typedef's name, an opaque\n"
    "    struct's tag do not (harmless); const on a value parameter is ignored;\n"
    "  - constants: every Cm* enum constant (implicit values counted) and #define\n"
    "    of an integer must have the same value.\n"
    "Each line starts with 'breaks', 'harmless' or 'not checked' (a declaration\n"
    "this tool's C parser does not understand, or an expression it does not\n"
    "evaluate: check those by hand).  The last line sums up.\n\n"
    "Exit status: 0 compatible (no line 'breaks'), 1 something breaks, 2 bad\n"
    "usage or a file that cannot be read.",
    "  cm abi-check --library /opt/cm-10.3/lib/libcm.so --headers /opt/cm-10.3/src\n"
    "  cm abi-check --library old/libcm.so --headers old/include --extras\n"
    "  cm abi-check --library old/libcm.so --headers old/include --dump     # what was read\n"};

// Our library and headers when not given: beside this cm as installed
// (bin/../lib/libCm-zmq.so, bin/../include/Cm), else the build tree it came from.
std::string Installed(const char* relative, const char* built) {
  char self[4096] = {};
  if (readlink("/proc/self/exe", self, sizeof self - 1) > 0) {
    std::string bin = self;
    std::string path = bin.substr(0, bin.find_last_of('/')) + "/../" + relative;
    if (access(path.c_str(), R_OK) == 0) return path;
  }
  return built;
}

void Load(cmabi::Side* side, const std::string& library, const std::string& headers, const std::string& prefix) {
  cm::Status s = cmabi::ReadExports(library, &side->exports);
  if (!s.ok()) Fail(kExitUsage, "abi-check: " + s.message());
  side->headers.set_prefix(prefix);
  s = side->headers.Read(headers);
  if (!s.ok()) Fail(kExitUsage, "abi-check: " + s.message());
  std::printf("%-7s %s%s, %zu header%s in %s\n", (side->label + ":").c_str(), library.c_str(),
              side->exports.soname.empty() ? "" : (" (soname " + side->exports.soname + ")").c_str(),
              side->headers.files(), side->headers.files() == 1 ? "" : "s", headers.c_str());
}

// --dump: what was read from one side, to check the parser on a site's headers.
void Dump(const cmabi::Side& side, const std::string& prefix) {
  for (const auto& [name, symbol] : side.exports.symbols)
    if (name.compare(0, prefix.size(), prefix) == 0)
      std::printf("symbol    %s %s\n", symbol.function ? "function" : "data", name.c_str());
  for (const auto& [name, f] : side.headers.functions())
    std::printf("prototype %s: %s  (%s)\n", name.c_str(), f.type.ToString().c_str(), f.where.ToString().c_str());
  for (const auto& [name, c] : side.headers.constants())
    std::printf("constant  %s = %s  (%s)\n", name.c_str(), c.value ? std::to_string(*c.value).c_str() : "?",
                c.where.ToString().c_str());
  for (const auto& u : side.headers.unparsed())
    std::printf("unparsed  %s  (%s): %s\n", u.name.c_str(), u.where.ToString().c_str(), u.text.c_str());
}

}  // namespace

int RunAbiCheck(const Args& args) {
  CommandLine cli(kAbiCheckHelp);
  cli.options.add_options()
      ("library", po::value<std::string>()->value_name("PATH"), "the legacy library (libcm.so)")
      ("headers", po::value<std::string>()->value_name("DIR"), "the legacy headers: a directory (its *.h) or one file")
      ("ours-library", po::value<std::string>()->value_name("PATH"),
       "our library (default: libCm-zmq.so beside this cm, installed or built)")
      ("ours-headers", po::value<std::string>()->value_name("DIR"), "our headers (default: include/Cm likewise)")
      ("prefix", po::value<std::string>()->default_value("Cm")->value_name("P"), "names compared start with P")
      ("extras", "also list what only ours has (harmless)")
      ("dump", "print what was read from the legacy side and exit");
  if (!cli.Parse(args)) return kExitOk;
  std::string prefix = cli.vm["prefix"].as<std::string>();
  cmabi::Side legacy{"legacy", {}, {}}, ours{"ours", {}, {}};
  Load(&legacy, cli.Required("library"), cli.Required("headers"), prefix);
  if (cli.Has("dump")) {
    Dump(legacy, prefix);
    return kExitOk;
  }
  Load(&ours,
       cli.Has("ours-library") ? cli.vm["ours-library"].as<std::string>()
                               : Installed(CM_INSTALL_LIBDIR "/libCm-zmq.so", CM_BUILT_LIBRARY),
       cli.Has("ours-headers") ? cli.vm["ours-headers"].as<std::string>()
                               : Installed(CM_INSTALL_INCLUDEDIR "/Cm", CM_SOURCE_HEADERS),
       prefix);

  cmabi::Comparison c = cmabi::Compare(legacy, ours, prefix, cli.Has("extras"));
  size_t counts[3] = {0, 0, 0};
  for (const auto& d : c.differences) {
    static const char* const kLabels[] = {"not checked", "harmless", "breaks"};
    ++counts[static_cast<int>(d.level)];
    std::printf("%-11s %s\n", kLabels[static_cast<int>(d.level)], d.text.c_str());
  }
  size_t breaks = counts[2], harmless = counts[1], unchecked = counts[0];
  std::printf("summary: %s: %zu difference%s break%s a relink, %zu harmless, %zu not checked; compared %zu symbols, "
              "%zu prototypes, %zu constants\n",
              breaks == 0 ? "compatible" : "NOT compatible", breaks, breaks == 1 ? "" : "s", breaks == 1 ? "s" : "",
              harmless, unchecked, c.symbols, c.prototypes, c.constants);
  return breaks == 0 ? kExitOk : kExitFailed;
}

}  // namespace cmtool
