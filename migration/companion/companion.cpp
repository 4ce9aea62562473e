#include "companion/companion.h"

#include <signal.h>
#include <unistd.h>

#include <poll.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>

#include "companion/name_server_probe.h"
#include "companion/transcode.h"
#include "transport/context.h"
#include "transport/zmq_frame.h"
#include "util/settings.h"

namespace cm {
namespace {

// The legacy handlers are plain C function pointers without a user pointer.
Companion* g_self = nullptr;
volatile sig_atomic_t g_stop_requested = 0;

// Requests taken from R per turn: the legacy side gets its wait in between
// even while R floods us.
constexpr int kRequestsPerTurn = 256;
// The hot loop's two waits.  Short enough that neither side waits long for
// the other; long enough that a hot companion sleeps most of the time.
constexpr double kHotLegacyWaitSeconds = 0.0001;
constexpr int kHotParentWaitMicroseconds = 100;

}  // namespace

Companion::Companion() : socket_(ZmqContext(), zmq::socket_type::pair) { g_self = this; }

Companion::~Companion() {
  g_self = nullptr;
  monitor_.reset();
  socket_.close();
}

void Companion::RequestStop() { g_stop_requested = 1; }

void Companion::Say(LogLevel level, const char* format, ...) {
  char text[1024];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  if (connected_)
    Forward(bridge::Packet(bridge::kLog).Add(static_cast<int64_t>(level)).Add(std::string(text)), nullptr);
  else
    CM_LOG(level, "%s", text);
}

Status Companion::Start(const CompanionOptions& options) {
  options_ = options;
  socket_.set(zmq::sockopt::linger, 1000);  // a fatal line must reach R as we exit
  socket_.set(zmq::sockopt::sndtimeo, 200);
  socket_.set(zmq::sockopt::sndhwm, 10000);
  socket_.set(zmq::sockopt::rcvhwm, 10000);
  monitor_ = std::make_unique<Monitor>(socket_, ZMQ_EVENT_DISCONNECTED);
  try {
    socket_.connect(options.endpoint);
  } catch (const zmq::error_t& e) {
    return Status::Unavailable("cannot connect to " + options.endpoint + ": " + e.what());
  }
  connected_ = true;  // a PAIR queues what is sent until the connection is up
  socket_fd_ = socket_.get(zmq::sockopt::fd);

  auto fatal = [this](const Status& s) {
    Forward(bridge::Packet(bridge::kFatal).Add(s.message()), nullptr);
    return s;
  };
  Status s = LegacyApi::Load(options.library, &api_);
  if (!s.ok()) return fatal(s);
  std::string domain;
  s = ProbeLegacyNameServer(1000, &domain);
  if (s.code() == Status::Code::kUnavailable) return fatal(s);
  if (!s.ok())  // our reading of the table is a proxy; the legacy library's own decides
    Say(LogLevel::kWarn, "cannot check the legacy domain's name server (%s): the legacy library decides when a server opens",
        s.message().c_str());
  scratch_ = api_.New();
  if (scratch_ == nullptr) return fatal(Status::Unavailable("the legacy CmMessageNew returned NULL"));
  InstallHandlers();
  std::string token = TextSetting("CM_BRIDGE_TOKEN");
  Forward(bridge::Packet(bridge::kHello)
              .Add(static_cast<int64_t>(getpid()))
              .Add(token)
              .Add(options.library)
              .Add(domain),
          nullptr);
  return Status::Ok();
}

void Companion::InstallHandlers() {
  // Every legacy message goes to the default handler: R has the handlers.
  api_.InstallDefaultHandler(&Companion::OnLegacyMessage);
  api_.InstallConnectionHandler(&Companion::OnLegacyConnect);
  api_.InstallDisconnectionHandler(&Companion::OnLegacyDisconnect);
}

void Companion::Run() {
  using Clock = std::chrono::steady_clock;
  int slice = options_.slice_min_ms;
  Clock::time_point hot_until{};
  while (!stop_ && !g_stop_requested && !ParentGone()) {
    activity_ = false;
    delivered_ = false;
    bool hot = Clock::now() < hot_until;
    // Never 0 for the legacy wait: what a legacy library makes of 0 is not
    // documented (ours: "dispatch what has arrived"; another might block).
    api_.WaitWithTimeout(hot ? kHotLegacyWaitSeconds : slice / 1000.0);
    // After a legacy message went to R, wait for R's answer only if R
    // answered the last one soon: a stream R only reads must not pay that
    // wait per message.
    int parent_wait_us = hot && (!delivered_ || parent_answers_) ? kHotParentWaitMicroseconds : 0;
    bool asked = ServiceParent(parent_wait_us);
    if (delivered_) parent_answers_ = asked;
    if (asked) {
      activity_ = true;
      // R is sending (each CmMessageSend waits for its result, so a stream
      // from R comes one request at a time): keep serving it while it goes
      // on, for up to slice_min, before the legacy side gets its next wait.
      auto until = Clock::now() + std::chrono::milliseconds(options_.slice_min_ms);
      while (!stop_ && Clock::now() < until && ServiceParent(kHotParentWaitMicroseconds)) {
      }
    }
    if (activity_) {
      slice = options_.slice_min_ms;
      hot_until = Clock::now() + std::chrono::milliseconds(options_.hot_ms);
    } else if (!hot) {
      slice = std::min(options_.slice_max_ms, slice * 2);
    }
  }
  // The legacy name server drops R's name once its server is closed (and,
  // should this process die instead, once its connection goes).
  api_.CloseServer();
  if (scratch_ != nullptr) api_.Delete(scratch_);
  scratch_ = nullptr;
}

bool Companion::ParentGone() {
  if (getppid() != options_.parent) {
    CM_INFO("the relinked process (pid %d) is gone: closing the legacy server", static_cast<int>(options_.parent));
    return true;
  }
  SocketEvent event;
  while (monitor_->Next(&event)) {
    if (event.event == ZMQ_EVENT_DISCONNECTED) {
      CM_INFO("the relinked process (pid %d) closed the bridge: closing the legacy server",
              static_cast<int>(options_.parent));
      return true;
    }
  }
  return false;
}

// Blocks while R's queue is full (R is busy: the legacy side waits with it),
// but gives up once R is gone.
void Companion::Forward(const bridge::Packet& packet, zmq::message_t* frame) {
  while (!bridge::SendPacket(socket_, packet, frame)) {
    if (zmq_errno() != EAGAIN || g_stop_requested || ParentGone()) {
      stop_ = true;
      return;
    }
  }
}

CmMessageStatus Companion::OnLegacyMessage(CmMessage message, char* sender, char* /*server_name*/) {
  Companion* self = g_self;
  if (self == nullptr) return CmMessageBreak;
  self->activity_ = true;
  self->delivered_ = true;
  self->delivered_at_ = std::chrono::steady_clock::now();
  std::string from = sender ? sender : "";
  Status s = FromLegacy(self->api_, message, &self->out_);
  if (!self->ask_from_.empty() && from == self->ask_from_ && !self->asked_answered_) {
    // The answer to our `ask`: its texts, whatever else it holds (its layout
    // is not documented).  Not forwarded: R did not open this exchange.
    self->asked_answered_ = true;
    self->ask_texts_.clear();
    if (!s.ok()) {
      self->Say(LogLevel::kWarn, "the answer '%s' from legacy '%s' does not read: %s", self->out_.type(), from.c_str(),
                s.message().c_str());
      return CmMessageBreak;
    }
    Message& m = self->out_;
    m.Rewind();
    while (m.cursor() < m.items().size()) {
      switch (m.PeekKind()) {
        case ItemKind::kText: {
          const char* t = m.GetText();
          if (t != nullptr) self->ask_texts_.emplace_back(t);
          break;
        }
        case ItemKind::kChar: m.GetChar(); break;
        case ItemKind::kShort: m.GetShort(); break;
        case ItemKind::kInt: m.GetInt(); break;
        case ItemKind::kLong: m.GetLong(); break;
        case ItemKind::kFloat: m.GetFloat(); break;
        case ItemKind::kDouble: m.GetDouble(); break;
        case ItemKind::kBytes: { size_t n = 0; m.GetBytes(&n); break; }
        case ItemKind::kArray: { ArrayKind k; size_t n = 0; m.GetArray(&k, &n); break; }
        default: m.Rewind(); return CmMessageBreak;  // cannot happen: FromLegacy read it
      }
    }
    return CmMessageBreak;
  }
  if (!s.ok()) {
    self->Say(LogLevel::kWarn, "message '%s' from legacy '%s' not relayed: %s", self->out_.type(), from.c_str(),
              s.message().c_str());
    return CmMessageBreak;
  }
  Envelope env;
  env.sender = from;
  zmq::message_t frame = EncodeFrame(env, self->out_);
  self->Forward(bridge::Packet(bridge::kDeliver).Add(from), &frame);
  return CmMessageBreak;  // end the legacy wait: R may want to answer at once
}

void Companion::OnLegacyConnect(CmConnect peer) {
  Companion* self = g_self;
  if (self == nullptr) return;
  const char* name = self->api_.GetName(peer);
  self->activity_ = true;
  self->Forward(bridge::Packet(bridge::kConnected).Add(std::string(name ? name : "")), nullptr);
}

void Companion::OnLegacyDisconnect(CmConnect peer) {
  Companion* self = g_self;
  if (self == nullptr) return;
  const char* name = self->api_.GetName(peer);
  self->activity_ = true;
  self->Forward(bridge::Packet(bridge::kDisconnected).Add(std::string(name ? name : "")), nullptr);
}

bool Companion::ServiceParent(int wait_us) {
  // zmq_poll counts whole milliseconds: sleep on the socket's descriptor
  // instead, after asking ZMQ_EVENTS (which re-arms it: ZeroMQ's documented
  // pattern; a message already held would not make it readable).
  if (wait_us > 0 && (socket_.get(zmq::sockopt::events) & ZMQ_POLLIN) == 0) {
    pollfd p{socket_fd_, POLLIN, 0};
    timespec limit{0, wait_us * 1000L};
    ppoll(&p, 1, &limit, nullptr);
  }
  bool any = false;
  for (int n = 0; n < kRequestsPerTurn && !stop_; ++n) {
    bridge::Packet request;
    zmq::message_t frame;
    Status s;
    if (!bridge::ReceivePacket(socket_, &request, &frame, ZMQ_DONTWAIT, &s)) break;
    if (!any && std::chrono::steady_clock::now() - delivered_at_ < std::chrono::milliseconds(2))
      parent_answers_ = true;  // R answers what we deliver: worth waiting for next time
    any = true;
    if (!s.ok()) {
      Say(LogLevel::kWarn, "%s: dropped", s.message().c_str());
      continue;
    }
    Handle(request, frame);
  }
  return any;
}

void Companion::Reply(uint64_t id, int status, const std::string& reason) {
  Forward(bridge::Packet(bridge::kResult, id).Add(static_cast<int64_t>(status)).Add(reason), nullptr);
}

void Companion::Handle(const bridge::Packet& request, zmq::message_t& frame) {
  const std::string& op = request.op;
  if (op == bridge::kSend) {
    const std::string& to = request.Text(0);
    Envelope env;
    Status s = Decode(std::make_unique<ZmqFrame>(std::move(frame)), &env, &in_);
    if (s.ok()) s = ToLegacy(api_, in_, scratch_);
    if (!s.ok()) return Reply(request.id, 0, "not relayed to the legacy side: " + s.message());
    int sent = api_.Send(scratch_, const_cast<char*>(to.c_str()));
    Reply(request.id, sent == 1 ? 1 : 0, sent == 1 ? "" : "the legacy CmMessageSend returned 0");
  } else if (op == bridge::kOpen) {
    const std::string& name = request.Text(0);
    if (!open_name_.empty() && open_name_ != name)
      return Reply(request.id, 0, "the legacy server is already open as '" + open_name_ + "'");
    if (api_.OpenServer(const_cast<char*>(name.c_str())) == 1) {
      open_name_ = name;
      return Reply(request.id, 1, "");
    }
    // The legacy API says only 0; a reference to the name tells "held by
    // another process" apart from everything else.
    if (api_.GetReference(const_cast<char*>(name.c_str())) != nullptr)
      return Reply(request.id, 0, "'" + name + "' is held by another process in the legacy domain");
    Reply(request.id, 0, "the legacy library could not open '" + name +
                             "' (its name server unreachable, an unknown legacy domain, or a bad name: "
                             "its own message says which)");
  } else if (op == bridge::kClose) {
    api_.CloseServer();  // legacy Cm forgets the handlers with the server
    open_name_.clear();
    InstallHandlers();
    Reply(request.id, 1, "");
  } else if (op == bridge::kLookup) {
    bool known = api_.GetReference(const_cast<char*>(request.Text(0).c_str())) != nullptr;
    Reply(request.id, known ? 1 : 0, "");
  } else if (op == bridge::kAsk) {
    Ask(request);
  } else if (op == bridge::kQuit) {
    stop_ = true;
  } else {
    Say(LogLevel::kWarn, "unknown request '%s' from the relinked process: answered with status 0", op.c_str());
    Reply(request.id, 0, "unknown request '" + op + "'");
  }
}

void Companion::Ask(const bridge::Packet& request) {
  using Clock = std::chrono::steady_clock;
  const std::string& to = request.Text(0);
  const std::string& type = request.Text(1);
  int64_t timeout_ms = std::max<int64_t>(1, std::min<int64_t>(request.Number(2, 2000), 60000));
  if (to.empty() || type.empty()) return Reply(request.id, 0, "ask: a legacy task and a message type are needed");
  api_.Reset(scratch_);
  api_.SetType(scratch_, const_cast<char*>(type.c_str()));
  if (api_.Send(scratch_, const_cast<char*>(to.c_str())) != 1)
    return Reply(request.id, 0, "the legacy CmMessageSend of '" + type + "' to '" + to +
                                    "' returned 0 (is that task running in the legacy domain?)");
  ask_from_ = to;
  asked_answered_ = false;
  ask_texts_.clear();
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!asked_answered_ && !stop_ && !g_stop_requested) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    api_.WaitWithTimeout(std::min<int64_t>(left, 20) / 1000.0);
  }
  ask_from_.clear();
  if (!asked_answered_)
    return Reply(request.id, 0, "legacy '" + to + "' did not answer '" + type + "' within " +
                                    std::to_string(timeout_ms) + " ms");
  bridge::Packet result(bridge::kResult, request.id);
  result.Add(int64_t{1}).Add(std::string());
  for (std::string& t : ask_texts_) result.Add(std::move(t));
  ask_texts_.clear();
  Forward(result, nullptr);
}

}  // namespace cm
