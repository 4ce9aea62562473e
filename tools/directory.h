// directory: what the name server knows of the domain, as cm names, cm
// connects and cm watch show it: fetched in one request each, sorted,
// filtered by a name pattern, printed as tables.
#ifndef CM_TOOLS_DIRECTORY_H
#define CM_TOOLS_DIRECTORY_H

#include <cstdint>
#include <string>
#include <vector>

#include "naming/domain.h"
#include "naming/name_client.h"

namespace cmtool {

// A name PATTERN: a shell glob (fnmatch: * ? [...]); "" keeps everything.
struct NameFilter {
  std::string pattern;
  bool Keeps(const std::string& name) const;
};

// Sorted by name; Failure(kExitNameServer) when no name server answers.
std::vector<cm::NameRecord> FetchNames(const cm::DomainConfig& domain, const NameFilter& filter);
// Sorted by (from, to); a pair is kept when the filter keeps either end.
std::vector<cm::ConnectRecord> FetchConnects(const cm::DomainConfig& domain, const NameFilter& filter);

// The tables of cm names and cm connects (`now`: Unix seconds, for the uptime).
void PrintNames(const std::vector<cm::NameRecord>& names, int64_t now);
void PrintConnects(const std::vector<cm::ConnectRecord>& connects);

}  // namespace cmtool

#endif
