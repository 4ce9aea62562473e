// NameClient: this process's side of the name servers of its domain.
//
// One RequestChannel per name server.  Every request goes to all of them at
// once, side by side: a registration must reach every one (so one can die
// unnoticed), a question takes the first good answer, so a name server that
// is dead, or whose host does not even answer, costs nothing noticeable
// (asked in turn, a dead first one cost `cm names` 0.78 s).  Every call is
// bounded by a timeout; nothing here waits forever.  A channel whose link
// went down and came back up means a name server that may have restarted
// and forgotten us, and one that comes up after missing our registration
// does not know us: TakeReconnected() tells the session to register again.
//
// Our connections to the name servers are known there by their routing id,
// and a name belongs to the connection that registered it.  So that id is
// a secret of this client (random, never published): were it the
// incarnation everyone reads in our address, anyone could connect under it
// and unlist or take our names with one frame.
#ifndef CM_NAMING_NAME_CLIENT_H
#define CM_NAMING_NAME_CLIENT_H

#include <chrono>
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
  // `label` starts the routing id of our connections to the name servers
  // (for whoever looks at them); a random secret ends it.
  NameClient(const DomainConfig& domain, const std::string& label);

  void set_sender(const std::string& sender) { sender_ = sender; }
  const DomainConfig& domain() const { return domain_; }

  // `timeout_ms` to reach each name server; an answer may take up to 10 s.
  Status Register(const NameRecord& record, int timeout_ms);
  Status Unregister(const std::string& name, int timeout_ms);
  Status Lookup(const std::string& name, NameRecord* record, int timeout_ms);
  Status List(std::vector<NameRecord>* records, int timeout_ms);
  Status Connects(std::vector<ConnectRecord>* records, int timeout_ms);

  // A question (a type starting with "NSGet") goes to every name server at
  // once and takes the first good answer; any other request goes to the
  // first name server that takes it, and only to it.  On success the
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
  // Processes link events; true if a link came back after a loss, or came
  // up to a name server our last registration did not reach.
  bool TakeReconnected();

  // The routing id of our connections (tests).
  const std::string& routing_id() const { return routing_id_; }

 private:
  // One request as one name server handled it.
  struct Asked {
    bool sent = false;  // handed to the channel
    bool done = false;  // answered, or given up
    Status status;      // once done
    zmq::message_t answer;  // the reply frame, once answered (ReadAnswer)
    std::chrono::steady_clock::time_point answer_deadline{};
  };
  // kFirstGood: until one answers with success (a question).  kAll: until
  // every name server that took the request answered, at least one did, or
  // one refused (a registration: one refusal is final).
  enum class Until { kFirstGood, kAll };
  // Sends `request` to every name server at once: `timeout_ms` for each to
  // take it, then `answer_ms` for its answer.  (*asked)[i] is channel i's.
  void AskAll(Message& request, int timeout_ms, int answer_ms, Until until, std::vector<Asked>* asked);
  static bool Enough(const std::vector<Asked>& asked, Until until);
  // Reads what channel `i` has for the request `seq`; true once answered.
  bool TakeAnswer(size_t i, uint64_t seq, Asked* asked);
  // Decodes an answer into `reply`, its cursor after (status, reason).
  static Status ReadAnswer(const Asked& asked, Message* reply);
  Status NotReached(RequestChannel& channel);
  // The old way, for a request that changes something: to the first name
  // server that takes it.
  Status CallOne(RequestChannel& channel, Message& request, Message* reply, int timeout_ms);

  DomainConfig domain_;
  std::string sender_;
  std::string routing_id_;
  std::vector<std::unique_ptr<RequestChannel>> channels_;
  std::vector<bool> was_up_;
  std::vector<bool> missed_;  // our last registration did not reach it
  uint64_t next_seq_ = 1;
};

}  // namespace cm

#endif
