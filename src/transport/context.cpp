#include "transport/context.h"

namespace cm {

zmq::context_t& ZmqContext() {
  // Never destroyed: a static context torn down at exit while another static
  // still owns sockets would hang in zmq_ctx_term.  CloseServer closes our
  // sockets explicitly instead.
  static zmq::context_t* context = [] {
    auto* c = new zmq::context_t();
    c->set(zmq::ctxopt::max_sockets, 65536);
    return c;
  }();
  return *context;
}

}  // namespace cm
