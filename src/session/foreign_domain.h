// ForeignDomain: another Cm domain this process lives in as well: in
// migration mode, the legacy one, reached through a companion process that
// drives the site's legacy library (migration/, docs/migration.md).
//
// The session knows it only through this interface: it registers its name
// there too (a name is one process on both sides), sends there what its own
// name servers cannot place, and takes the foreign messages and connection
// events in its wait loop, where handlers run as for its own.  Everything is
// called from the thread that runs the wait loop.
#ifndef CM_SESSION_FOREIGN_DOMAIN_H
#define CM_SESSION_FOREIGN_DOMAIN_H

#include <memory>
#include <string>

#include <zmq.h>

#include "codec/message.h"
#include "util/status.h"

namespace cm {

struct ForeignEvent {
  enum class Kind { kMessage, kConnected, kDisconnected, kGone };
  Kind kind = Kind::kMessage;
  std::string name;                  // the foreign process (kMessage: the sender)
  std::unique_ptr<Message> message;  // kMessage only, cursor at its first item
};

class ForeignDomain {
 public:
  virtual ~ForeignDomain() = default;
  virtual const char* label() const = 0;  // for logs and listings: "legacy"
  // Registers `name` there; refused when another process holds it.
  virtual Status Open(const std::string& name) = 0;
  virtual void Close() = 0;
  // CmMessageSend's answer on that side: true when taken for delivery.
  virtual bool Send(const Message& message, const std::string& to, int timeout_ms) = 0;
  // Whether a process of that name is there.
  virtual bool Knows(const std::string& name, int timeout_ms) = 0;
  // The next event, without waiting.
  virtual bool Next(ForeignEvent* event) = 0;
  // To sleep until an event may come (only once Next() returned false).
  virtual zmq_pollitem_t pollitem() = 0;
};

// Starts the foreign domain of this process, if it has one: sets *out, or
// leaves it empty when the process has none (migration mode off).
using ForeignDomainFactory = Status (*)(std::unique_ptr<ForeignDomain>* out);

}  // namespace cm

#endif
