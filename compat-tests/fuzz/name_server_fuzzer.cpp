// libFuzzer target for the name server's request path: decode, the request
// table, item checks, every handler, the registry.  One name server (bound on
// a free port, never polled) serves every input as a frame from one of a few
// connections; replies go nowhere.  Whatever the bytes: no crash, no leak, no
// undefined behaviour.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "memory_registry.h"
#include "name_server.h"
#include "util/log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static cm::NameServer* server = [] {
    cm::SetDefaultLogLevel(cm::LogLevel::kError);
    cm::NameServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;  // any free port
    std::unique_ptr<cm::NameServer> s;
    if (!cm::NameServer::Open(options, std::make_unique<cm::MemoryRegistry>(), &s).ok()) __builtin_trap();
    return s.release();
  }();
  // The first byte picks the connection, so that ownership rules are hit.
  if (size == 0) return 0;
  std::string owner = "owner-" + std::to_string(data[0] % 4);
  server->ServeFrame(owner, reinterpret_cast<const char*>(data) + 1, size - 1);
  return 0;
}
