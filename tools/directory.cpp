#include "directory.h"

#include <fnmatch.h>

#include <algorithm>
#include <cstdio>

#include "cli.h"
#include "output.h"

namespace cmtool {

bool NameFilter::Keeps(const std::string& name) const {
  return pattern.empty() || fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

std::vector<cm::NameRecord> FetchNames(const cm::DomainConfig& domain, const NameFilter& filter) {
  std::vector<cm::NameRecord> records;
  CheckNameServer(ConnectNameServers(domain)->List(&records, kNameServerTimeoutMs));
  records.erase(std::remove_if(records.begin(), records.end(),
                               [&](const cm::NameRecord& r) { return !filter.Keeps(r.name); }),
                records.end());
  std::sort(records.begin(), records.end(),
            [](const cm::NameRecord& a, const cm::NameRecord& b) { return a.name < b.name; });
  return records;
}

std::vector<cm::ConnectRecord> FetchConnects(const cm::DomainConfig& domain, const NameFilter& filter) {
  std::vector<cm::ConnectRecord> records;
  CheckNameServer(ConnectNameServers(domain)->Connects(&records, kNameServerTimeoutMs));
  records.erase(std::remove_if(records.begin(), records.end(),
                               [&](const cm::ConnectRecord& r) { return !filter.Keeps(r.from) && !filter.Keeps(r.to); }),
                records.end());
  std::sort(records.begin(), records.end(), [](const cm::ConnectRecord& a, const cm::ConnectRecord& b) {
    return a.from != b.from ? a.from < b.from : a.to < b.to;
  });
  return records;
}

void PrintNames(const std::vector<cm::NameRecord>& names, int64_t now) {
  Table table({"NAME", "HOST", "PID", "ADDRESS", "UPTIME"}, {false, false, true, false, true});
  for (const cm::NameRecord& r : names)
    table.Add({Printable(r.name), Printable(r.host), std::to_string(r.pid), Printable(r.address),
               FormatDuration(now - r.started)});
  table.Print(stdout);
}

void PrintConnects(const std::vector<cm::ConnectRecord>& connects) {
  Table table({"FROM", "TO", "MESSAGES"}, {false, false, true});
  for (const cm::ConnectRecord& r : connects)
    table.Add({Printable(r.from), Printable(r.to), std::to_string(r.messages)});
  table.Print(stdout);
}

}  // namespace cmtool
