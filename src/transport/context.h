// The process's one ZeroMQ context, created on first use.
#ifndef CM_TRANSPORT_CONTEXT_H
#define CM_TRANSPORT_CONTEXT_H

#include <functional>
#include <string>

#include <zmq.hpp>

namespace cm {

zmq::context_t& ZmqContext();

// Waits until every closed socket has sent what it still held (each socket's
// linger bounds the wait), then frees the context; the next ZmqContext()
// makes a new one.  Every socket must be closed first, except those of the
// context's threads (below), which close theirs when the context ends.
void TerminateZmqContext();

// A thread that lives as long as the context (the ZAP handler): `body` must
// return, closing its sockets, once its blocking calls fail with ETERM.
// TerminateZmqContext waits for it.  One per name and context.
bool ContextThreadRunning(const std::string& name);
void StartContextThread(const std::string& name, std::function<void()> body);

}  // namespace cm

#endif
