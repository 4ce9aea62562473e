// NameClient: this process's side of the name servers of its domain.
//
// One RequestChannel per name server.  Registration goes to all of them (so
// one can die unnoticed); look-ups ask them in turn until one knows the name.
// Every call is bounded by a timeout; nothing here waits forever.  A channel
// whose link went down and came back up means a name server that may have
// restarted and forgotten us: TakeReconnected() tells the session to
// register again.
#ifndef CM_NAMING_NAME_CLIENT_H
#define CM_NAMING_NAME_CLIENT_H

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <zmq.h>

#include "codec/message.h"
#include "naming/domain.h"
#include "transport/request_channel.h"
#include "util/status.h"

namespace cm {

struct NameRecord {
  std::string name;
  std::string address;  // tcp://host:port#incarnation
  std::string host;
  int pid = 0;
  int64_t started = 0;  // Unix seconds
};

struct ConnectRecord {
  std::string from, to;
  int64_t messages = 0;
};

class NameClient {
 public:
  // `sender` names us in request frames; `routing_id` identifies our
  // connections to the name servers.
  NameClient(const DomainConfig& domain, const std::string& routing_id);

  void set_sender(const std::string& sender) { sender_ = sender; }
  const DomainConfig& domain() const { return domain_; }

  // `timeout_ms` to reach each name server; an answer may take up to 10 s.
  Status Register(const NameRecord& record, int timeout_ms);
  Status Unregister(const std::string& name, int timeout_ms);
  Status Lookup(const std::string& name, NameRecord* record, int timeout_ms);
  Status List(std::vector<NameRecord>* records, int timeout_ms);
  Status Connects(std::vector<ConnectRecord>* records, int timeout_ms);

  // Sends `request` to the first name server that answers; on success the
  // reply's cursor stands after (status, reason).  A status-0 reply becomes
  // Status::Refused with the server's reason.
  Status Call(Message& request, Message* reply, int timeout_ms);
  // Fire-and-forget to every name server that is connected (seq 0).
  void Notify(Message& notification);

  // Poll items for the channels and their monitors.
  void AppendPollItems(std::vector<zmq_pollitem_t>* items);
  // Reads and drops what the name servers sent outside a call (NSProbe,
  // late answers): unread, it would fill the link's queue, and a full queue
  // stops the heartbeats that keep our names registered.
  void DrainUnsolicited();
  // Processes link events; true if a link came back after a loss.
  bool TakeReconnected();

 private:
  // `timeout_ms` to hand the request over, `answer_ms` (-1: the same) for
  // the answer.
  Status CallOne(RequestChannel& channel, Message& request, Message* reply, int timeout_ms, int answer_ms = -1);
  // The channels whose link is up first: a question that any name server
  // can answer must not wait for one that is down.
  std::vector<RequestChannel*> UpFirst();

  DomainConfig domain_;
  std::string sender_;
  std::vector<std::unique_ptr<RequestChannel>> channels_;
  std::vector<bool> was_up_;
  uint64_t next_seq_ = 1;
};

}  // namespace cm

#endif
