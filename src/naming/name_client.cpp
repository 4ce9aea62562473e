#include "naming/name_client.h"

#include <algorithm>
#include <chrono>

#include "codec/frame.h"
#include "transport/zmq_frame.h"
#include "util/log.h"

namespace cm {
namespace {

constexpr int kPatientAnswerMs = 10000;

int RemainingMs(std::chrono::steady_clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

}  // namespace

NameClient::NameClient(const DomainConfig& domain, const std::string& routing_id) : domain_(domain) {
  for (const NameServerEndpoint& ns : domain_.name_servers) {
    channels_.push_back(std::make_unique<RequestChannel>(ns.ToString(), routing_id, domain_.security));
    was_up_.push_back(false);
  }
}

Status NameClient::CallOne(RequestChannel& channel, Message& request, Message* reply, int timeout_ms,
                           int answer_ms) {
  Envelope env;
  env.sender = sender_;
  env.seq = next_seq_++;
  zmq::message_t frame = EncodeFrame(env, request);
  if (!channel.Send(frame, timeout_ms)) {
    if (channel.HandshakeRefused())
      return Status::Unavailable("name server " + channel.endpoint() + " refused the handshake: " +
                                 (domain_.security.enabled()
                                      ? "it does not hold our domain secret (" + domain_.security.source + ")"
                                      : std::string("it wants a domain secret we do not hold (see `cm secret`)")));
    // A server with another secret cannot even read our hello: it hangs up
    // without a word, as one that is down does.
    return Status::Unavailable("name server " + channel.endpoint() + " is not reachable" +
                               (domain_.security.enabled()
                                    ? " (or its domain secret is not ours, " + domain_.security.source + ")"
                                    : std::string()));
  }
  if (answer_ms < 0) answer_ms = timeout_ms;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(answer_ms);
  for (;;) {
    zmq::message_t answer;
    if (!channel.Receive(&answer, RemainingMs(deadline))) {
      if (RemainingMs(deadline) > 0) continue;  // interrupted by a signal
      return Status::Timeout("name server " + channel.endpoint() + " did not answer " + request.type_string() +
                             " within " + std::to_string(answer_ms) + " ms");
    }
    Envelope got;
    Status s = Decode(std::make_unique<ZmqFrame>(std::move(answer)), &got, reply);
    if (!s.ok()) {
      CM_WARN("bad frame from name server %s: %s", channel.endpoint().c_str(), s.message().c_str());
      continue;
    }
    if (got.seq != env.seq) continue;  // a late answer to an earlier call, or a probe
    if (reply->PeekKind() != ItemKind::kInt) return Status::Malformed("name server reply without status");
    int ok = reply->GetInt();
    const char* reason = reply->PeekKind() == ItemKind::kText ? reply->GetText() : nullptr;
    if (ok != 1) return Status::Refused(reason && *reason ? reason : "refused by the name server");
    return Status::Ok();
  }
}

std::vector<RequestChannel*> NameClient::UpFirst() {
  std::vector<RequestChannel*> up, down;
  for (auto& channel : channels_) (channel->LinkUp() ? up : down).push_back(channel.get());
  up.insert(up.end(), down.begin(), down.end());
  return up;
}

Status NameClient::Call(Message& request, Message* reply, int timeout_ms) {
  Status last = Status::Unavailable("no name server configured");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::vector<RequestChannel*> channels = UpFirst();
  for (size_t i = 0; i < channels.size(); ++i) {
    // Shared out: one that just died (its monitor has not said so yet) must
    // leave the others time to answer.
    last = CallOne(*channels[i], request, reply, RemainingMs(deadline) / static_cast<int>(channels.size() - i));
    if (last.ok() || last.code() == Status::Code::kRefused) return last;
  }
  return last;
}

void NameClient::Notify(Message& notification) {
  Envelope env;
  env.sender = sender_;
  for (auto& channel : channels_) {
    zmq::message_t frame = EncodeFrame(env, notification);
    (void)channel->Send(frame, 0);  // a name server that is down misses one count
  }
}

Status NameClient::Register(const NameRecord& record, int timeout_ms) {
  Message request, reply;
  request.SetType("NSRegister");
  request.PutText(record.name.c_str());
  request.PutText(record.address.c_str());
  request.PutText(record.host.c_str());
  request.PutInt(record.pid);
  // Every name server must know us; one refusal (name taken) is final.  A
  // name server that took the request gets longer to answer than one that
  // cannot be reached: when a whole domain starts at once, a starved machine
  // is slow, not gone.
  int accepted = 0;
  Status last = Status::Unavailable("no name server configured");
  for (auto& channel : channels_) {
    Status s = CallOne(*channel, request, &reply, timeout_ms, std::max(timeout_ms, kPatientAnswerMs));
    if (s.code() == Status::Code::kRefused) return s;
    if (s.ok()) ++accepted;
    else last = s;
  }
  return accepted > 0 ? Status::Ok() : last;
}

Status NameClient::Unregister(const std::string& name, int timeout_ms) {
  Message request, reply;
  request.SetType("NSUnregister");
  request.PutText(name.c_str());
  Status result = Status::Unavailable("no name server configured");
  for (auto& channel : channels_) {
    Status s = CallOne(*channel, request, &reply, timeout_ms);
    if (s.ok() || !result.ok()) result = s;
  }
  return result;
}

Status NameClient::Lookup(const std::string& name, NameRecord* record, int timeout_ms) {
  Message request;
  request.SetType("NSGetAddress");
  request.PutText(name.c_str());
  Status last = Status::Unavailable("no name server configured");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  std::vector<RequestChannel*> channels = UpFirst();
  for (size_t i = 0; i < channels.size(); ++i) {
    Message reply;
    Status s = CallOne(*channels[i], request, &reply, RemainingMs(deadline) / static_cast<int>(channels.size() - i));
    if (s.ok()) {
      const char* address = reply.GetText();
      const char* host = reply.GetText();
      record->name = name;
      record->address = address ? address : "";
      record->host = host ? host : "";
      record->pid = reply.GetInt();
      record->started = reply.GetLong();
      return Status::Ok();
    }
    // Refused means "unknown here"; another name server may still know it.
    last = s.code() == Status::Code::kRefused ? Status::NotFound(s.message()) : s;
  }
  return last;
}

Status NameClient::List(std::vector<NameRecord>* records, int timeout_ms) {
  Message request, reply;
  request.SetType("NSGetNames");
  Status s = Call(request, &reply, timeout_ms);
  if (!s.ok()) return s;
  int n = reply.GetInt();
  records->clear();
  for (int i = 0; i < n && reply.PeekKind() != ItemKind::kTail; ++i) {
    NameRecord r;
    const char* name = reply.GetText();
    const char* host = reply.GetText();
    r.pid = reply.GetInt();
    const char* address = reply.GetText();
    r.started = reply.GetLong();
    r.name = name ? name : "";
    r.host = host ? host : "";
    r.address = address ? address : "";
    records->push_back(std::move(r));
  }
  return Status::Ok();
}

Status NameClient::Connects(std::vector<ConnectRecord>* records, int timeout_ms) {
  Message request, reply;
  request.SetType("NSGetConnects");
  Status s = Call(request, &reply, timeout_ms);
  if (!s.ok()) return s;
  int n = reply.GetInt();
  records->clear();
  for (int i = 0; i < n && reply.PeekKind() != ItemKind::kTail; ++i) {
    ConnectRecord r;
    const char* from = reply.GetText();
    const char* to = reply.GetText();
    r.messages = reply.GetLong();
    r.from = from ? from : "";
    r.to = to ? to : "";
    records->push_back(std::move(r));
  }
  return Status::Ok();
}

void NameClient::AppendPollItems(std::vector<zmq_pollitem_t>* items) {
  for (auto& channel : channels_) {
    items->push_back({channel->socket().handle(), 0, ZMQ_POLLIN, 0});
    items->push_back({channel->monitor_socket().handle(), 0, ZMQ_POLLIN, 0});
  }
}

void NameClient::DrainUnsolicited() {
  for (auto& channel : channels_) {
    zmq::message_t frame;
    while (channel->Receive(&frame, 0)) {
    }
  }
}

bool NameClient::TakeReconnected() {
  bool reconnected = false;
  std::vector<LinkEvent> events;
  for (size_t i = 0; i < channels_.size(); ++i) {
    events.clear();
    channels_[i]->TakeEvents(&events);
    for (const LinkEvent& e : events) {
      if (e.up && was_up_[i]) reconnected = true;
      if (e.up) was_up_[i] = true;
      if (!e.up) CM_WARN("lost the link to name server %s", channels_[i]->endpoint().c_str());
    }
  }
  return reconnected;
}

}  // namespace cm
