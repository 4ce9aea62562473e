#include "transport/context.h"

#include <memory>

namespace cm {
namespace {
// Released only by TerminateZmqContext: a static context destroyed at exit
// while another static still owned a socket would hang in zmq_ctx_term.
zmq::context_t* g_context = nullptr;
}  // namespace

zmq::context_t& ZmqContext() {
  if (g_context == nullptr) {
    g_context = new zmq::context_t();
    g_context->set(zmq::ctxopt::max_sockets, 65536);
  }
  return *g_context;
}

void TerminateZmqContext() {
  if (g_context == nullptr) return;
  g_context->close();  // zmq_ctx_term: blocks for the sockets' linger
  delete g_context;
  g_context = nullptr;
}

}  // namespace cm
