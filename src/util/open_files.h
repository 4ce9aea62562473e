// Open-file limit: every peer or client connection is a descriptor, and the
// usual soft limit (1024) is reached by a process with ~500 peers (each
// peer that sends to it and that it answers holds two).  The hard limit is
// the administrator's word; the soft one is only a default.
#ifndef CM_UTIL_OPEN_FILES_H
#define CM_UTIL_OPEN_FILES_H

namespace cm {

// Raises the soft open-file limit to the hard one; returns the limit now in
// force (-1 if it cannot be read).
long RaiseOpenFileLimit();

}  // namespace cm

#endif
