#include "naming/name_client.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

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

// 128 random bits as hex: never published, so nobody can connect as us.
std::string SecretId() {
  std::random_device device;
  char text[33];
  std::snprintf(text, sizeof text, "%08x%08x%08x%08x", device(), device(), device(), device());
  return text;
}

}  // namespace

NameClient::NameClient(const DomainConfig& domain, const std::string& label)
    : domain_(domain), routing_id_(label + "/" + SecretId()) {
  for (const NameServerEndpoint& ns : domain_.name_servers) {
    channels_.push_back(std::make_unique<RequestChannel>(ns.ToString(), routing_id_, domain_.security));
    was_up_.push_back(false);
    missed_.push_back(false);
  }
}

Status NameClient::NotReached(RequestChannel& channel) {
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

// A reply's (status, reason) as a Status; the cursor stays after them.
static Status ReadStatus(Message* reply) {
  if (reply->PeekKind() != ItemKind::kInt) return Status::Malformed("name server reply without status");
  int ok = reply->GetInt();
  const char* reason = reply->PeekKind() == ItemKind::kText ? reply->GetText() : nullptr;
  if (ok != 1) return Status::Refused(reason && *reason ? reason : "refused by the name server");
  return Status::Ok();
}

bool NameClient::TakeAnswer(size_t i, uint64_t seq, Asked* asked) {
  RequestChannel& channel = *channels_[i];
  zmq::message_t answer;
  while (channel.ReceiveNow(&answer)) {
    Envelope got;
    Message reply;
    zmq::message_t kept(answer.data(), answer.size());
    Status s = Decode(std::make_unique<ZmqFrame>(std::move(answer)), &got, &reply);
    answer = zmq::message_t();
    if (!s.ok()) {
      CM_WARN("bad frame from name server %s: %s", channel.endpoint().c_str(), s.message().c_str());
      continue;
    }
    if (got.seq != seq) continue;  // a late answer to an earlier call, or a probe
    asked->status = ReadStatus(&reply);
    asked->answer = std::move(kept);
    asked->done = true;
    return true;
  }
  return false;
}

Status NameClient::ReadAnswer(const Asked& asked, Message* reply) {
  Envelope got;
  zmq::message_t copy(asked.answer.data(), asked.answer.size());
  Status s = Decode(std::make_unique<ZmqFrame>(std::move(copy)), &got, reply);
  return s.ok() ? ReadStatus(reply) : s;
}

bool NameClient::Enough(const std::vector<Asked>& asked, Until until) {
  bool all_done = true, all_sent_done = true, good = false, refused = false;
  for (const Asked& a : asked) {
    all_done = all_done && a.done;
    if (a.sent) all_sent_done = all_sent_done && a.done;
    good = good || (a.done && a.status.ok());
    refused = refused || (a.done && a.status.code() == Status::Code::kRefused);
  }
  if (all_done || (until == Until::kFirstGood && good)) return true;
  // A registration: a refusal is final; else every name server that took it
  // has answered and one accepted (the others are told when their link
  // comes up: TakeReconnected).
  return until == Until::kAll && (refused || (good && all_sent_done));
}

void NameClient::AskAll(Message& request, int timeout_ms, int answer_ms, Until until, std::vector<Asked>* asked) {
  using Clock = std::chrono::steady_clock;
  Envelope env;
  env.sender = sender_;
  env.seq = next_seq_++;
  zmq::message_t encoded = EncodeFrame(env, request);
  asked->clear();
  asked->resize(channels_.size());
  Clock::time_point send_deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    Clock::time_point now = Clock::now();
    // Capped: a monitor event does not always come with a readable socket.
    Clock::time_point wake = now + std::chrono::milliseconds(50);
    std::vector<zmq_pollitem_t> items;
    for (size_t i = 0; i < channels_.size(); ++i) {
      Asked& a = (*asked)[i];
      RequestChannel& channel = *channels_[i];
      if (a.done) continue;
      if (!a.sent) {
        zmq::message_t frame(encoded.data(), encoded.size());
        if (channel.SendNow(frame)) {  // fails at once while the link is not up (ZMQ_IMMEDIATE)
          a.sent = true;
          a.answer_deadline = now + std::chrono::milliseconds(answer_ms);
        } else if (now >= send_deadline || channel.HandshakeRefused()) {
          a.done = true;
          a.status = NotReached(channel);
          continue;
        } else {
          // Woken when the link comes up, or its handshake is refused.
          items.push_back({channel.socket().handle(), 0, ZMQ_POLLOUT, 0});
          items.push_back({channel.monitor_socket().handle(), 0, ZMQ_POLLIN, 0});
          wake = std::min(wake, send_deadline);
          continue;
        }
      }
      if (TakeAnswer(i, env.seq, &a)) continue;
      if (now >= a.answer_deadline) {
        a.done = true;
        a.status = Status::Timeout("name server " + channel.endpoint() + " did not answer " + request.type_string() +
                                   " within " + std::to_string(answer_ms) + " ms");
        continue;
      }
      items.push_back({channel.socket().handle(), 0, ZMQ_POLLIN, 0});
      wake = std::min(wake, a.answer_deadline);
    }
    if (Enough(*asked, until)) return;
    long ms = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now()).count() + 1;
    (void)zmq_poll(items.data(), static_cast<int>(items.size()), std::max(ms, 1L));  // EINTR: loop again
  }
}

Status NameClient::CallOne(RequestChannel& channel, Message& request, Message* reply, int timeout_ms) {
  Envelope env;
  env.sender = sender_;
  env.seq = next_seq_++;
  zmq::message_t frame = EncodeFrame(env, request);
  if (!channel.Send(frame, timeout_ms)) return NotReached(channel);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    zmq::message_t answer;
    if (!channel.Receive(&answer, RemainingMs(deadline))) {
      if (RemainingMs(deadline) > 0) continue;  // interrupted by a signal
      return Status::Timeout("name server " + channel.endpoint() + " did not answer " + request.type_string() +
                             " within " + std::to_string(timeout_ms) + " ms");
    }
    Envelope got;
    Status s = Decode(std::make_unique<ZmqFrame>(std::move(answer)), &got, reply);
    if (!s.ok()) {
      CM_WARN("bad frame from name server %s: %s", channel.endpoint().c_str(), s.message().c_str());
      continue;
    }
    if (got.seq != env.seq) continue;  // a late answer to an earlier call, or a probe
    return ReadStatus(reply);
  }
}

Status NameClient::Call(Message& request, Message* reply, int timeout_ms) {
  if (channels_.empty()) return Status::Unavailable("no name server configured");
  if (request.type_string().rfind("NSGet", 0) != 0) {
    // Not a question: one name server only (NSStop must not stop them all).
    Status last;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (size_t i = 0; i < channels_.size(); ++i) {
      last = CallOne(*channels_[i], request, reply, RemainingMs(deadline) / static_cast<int>(channels_.size() - i));
      if (last.ok() || last.code() == Status::Code::kRefused) return last;
    }
    return last;
  }
  std::vector<Asked> asked;
  AskAll(request, timeout_ms, timeout_ms, Until::kFirstGood, &asked);
  // The first good answer; else a name server's refusal (an answer); else
  // why none answered.
  Asked* best = nullptr;
  for (Asked& a : asked) {
    if (!a.done) continue;
    if (a.status.ok()) {
      best = &a;
      break;
    }
    if (best == nullptr || a.status.code() == Status::Code::kRefused) best = &a;
  }
  if (best == nullptr) return Status::Timeout("no name server answered " + request.type_string());
  return best->answer.size() > 0 ? ReadAnswer(*best, reply) : best->status;
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
  Message request;
  request.SetType("NSRegister");
  request.PutText(record.name.c_str());
  request.PutText(record.address.c_str());
  request.PutText(record.host.c_str());
  request.PutInt(record.pid);
  // Every name server must know us; one refusal (name taken) is final.  A
  // name server that took the request gets longer to answer than one that
  // cannot be reached: when a whole domain starts at once, a starved machine
  // is slow, not gone.
  std::vector<Asked> asked;
  AskAll(request, timeout_ms, std::max(timeout_ms, kPatientAnswerMs), Until::kAll, &asked);
  int accepted = 0;
  Status last = Status::Unavailable("no name server configured");
  for (size_t i = 0; i < asked.size(); ++i) {
    const Asked& a = asked[i];
    if (a.done && a.status.code() == Status::Code::kRefused) return a.status;
    missed_[i] = !(a.done && a.status.ok());
    if (!missed_[i]) ++accepted;
    else if (a.done) last = a.status;
    else last = NotReached(*channels_[i]);
  }
  CM_DEBUG("register '%s' at %s: %d of %zu name server(s) took it", record.name.c_str(), record.address.c_str(),
           accepted, asked.size());
  for (size_t i = 0; i < asked.size(); ++i)
    if (accepted > 0 && missed_[i])
      CM_INFO("name server %s did not take our registration of '%s' yet: it gets it when its link comes up",
              channels_[i]->endpoint().c_str(), record.name.c_str());
  return accepted > 0 ? Status::Ok() : last;
}

Status NameClient::Unregister(const std::string& name, int timeout_ms) {
  Message request;
  request.SetType("NSUnregister");
  request.PutText(name.c_str());
  std::vector<Asked> asked;
  AskAll(request, timeout_ms, timeout_ms, Until::kAll, &asked);
  Status result = Status::Unavailable("no name server configured");
  for (size_t i = 0; i < asked.size(); ++i) {
    missed_[i] = false;  // nothing of ours to give it any more
    Status s = asked[i].done ? asked[i].status : NotReached(*channels_[i]);
    if (s.ok() || !result.ok()) result = s;
  }
  CM_DEBUG("unregister '%s': %s", name.c_str(), result.ok() ? "done" : result.message().c_str());
  return result;
}

Status NameClient::Lookup(const std::string& name, NameRecord* record, int timeout_ms) {
  Message request;
  request.SetType("NSGetAddress");
  request.PutText(name.c_str());
  std::vector<Asked> asked;
  AskAll(request, timeout_ms, timeout_ms, Until::kFirstGood, &asked);
  Status last = Status::Unavailable("no name server configured");
  for (size_t i = 0; i < asked.size(); ++i) {
    Asked& a = asked[i];
    Message reply;
    if (a.done && a.status.ok() && ReadAnswer(a, &reply).ok()) {
      const char* address = reply.GetText();
      const char* host = reply.GetText();
      record->name = name;
      record->address = address ? address : "";
      record->host = host ? host : "";
      record->pid = reply.GetInt();
      record->started = reply.GetLong();
      CM_DEBUG("lookup '%s': at %s (pid %d on %s)", name.c_str(), record->address.c_str(), record->pid,
               record->host.c_str());
      return Status::Ok();
    }
    Status s = a.done ? a.status : NotReached(*channels_[i]);
    // Refused means "unknown here": an answer, which outranks a silence.
    if (s.code() == Status::Code::kRefused) last = Status::NotFound(s.message());
    else if (!last.IsNotFound()) last = s;
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
      if (e.up && (was_up_[i] || missed_[i])) reconnected = true;
      if (e.up) CM_DEBUG("link to name server %s up", channels_[i]->endpoint().c_str());
      if (e.up) was_up_[i] = true;
      if (!e.up) CM_WARN("lost the link to name server %s", channels_[i]->endpoint().c_str());
    }
  }
  return reconnected;
}

}  // namespace cm
