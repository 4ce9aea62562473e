// The daemon's loop and its I/O: receive, decode, dispatch, reply.
#include "name_server.h"

#include <zmq.h>

#include <algorithm>

#include "util/log.h"

namespace cm {
namespace {

constexpr char kServerName[] = "CmNameServer";
// Requests served before looking at closed connections again, so that a
// flood of requests cannot delay death detection indefinitely.
constexpr int kBatch = 256;
// The reply to NSStop must leave before the process exits.
constexpr int kCloseLingerMs = 1000;

// A received zmq message as the codec's frame: decoded items point into it.
class ZmqFrame : public FrameBuffer {
 public:
  explicit ZmqFrame(zmq::message_t message) : message_(std::move(message)) {}
  const char* data() const override { return static_cast<const char*>(message_.data()); }
  size_t size() const override { return message_.size(); }

 private:
  zmq::message_t message_;
};

zmq::message_t EncodeFrame(const Envelope& envelope, const Message& message) {
  zmq::message_t frame(EncodedSize(envelope, message));
  Encode(envelope, message, static_cast<char*>(frame.data()));
  return frame;
}

}  // namespace

NameServer::NameServer(std::unique_ptr<Registry> registry, const NameServerOptions& options)
    : registry_(std::move(registry)),
      domain_(options.domain),
      max_names_per_connection_(options.max_names_per_connection),
      watch_(options.max_request_bytes, options.security.enabled()) {
  DeclareRequestTypes(&request_metrics_);
}

NameServer::~NameServer() {
  if (listener_) listener_->socket().set(zmq::sockopt::linger, kCloseLingerMs);
}

Status NameServer::Open(const NameServerOptions& options, std::unique_ptr<Registry> registry,
                        std::unique_ptr<NameServer>* out) {
  std::unique_ptr<NameServer> server(new NameServer(std::move(registry), options));
  ListenSpec spec;
  spec.advertised_host = options.host;
  spec.first_port = options.port;
  spec.port_count = 1;  // the domain's port or nothing: clients only look there
  spec.heartbeats = true;  // clients always read: a silent one is dropped in 5 s
  spec.security = options.security;
  spec.max_message_bytes = options.max_request_bytes;
  spec.watch_connections = true;  // turned-away connections are logged with their address
  Status s = Listener::Open(spec, &server->listener_);
  if (!s.ok()) return s;
  server->reply_to_ = server->listener_->address().ToString();

  Message probe;
  probe.SetType("NSProbe");
  Envelope envelope;
  envelope.sender = kServerName;
  zmq::message_t frame = EncodeFrame(envelope, probe);
  server->probe_.assign(static_cast<const char*>(frame.data()), frame.size());
  server->next_sweep_ = Clock::now();
  *out = std::move(server);
  return Status::Ok();
}

std::string NameServer::Run(int stop_fd) {
  for (;;) {
    // Deaths first: a process replacing a dead one may already be queued.
    CheckClosedConnections();
    ServeQueued();
    if (stopping_ && (stop_requester_gone_ || Clock::now() >= stop_deadline_)) return stop_reason_;
    zmq_pollitem_t items[] = {{listener_->socket().handle(), 0, ZMQ_POLLIN, 0},
                              {listener_->monitor_socket().handle(), 0, ZMQ_POLLIN, 0},
                              {nullptr, stop_fd, ZMQ_POLLIN, 0}};
    int count = stop_fd >= 0 ? 3 : 2;
    // The C zmq_poll: cppzmq's throws on EINTR, and a signal is not an error.
    if (zmq_poll(items, count, PollTimeoutMs()) < 0) {
      if (zmq_errno() == EINTR) continue;  // the stop descriptor says if it was SIGINT/SIGTERM
      return std::string("zmq_poll failed: ") + zmq_strerror(zmq_errno());
    }
    if (count == 3 && (items[2].revents & ZMQ_POLLIN)) return "signal";
  }
}

void NameServer::ServeQueued() {
  Incoming in;
  for (int i = 0; i < kBatch && listener_->Receive(&in); ++i) Serve(in);
}

void NameServer::ServeFrame(const std::string& owner, const char* data, size_t size) {
  Incoming in;
  in.routing_id = zmq::message_t(owner.data(), owner.size());
  in.frame = zmq::message_t(data, size);
  Serve(in);
}

void NameServer::Serve(Incoming& in) {
  if (in.malformed) return CountMalformed(in.fd, "a message of several parts");
  Clock::time_point start = Clock::now();  // the request's latency (metrics.h)
  Request request;
  Status decoded = Decode(std::make_unique<ZmqFrame>(std::move(in.frame)), &request.envelope, &request.message);
  if (!decoded.ok()) return CountMalformed(in.fd, decoded.message());
  ++stats_.requests;
  request.owner = in.routing_id.to_string();
  request.fd = in.fd;
  // The owner's current connection: what to look for when one closes.
  if (in.fd >= 0) registry_->NoteOwnerFd(request.owner, in.fd);

  const std::string& type = request.message.type_string();
  const Command* command = FindCommand(type);
  Status result = command == nullptr ? Status::Invalid("unknown request type '" + type + "'")
                                     : CheckItems(*command, request.message);
  if (result.ok() && stopping_) result = Status::Unavailable("the name server is stopping");
  // The handler writes its payload straight after a success's status and
  // reason (NSGetNames with 500 names spent a third of its time copying a
  // separate payload); a failure's reply is made again without it.
  Message reply;
  StartReply(Status::Ok(), &reply);
  if (result.ok()) result = (this->*command->handler)(request, &reply);
  if (!result.ok()) StartReply(result, &reply);

  if (request.envelope.seq == 0) {  // a notification: nobody waits for an answer
    if (!result.ok()) CM_DEBUG("notification %s ignored: %s", type.c_str(), result.message().c_str());
  } else {
    SendReply(request, reply);
  }
  request_metrics_.Observe(command != nullptr ? command->type : RequestMetrics::kOtherType, Clock::now() - start);
}

void NameServer::StartReply(const Status& result, Message* reply) {
  reply->Reset();
  reply->SetType("NSReply");
  reply->PutInt(result.ok() ? 1 : 0);
  reply->PutText(result.ok() ? "" : result.message().c_str());
}

void NameServer::SendReply(const Request& request, const Message& reply) {
  Envelope envelope;
  envelope.sender = kServerName;
  envelope.reply_to = reply_to_;
  envelope.seq = request.envelope.seq;
  zmq::message_t frame = EncodeFrame(envelope, reply);
  zmq::message_t routing_id(request.owner.data(), request.owner.size());
  if (!listener_->Reply(routing_id, frame))
    CM_DEBUG("reply to %s (seq %llu) not sent: the connection is gone", request.message.type(),
             static_cast<unsigned long long>(request.envelope.seq));
}

void NameServer::CountMalformed(int fd, const std::string& why) {
  ++stats_.malformed;
  // At most one line a second: a flood of garbage must not become a flood of log.
  Clock::time_point now = Clock::now();
  if (now - last_malformed_log_ < std::chrono::seconds(1)) {
    ++malformed_unlogged_;
    return;
  }
  CM_WARN("dropped a malformed frame from connection fd %d: %s (%lld more since the last such line, %lld in all)",
          fd, why.c_str(), static_cast<long long>(malformed_unlogged_), static_cast<long long>(stats_.malformed));
  last_malformed_log_ = now;
  malformed_unlogged_ = 0;
}

int NameServer::PollTimeoutMs() const {
  // Wake up for the next due probe, sweep or the end of the stop grace, and
  // soon while closed connections wait to be judged (connection_watch.h).
  Clock::time_point wake = stopping_ ? std::min(next_sweep_, stop_deadline_) : next_sweep_;
  if (watch_busy_) wake = std::min(wake, Clock::now() + std::chrono::milliseconds(10));
  for (const auto& [owner, probe] : probes_) wake = std::min(wake, NextProbeTime(probe));
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wake - Clock::now()).count();
  return static_cast<int>(std::clamp<long long>(ms + 1, 0, 60 * 1000));
}

}  // namespace cm
