#include "naming/domain.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

#include "util/settings.h"

namespace cm {
namespace {

std::string Env(const char* name) { return TextSetting(name); }

// The table path and a description of where we looked, for messages.
std::string FindTable(std::string* looked) {
  std::string path;
  if (!Env("CMDOMAIN_DATABASE").empty()) {
    path = Env("CMDOMAIN_DATABASE");
  } else if (!Env("CMMGR").empty()) {
    path = Env("CMMGR") + "/CmDomains";
  } else if (!Env("CMROOT").empty()) {
    path = Env("CMROOT") + "/mgr/CmDomains";
  }
  *looked = path.empty() ? "no CmDomains table ($CMDOMAIN_DATABASE, $CMMGR and $CMROOT are unset)" : path;
  return path;
}

bool ParsePort(const std::string& text, int* port) {
  char* end = nullptr;
  long v = std::strtol(text.c_str(), &end, 10);
  if (end == text.c_str() || *end != '\0' || v < 0 || v > 65535) return false;
  *port = static_cast<int>(v);
  return true;
}

// Reads what is left of the domain once its name servers are known.  A key
// file is read only from a directory nobody else can change (a key there
// could be removed behind our back, and the domain silently open).
Status LoadDomainSecret(DomainConfig* domain, bool load_secret) {
  if (!load_secret) return Status::Ok();
  std::string path = SecretPath(*domain);
  struct stat info;
  if (Env("CM_SECRET").empty() && stat(path.c_str(), &info) != 0 && errno == ENOENT) return Status::Ok();
  Status s = CheckKeyDirectory(KeyDirectory(path));
  return s.ok() ? LoadSecret(path, &domain->security) : s;
}

}  // namespace

std::string KeyDirectory(const std::string& key_path) {
  size_t slash = key_path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : key_path.substr(0, slash);
}

Status CheckKeyDirectory(const std::string& dir) {
  struct stat info;
  if (stat(dir.c_str(), &info) != 0)
    return Status::NotFound("key directory " + dir + ": " + std::strerror(errno));
  if (!S_ISDIR(info.st_mode)) return Status::Invalid("key directory " + dir + " is not a directory");
  if (info.st_uid != geteuid() && info.st_uid != 0)
    return Status::Refused("key directory " + dir + " belongs to another user (uid " + std::to_string(info.st_uid) +
                           "), who could replace or remove a key there: refusing to use it (set CM_SECRET, or the "
                           "repository of the domain's CmDomains line, to a directory of yours)");
  // With the sticky bit (as /tmp has), others may add files but not remove
  // or rename ours; a key file they put there is refused as not ours.
  if ((info.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (info.st_mode & S_ISVTX) == 0)
    return Status::Refused("key directory " + dir + " can be written by " +
                           ((info.st_mode & S_IWOTH) != 0 ? "anyone" : "its group") +
                           ", who could replace or remove a key there: chmod go-w it");
  return Status::Ok();
}

Status MakeKeyDirectory(const std::string& dir) {
  if (mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    return Status::Unavailable("cannot create directory " + dir + ": " + std::strerror(errno));
  return CheckKeyDirectory(dir);
}

std::string SecretPath(const DomainConfig& domain) {
  if (!Env("CM_SECRET").empty()) return Env("CM_SECRET");
  return domain.repository + "/" + domain.name + ".key";
}

Status LoadSecret(const std::string& path, Security* out) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0)
    return Status::NotFound("domain secret " + path + ": " + std::strerror(errno));
  if (info.st_uid != geteuid())
    return Status::Refused("domain secret " + path + " belongs to another user (uid " + std::to_string(info.st_uid) +
                           "): refusing to use it");
  if ((info.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    return Status::Refused("domain secret " + path + " can be read by others: chmod 600 it");
  std::ifstream file(path);
  if (!file) return Status::NotFound("cannot read domain secret " + path);
  std::string line, key;
  while (std::getline(file, line)) {
    // Only whole lines are comments: '#' is a Z85 digit.
    std::istringstream fields(line);
    std::string name, equals, value;
    if (!(fields >> name) || name[0] == '#') continue;
    if (name == "secret-key" && fields >> equals >> value && equals == "=") key = value;
  }
  if (key.empty()) return Status::Invalid("domain secret " + path + " has no 'secret-key = ...' line");
  return SecurityFromZ85(key, path, out);
}

Status ParseNameServerList(const std::string& text, std::vector<NameServerEndpoint>* out) {
  std::stringstream list(text);
  std::string item;
  out->clear();
  while (std::getline(list, item, ',')) {
    size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    if (b == std::string::npos) continue;
    item = item.substr(b, e - b + 1);
    if (item.rfind("tcp://", 0) == 0) item = item.substr(6);
    size_t colon = item.rfind(':');
    NameServerEndpoint ns;
    if (colon == std::string::npos || colon == 0 || !ParsePort(item.substr(colon + 1), &ns.port) || ns.port == 0)
      return Status::Invalid("bad name server '" + item + "': expected tcp://host:port");
    ns.host = item.substr(0, colon);
    out->push_back(ns);
  }
  if (out->empty()) return Status::Invalid("empty name server list");
  return Status::Ok();
}

Status ParseDomainTable(const std::string& text, const std::string& domain, const std::string& source,
                        DomainConfig* out) {
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  bool found = false;
  while (std::getline(lines, line)) {
    ++number;
    size_t hash = line.find('#');
    if (hash != std::string::npos) line.erase(hash);
    std::istringstream fields(line);
    std::string name, host, port, first, range, repository;
    if (!(fields >> name)) continue;
    if (name != domain) continue;
    fields >> host >> port >> first >> range >> repository;
    NameServerEndpoint ns;
    ns.host = host;
    if (host.empty() || !ParsePort(port, &ns.port) || ns.port == 0)
      return Status::Invalid(source + ":" + std::to_string(number) + ": domain '" + domain +
                             "' needs '<host> <port>' after its name");
    out->name_servers.push_back(ns);
    if (!found) {
      // Ports and repository come from the domain's first line.
      int f = 0, r = 0;
      if (!first.empty() && !(ParsePort(first, &f) && ParsePort(range, &r)))
        return Status::Invalid(source + ":" + std::to_string(number) + ": bad port range '" + first + " " +
                               range + "'");
      out->first_port = f;
      out->port_count = r;
      if (!repository.empty()) out->repository = repository;
    }
    found = true;
  }
  if (!found) return Status::NotFound("domain '" + domain + "' is not in " + source);
  out->name = domain;
  out->source = source;
  return Status::Ok();
}

Status LoadDomain(const std::string& domain_override, DomainConfig* out, bool load_secret) {
  *out = DomainConfig();
  std::string domain = !domain_override.empty() ? domain_override : Env("CMDOMAIN");
  if (domain.empty()) domain = "default";
  out->name = domain;
  std::string looked;
  std::string path = FindTable(&looked);
  std::string override_list = Env("CM_NAMESERVER");

  Status table = Status::NotFound(looked);
  if (!path.empty()) {
    std::ifstream file(path);
    if (!file) {
      table = Status::NotFound("cannot read CmDomains table " + path);
    } else {
      std::stringstream text;
      text << file.rdbuf();
      table = ParseDomainTable(text.str(), domain, path, out);
      if (!table.ok() && !table.IsNotFound()) return table;
    }
  }
  if (!override_list.empty()) {
    Status s = ParseNameServerList(override_list, &out->name_servers);
    if (!s.ok()) return Status::Invalid("CM_NAMESERVER: " + s.message());
    out->source = "CM_NAMESERVER";
    return LoadDomainSecret(out, load_secret);
  }
  if (table.ok()) return LoadDomainSecret(out, load_secret);
  if (domain == "default") {
    out->name_servers = {NameServerEndpoint{"localhost", kDefaultNameServerPort}};
    out->source = "built-in default";
    return LoadDomainSecret(out, load_secret);
  }
  return Status::NotFound("unknown domain '" + domain + "': " + table.message());
}

}  // namespace cm
