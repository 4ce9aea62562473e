#include "transport/context.h"

#include <map>
#include <memory>
#include <thread>

namespace cm {
namespace {
// Released only by TerminateZmqContext: a static context destroyed at exit
// while another static still owned a socket would hang in zmq_ctx_term.
zmq::context_t* g_context = nullptr;
// Leaked with the context if it is never terminated: a joinable std::thread
// destroyed at exit would abort the process.
std::map<std::string, std::thread>* g_threads = nullptr;
}  // namespace

zmq::context_t& ZmqContext() {
  // libzmq's default cap of 1023 sockets is plenty: a process has about
  // six, whatever the number of its peers (one dialer reaches them all).
  // A cap of 65536 cost 4 ms and 770 kB per process at start-up.
  if (g_context == nullptr) g_context = new zmq::context_t();
  return *g_context;
}

void TerminateZmqContext() {
  if (g_context == nullptr) return;
  g_context->close();  // zmq_ctx_term: blocks for the sockets' linger
  if (g_threads != nullptr) {
    for (auto& entry : *g_threads) entry.second.join();
    delete g_threads;
    g_threads = nullptr;
  }
  delete g_context;
  g_context = nullptr;
}

bool ContextThreadRunning(const std::string& name) { return g_threads != nullptr && g_threads->count(name) > 0; }

void StartContextThread(const std::string& name, std::function<void()> body) {
  if (ContextThreadRunning(name)) return;
  if (g_threads == nullptr) g_threads = new std::map<std::string, std::thread>();
  (*g_threads)[name] = std::thread(std::move(body));
}

}  // namespace cm
