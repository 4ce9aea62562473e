// The process's one ZeroMQ context, created on first use.  Sized for a
// process that talks to hundreds of peers (the default cap is 1023 sockets).
#ifndef CM_TRANSPORT_CONTEXT_H
#define CM_TRANSPORT_CONTEXT_H

#include <zmq.hpp>

namespace cm {

zmq::context_t& ZmqContext();

// Waits until every closed socket has sent what it still held (each socket's
// linger bounds the wait), then frees the context; the next ZmqContext()
// makes a new one.  Every socket must be closed first.
void TerminateZmqContext();

}  // namespace cm

#endif
