// ProcessInfo: what a process says about itself, in one layout for the two
// places it travels: the answer to `cm:info` (cm:info-reply, asked by the cm
// tool) and the periodic report a process sends its name server (so that the
// name server can show every process without asking 500 of them).
//
// Items, in order (docs/protocol.md): text name, int pid, text host, text
// address, int handlers, long received, long sent, long send failures, long
// unhandled, long malformed, long lost, text version, long queued, long
// unacked -- the layout of every release so far -- then, since 1.1: int n and
// n texts (the handler types installed; "*" is the default handler), long
// start time (Unix seconds).  A reader of an older answer leaves the later
// fields at their defaults; an older reader ignores them.
#ifndef CM_NAMING_PROCESS_INFO_H
#define CM_NAMING_PROCESS_INFO_H

#include <cstdint>
#include <string>
#include <vector>

#include "codec/message.h"

namespace cm {

struct ProcessInfo {
  std::string name;
  int pid = 0;
  std::string host;
  std::string address;  // tcp://host:port#incarnation
  int handlers = 0;     // how many are installed
  int64_t received = 0, sent = 0, send_failures = 0, unhandled = 0, malformed = 0, lost = 0;
  std::string version;  // the process's library version
  int64_t queued = 0;   // received, not yet dispatched
  int64_t unacked = 0;  // sent to peers that went away before acknowledging them
  std::vector<std::string> handler_types;  // empty from a release before 1.1
  int64_t start_time = 0;                  // Unix seconds; 0 when not said
};

// Appends the items above to `message` (its type is the caller's).
void PutProcessInfo(const ProcessInfo& info, Message* message);
// Reads them from `message`'s cursor.  False when the fourteen items every
// release sends are not there (the fields read so far are kept).
bool GetProcessInfo(Message& message, ProcessInfo* info);

}  // namespace cm

#endif
