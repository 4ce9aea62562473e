#include "legacy_bridge.h"

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>
#include <vector>

#include "transport/address.h"
#include "transport/context.h"
#include "transport/zmq_frame.h"
#include "util/log.h"
#include "util/settings.h"

namespace cm {
namespace {

std::string ExitText(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("was killed by signal ") + strsignal(WTERMSIG(status));
  return "stopped";
}

// posix_spawn with the companion in its own process group (a Ctrl-C meant for
// this program must not kill the legacy side before it could unregister: it
// notices our exit and closes by itself), default signal dispositions and
// an empty signal mask whatever this process uses.
Status Spawn(const std::string& path, const std::vector<std::string>& args, const std::vector<std::string>& env,
             pid_t* pid) {
  std::vector<char*> argv, envp;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setpgroup(&attr, 0);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP);
  int rc = posix_spawn(pid, path.c_str(), nullptr, &attr, argv.data(), envp.data());
  posix_spawnattr_destroy(&attr);
  if (rc != 0) return Status::Unavailable("cannot start " + path + ": " + std::strerror(rc));
  return Status::Ok();
}

}  // namespace

LegacyBridge::LegacyBridge() : socket_(ZmqContext(), zmq::socket_type::pair) {
  socket_.set(zmq::sockopt::linger, 500);  // so that `quit` still goes out as we close
  socket_.set(zmq::sockopt::sndtimeo, 2000);
  socket_.set(zmq::sockopt::sndhwm, 10000);
  socket_.set(zmq::sockopt::rcvhwm, 10000);
}

Status LegacyBridge::Start(const BridgeConfig& config, std::unique_ptr<LegacyBridge>* out) {
  if (!config.enabled)
    return Status::Invalid("migration mode is off (CM_LEGACY_LIBRARY is not set): no legacy companion is started");
  std::string looked;
  std::string companion = FindCompanion(config, &looked);
  if (companion.empty())
    return Status::NotFound("cannot find the program cm-legacy-companion (looked at " + looked +
                            "); set CM_LEGACY_COMPANION to its path");
  if (!config.library.empty() && config.library[0] == '/' && access(config.library.c_str(), R_OK) != 0)
    return Status::NotFound("the legacy library " + config.library + " (CM_LEGACY_LIBRARY) cannot be read: " +
                            std::strerror(errno));

  std::unique_ptr<LegacyBridge> b(new LegacyBridge());
  // Abstract namespace: no file to clean up after a crash.  The random part
  // keeps other local processes from guessing it; the token proves the
  // answer comes from the process we started.
  std::string endpoint = "ipc://@cm-bridge-" + std::to_string(getpid()) + "-" + NewIncarnation();
  std::string token = NewIncarnation();
  try {
    b->socket_.bind(endpoint);
  } catch (const zmq::error_t& e) {
    return Status::Unavailable("cannot bind the bridge socket " + endpoint + ": " + e.what());
  }
  std::vector<std::string> args = {companion,
                                   "--endpoint", endpoint,
                                   "--parent", std::to_string(getpid()),
                                   "--library", config.library,
                                   "--slice", std::to_string(config.slice_min_ms) + "-" + std::to_string(config.slice_max_ms),
                                   "--hot", std::to_string(config.hot_ms)};
  Status s = Spawn(companion, args, CompanionEnvironment(config, {"CM_BRIDGE_TOKEN=" + token}), &b->pid_);
  if (!s.ok()) return s;
  s = b->AwaitHello(config, token);
  if (!s.ok()) return s;  // the destructor stops the companion
  *out = std::move(b);
  return Status::Ok();
}

Status LegacyBridge::AwaitHello(const BridgeConfig& config, const std::string& token) {
  auto deadline = Clock::now() + std::chrono::milliseconds(config.start_timeout_ms);
  while (Clock::now() < deadline) {
    bridge::Packet p;
    if (ReadOne(20, &p)) {
      if (p.op == bridge::kFatal) return Status::Unavailable("the legacy side cannot start: " + p.Text(0));
      if (p.op != bridge::kHello) continue;
      if (p.Text(1) != token)
        return Status::Refused("a process other than our companion answered on the bridge socket");
      CM_INFO("legacy bridge up: companion pid %lld, legacy library %s, legacy domain %s",
              static_cast<long long>(p.Number(0)), p.Text(2).c_str(), p.Text(3).c_str());
      return Status::Ok();
    }
    int status = 0;
    if (pid_ > 0 && waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      bridge::Packet last;  // its fatal line may still be in the socket
      if (ReadOne(50, &last) && last.op == bridge::kFatal)
        return Status::Unavailable("the legacy side cannot start: " + last.Text(0));
      return Status::Unavailable("the legacy companion " + ExitText(status) + " before it was ready (its output is above)");
    }
  }
  return Status::Timeout("the legacy companion did not say it was ready within " +
                         std::to_string(config.start_timeout_ms) + " ms");
}

LegacyBridge::~LegacyBridge() {
  if (pid_ > 0) bridge::SendPacket(socket_, bridge::Packet(bridge::kQuit), nullptr, ZMQ_DONTWAIT);
  socket_.close();
  if (pid_ <= 0) return;
  // It closes its legacy server (the legacy library delivers what it holds,
  // about a second at most) and exits.
  auto deadline = Clock::now() + std::chrono::milliseconds(2500);
  int status = 0;
  while (Clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CM_WARN("the legacy companion (pid %d) did not exit within 2.5 s: killed", static_cast<int>(pid_));
  kill(pid_, SIGKILL);
  waitpid(pid_, &status, 0);
}

bool LegacyBridge::ReadOne(int wait_ms, bridge::Packet* result) {
  if (wait_ms > 0) {
    zmq_pollitem_t item = pollitem();
    if (zmq_poll(&item, 1, wait_ms) <= 0) return false;
  }
  bridge::Packet p;
  zmq::message_t frame;
  Status s;
  if (!bridge::ReceivePacket(socket_, &p, &frame, ZMQ_DONTWAIT, &s)) return false;
  if (!s.ok()) {
    CM_WARN("legacy bridge: %s: dropped", s.message().c_str());
    return true;
  }
  if (p.op == bridge::kDeliver) {
    BridgeEvent e;
    e.kind = BridgeEventKind::kDeliver;
    e.name = p.Text(0);
    e.message = std::make_unique<Message>();
    Envelope env;
    s = Decode(std::make_unique<ZmqFrame>(std::move(frame)), &env, e.message.get());
    if (s.ok())
      events_.push_back(std::move(e));
    else
      CM_WARN("legacy bridge: a message from legacy '%s' does not decode (%s): dropped", e.name.c_str(),
              s.message().c_str());
  } else if (p.op == bridge::kConnected || p.op == bridge::kDisconnected) {
    BridgeEvent e;
    e.kind = p.op == bridge::kConnected ? BridgeEventKind::kConnected : BridgeEventKind::kDisconnected;
    e.name = p.Text(0);
    events_.push_back(std::move(e));
  } else if (p.op == bridge::kLog) {
    LogLevel level = static_cast<LogLevel>(std::min<int64_t>(std::max<int64_t>(p.Number(0), 0), 3));
    CM_LOG(level, "legacy companion %d: %s", static_cast<int>(pid_), p.Text(1).c_str());
  } else {
    *result = std::move(p);
  }
  return true;
}

Status LegacyBridge::Request(bridge::Packet request, zmq::message_t* frame, int timeout_ms, bridge::Packet* result) {
  CheckCompanion(false);  // rate-limited: a request costs no waitpid; a dead companion is found in the loop below
  if (pid_ <= 0) return Status::Unavailable("the legacy companion is gone");
  request.id = next_id_++;
  if (!bridge::SendPacket(socket_, request, frame))
    return Status::Unavailable("the legacy companion does not take requests (" + std::string(zmq_strerror(zmq_errno())) + ")");
  auto deadline = Clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) break;
    bridge::Packet p;
    if (ReadOne(static_cast<int>(std::min<long long>(left, 100)), &p)) {
      if (p.op == bridge::kResult && p.id == request.id) return *result = std::move(p), Status::Ok();
      if (!p.op.empty()) CM_DEBUG("legacy bridge: late or unexpected '%s' (id %llu) dropped", p.op.c_str(),
                                  static_cast<unsigned long long>(p.id));
      continue;
    }
    CheckCompanion(false);
    if (pid_ <= 0) return Status::Unavailable("the legacy companion exited during '" + request.op + "'");
  }
  return Status::Timeout("the legacy companion did not answer '" + request.op + "' within " +
                         std::to_string(timeout_ms) + " ms");
}

Status LegacyBridge::Open(const std::string& name, int timeout_ms) {
  bridge::Packet result;
  Status s = Request(bridge::Packet(bridge::kOpen).Add(name), nullptr, timeout_ms, &result);
  if (!s.ok()) return s;
  if (result.Number(0) != 1) return Status::Refused(result.Text(1));
  return Status::Ok();
}

void LegacyBridge::Close(int timeout_ms) {
  bridge::Packet result;
  Status s = Request(bridge::Packet(bridge::kClose), nullptr, timeout_ms, &result);
  if (!s.ok()) CM_WARN("legacy bridge: closing the legacy server: %s", s.message().c_str());
}

int LegacyBridge::Send(const Message& message, const std::string& to, int timeout_ms) {
  Envelope env;  // the companion's legacy library says who sends
  zmq::message_t frame = EncodeFrame(env, message);
  bridge::Packet result;
  Status s = Request(bridge::Packet(bridge::kSend).Add(to), &frame, timeout_ms, &result);
  if (!s.ok()) {
    CM_WARN("send '%s' to legacy '%s': %s: message not sent", message.type(), to.c_str(), s.message().c_str());
    return 0;
  }
  return result.Number(0) == 1 ? 1 : 0;  // the legacy library logged its own reason
}

bool LegacyBridge::Knows(const std::string& name, int timeout_ms) {
  bridge::Packet result;
  Status s = Request(bridge::Packet(bridge::kLookup).Add(name), nullptr, timeout_ms, &result);
  if (!s.ok()) CM_WARN("legacy bridge: lookup of '%s': %s", name.c_str(), s.message().c_str());
  return s.ok() && result.Number(0) == 1;
}

std::string LegacyNameServerTask() {
  std::string task = TextSetting("CM_LEGACY_NAMESERVER_TASK");
  return !task.empty() ? task : "NameServer";
}

Status LegacyBridge::Ask(const std::string& to, const std::string& type, std::vector<std::string>* texts,
                         int timeout_ms) {
  texts->clear();
  bridge::Packet result;
  // The companion waits timeout_ms for the answer; its current legacy wait
  // (a slice) and the way back come on top.
  Status s = Request(bridge::Packet(bridge::kAsk).Add(to).Add(type).Add(static_cast<int64_t>(timeout_ms)), nullptr,
                     timeout_ms + 2000, &result);
  if (!s.ok()) return s;
  if (result.Number(0) != 1) {
    if (result.Text(1).rfind("unknown request", 0) == 0)
      return Status::Unavailable("the legacy companion is from an older build (it does not know '" +
                                 std::string(bridge::kAsk) + "')");
    return Status::Unavailable(result.Text(1));
  }
  for (size_t k = 2; k < result.args.size(); ++k) texts->push_back(result.Text(k));
  return Status::Ok();
}

Status LegacyBridge::Names(const std::string& task, std::vector<std::string>* names, int timeout_ms) {
  return Ask(task, "NSGetNames", names, timeout_ms);
}

Status LegacyBridge::Connects(const std::string& task, std::vector<std::pair<std::string, std::string>>* pairs,
                              int timeout_ms) {
  pairs->clear();
  std::vector<std::string> texts;
  Status s = Ask(task, "NSGetConnects", &texts, timeout_ms);
  for (size_t k = 0; s.ok() && k + 1 < texts.size(); k += 2) pairs->emplace_back(texts[k], texts[k + 1]);
  return s;
}

bool LegacyBridge::Next(BridgeEvent* event) {
  bridge::Packet p;
  while (events_.empty() && ReadOne(0, &p)) {
    if (!p.op.empty()) CM_DEBUG("legacy bridge: late '%s' (id %llu) dropped", p.op.c_str(),
                                static_cast<unsigned long long>(p.id));
  }
  if (events_.empty()) CheckCompanion(false);
  if (events_.empty()) return false;
  *event = std::move(events_.front());
  events_.pop_front();
  return true;
}

void LegacyBridge::CheckCompanion(bool now) {
  if (pid_ <= 0) return;
  Clock::time_point t = Clock::now();
  if (!now && t < next_check_) return;
  next_check_ = t + std::chrono::milliseconds(100);
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) == pid_) Reap(status);
}

void LegacyBridge::Reap(int status) {
  CM_ERROR("the legacy companion (pid %d) %s: the legacy domain is out of reach from now on",
           static_cast<int>(pid_), ExitText(status).c_str());
  pid_ = -1;
  BridgeEvent e;
  e.kind = BridgeEventKind::kGone;
  events_.push_back(std::move(e));
}

}  // namespace cm
