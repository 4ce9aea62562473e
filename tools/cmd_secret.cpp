// cm secret: create the domain's key file (transport/security.h).
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "commands.h"
#include "naming/domain.h"
#include "transport/security.h"

namespace cmtool {
namespace {

const CommandHelp kSecretHelp = {
    "secret", "cm secret [options]",
    "Create the domain's secret: a CurveZMQ key file, readable by you alone, at\n"
    "$CM_SECRET or else <repository-dir>/<domain>.key (the directory of the domain's\n"
    "CmDomains line, /tmp/cm without one).  Once the name server and the processes\n"
    "of the domain find it there, only holders of the file can register, look up,\n"
    "send or kill in the domain, and their traffic is encrypted.  Copy the file\n"
    "(mode 600) to every host of the domain, then restart the name server and the\n"
    "processes.  An existing file is kept unless --force is given.  The directory\n"
    "is created (mode 700) if it is missing; one that belongs to another user, or\n"
    "that others may write to (without the sticky bit), is refused.",
    "  cm secret\n"
    "  cm secret --domain Conda\n"
    "  CM_SECRET=/etc/cm/Conda.key cm secret --domain Conda\n"};

}  // namespace

int RunSecret(const Args& args) {
  CommandLine cli(kSecretHelp);
  cli.options.add_options()("force", "replace an existing key file (every member then needs the new one)");
  if (!cli.Parse(args)) return kExitOk;
  cm::DomainConfig domain = cli.Domain(/*load_secret=*/false);
  std::string path = cm::SecretPath(domain);
  // Created as it should be (mode 700) on a fresh machine; an existing one
  // that another user could change is refused, not written into.
  cm::Status dir = cm::MakeKeyDirectory(cm::KeyDirectory(path));
  if (!dir.ok()) Fail(kExitFailed, dir.message());
  std::string secret;
  cm::Status s = cm::NewSecretZ85(&secret);
  if (!s.ok()) Fail(kExitFailed, s.message());
  // Written aside, then renamed: a reader never sees half a key.
  std::string temporary = path + ".new";
  int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) Fail(kExitFailed, "cannot create " + temporary + ": " + std::strerror(errno));
  std::string text = "# The secret of Cm domain '" + domain.name +
                     "' (cm secret).  Whoever holds this file is a member of the domain:\n"
                     "# keep it mode 600, copy it only to the domain's hosts.\n"
                     "secret-key = " + secret + "\n";
  bool written = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  close(fd);
  if (written && !cli.Has("force") && link(temporary.c_str(), path.c_str()) != 0) {
    int error = errno;
    unlink(temporary.c_str());
    if (error == EEXIST) Fail(kExitFailed, path + " already exists (--force replaces it)");
    Fail(kExitFailed, "cannot create " + path + ": " + std::strerror(error));
  }
  if (written && cli.Has("force") && rename(temporary.c_str(), path.c_str()) != 0) written = false;
  if (!written) {
    int error = errno;
    unlink(temporary.c_str());
    Fail(kExitFailed, "cannot write " + path + ": " + std::strerror(error));
  }
  unlink(temporary.c_str());  // after link(); gone already after rename()
  std::printf("domain %s: secret written to %s\n", domain.name.c_str(), path.c_str());
  return kExitOk;
}

}  // namespace cmtool
