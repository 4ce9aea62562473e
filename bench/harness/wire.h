// A tiny name-server client written from docs/protocol.md alone (raw ZeroMQ
// and msgpack, none of the library's code): the benchmark driver uses it to
// watch registrations (NSGetNames) and to register a raw ZeroMQ socket under
// a Cm name (NSRegister), so that it can capture the exact bytes
// CmMessageSend puts on the wire.
#ifndef CM_BENCH_HARNESS_WIRE_H
#define CM_BENCH_HARNESS_WIRE_H

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

struct NameEntry {
  std::string name, host, address;
  int pid = 0;
};

// One DEALER to one name server.  Not thread-safe.
class NameServerProbe {
 public:
  NameServerProbe(void* zmq_context, const std::string& endpoint);
  ~NameServerProbe();
  NameServerProbe(const NameServerProbe&) = delete;
  NameServerProbe& operator=(const NameServerProbe&) = delete;

  // Every registered name.  False if no success reply came within timeout_ms.
  bool Names(std::vector<NameEntry>* names, int timeout_ms);
  // How many names are registered (NSGetStatistics: no list is built, so it
  // can be asked often without loading the name server).  False on timeout.
  bool Count(size_t* names, int timeout_ms);
  // NSRegister; the name belongs to this probe's connection.
  bool Register(const NameEntry& entry, int timeout_ms);

 private:
  // One item value of a reply (the tags dropped): a text or an integer.
  struct Field {
    std::string text;
    int64_t number = 0;
  };
  // Sends the request (its seq is `seq`) and waits for the reply with the
  // same seq; false on timeout or a status other than 1.
  bool Call(const std::string& request, uint64_t seq, std::vector<Field>* fields, int timeout_ms);
  // A request of `type` with no items (NSGetNames, NSGetStatistics).
  bool CallWithoutItems(const char* type, std::vector<Field>* fields, int timeout_ms);

  void* socket_;
  uint64_t next_seq_ = 1;
};

// Sends the acknowledgement (cm:ack, docs/protocol.md) that a Cm receiver
// registered as `name` at `address` owes the sender of `frame` (a frame it
// received): to the listener in the frame's reply_to, for the frame's
// sequence number.  False if `frame` is not a peer message with a reply_to.
bool AcknowledgeFrame(void* zmq_context, const std::string& frame, const std::string& name,
                      const std::string& address);

}  // namespace bench

#endif
