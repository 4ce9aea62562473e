// The cm subcommands.  Each takes the words after its name and returns the
// exit status; a failure is thrown as cmtool::Failure (cli.h), which main
// prints as one line.  The table that names them is in cm.cpp.
#ifndef CM_TOOLS_COMMANDS_H
#define CM_TOOLS_COMMANDS_H

#include "cli.h"

namespace cmtool {

int RunNames(const Args& args);       // cmd_directory.cpp
int RunConnects(const Args& args);
int RunWatch(const Args& args);       // cmd_watch.cpp
int RunPing(const Args& args);        // cmd_process.cpp
int RunInfo(const Args& args);
int RunKill(const Args& args);
int RunSend(const Args& args);        // cmd_messages.cpp
int RunRequest(const Args& args);
int RunListen(const Args& args);
int RunNameServer(const Args& args);  // cmd_nameserver.cpp
int RunVersion(const Args& args);
int RunSecret(const Args& args);     // cmd_secret.cpp
int RunAbiCheck(const Args& args);   // cmd_abi_check.cpp

}  // namespace cmtool

#endif
