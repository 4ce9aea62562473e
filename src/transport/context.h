// The process's one ZeroMQ context, created on first use.  Sized for a
// process that talks to hundreds of peers (the default cap is 1023 sockets).
#ifndef CM_TRANSPORT_CONTEXT_H
#define CM_TRANSPORT_CONTEXT_H

#include <zmq.hpp>

namespace cm {

zmq::context_t& ZmqContext();

}  // namespace cm

#endif
