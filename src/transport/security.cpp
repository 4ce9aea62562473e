#include "transport/security.h"

#include <cerrno>
#include <memory>
#include <vector>

#include <zmq_addon.hpp>

#include "transport/context.h"
#include "util/log.h"

namespace cm {
namespace {

constexpr char kZapEndpoint[] = "inproc://zeromq.zap.01";  // fixed by RFC 27
constexpr char kZapThread[] = "zap";
constexpr size_t kKeySize = 32;
constexpr size_t kZ85KeySize = 40;
// Refusals logged one by one, then every 1000th: a misconfigured process
// retrying every second must not fill the disk.
constexpr unsigned long kRefusalsLoggedInFull = 20;

std::string Text(const zmq::message_t& part) { return std::string(static_cast<const char*>(part.data()), part.size()); }

// RFC 27: version, request id, domain, address, routing id, mechanism,
// credentials...  Answers 200 for a CURVE client holding `public_key`.
void ServeZap(zmq::socket_t socket, std::string public_key) {
  unsigned long refused = 0;
  for (;;) {
    std::vector<zmq::message_t> request;
    try {
      if (!zmq::recv_multipart(socket, std::back_inserter(request))) continue;
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) break;
      continue;
    }
    if (request.size() < 6) continue;  // not from libzmq: nothing to answer
    bool member = request.size() >= 7 && Text(request[5]) == "CURVE" && Text(request[6]) == public_key;
    if (!member && (++refused <= kRefusalsLoggedInFull || refused % 1000 == 0)) {
      CM_WARN("refused a connection from %s: it does not hold this domain's secret (%s mechanism; %lu refused so far)",
              Text(request[3]).c_str(), Text(request[5]).c_str(), refused);
    }
    std::vector<zmq::message_t> reply;
    reply.emplace_back(std::string("1.0"));
    reply.emplace_back(request[1].data(), request[1].size());
    reply.emplace_back(std::string(member ? "200" : "400"));
    reply.emplace_back(std::string(member ? "OK" : "not a member of this domain"));
    reply.emplace_back();  // user id
    reply.emplace_back();  // metadata
    try {
      (void)zmq::send_multipart(socket, reply);
    } catch (const zmq::error_t& e) {
      if (e.num() == ETERM) break;
    }
  }
  socket.close();
}

Status StartZapHandler(const Security& security) {
  if (ContextThreadRunning(kZapThread)) return Status::Ok();
  try {
    // Bound here, before any server socket exists, not on the thread:
    // a handshake that found no handler would be let through.
    auto socket = std::make_shared<zmq::socket_t>(ZmqContext(), zmq::socket_type::rep);
    socket->set(zmq::sockopt::linger, 0);
    socket->bind(kZapEndpoint);
    StartContextThread(kZapThread, [socket, key = security.public_key] { ServeZap(std::move(*socket), key); });
  } catch (const zmq::error_t& e) {
    return Status::Unavailable(std::string("cannot start the domain secret's handler: ") + e.what());
  }
  return Status::Ok();
}

}  // namespace

Status SecurityFromZ85(const std::string& secret_z85, const std::string& source, Security* out) {
  *out = Security();
  if (!zmq_has("curve")) return Status::Unavailable("this libzmq has no CurveZMQ support: cannot use " + source);
  char public_z85[kZ85KeySize + 1];
  uint8_t secret[kKeySize], public_key[kKeySize];
  if (secret_z85.size() != kZ85KeySize || zmq_z85_decode(secret, secret_z85.c_str()) == nullptr ||
      zmq_curve_public(public_z85, secret_z85.c_str()) != 0 || zmq_z85_decode(public_key, public_z85) == nullptr)
    return Status::Invalid(source + ": the secret key must be 40 characters of Z85 (as `cm secret` writes it)");
  out->secret_key.assign(reinterpret_cast<char*>(secret), kKeySize);
  out->public_key.assign(reinterpret_cast<char*>(public_key), kKeySize);
  out->source = source;
  return Status::Ok();
}

Status NewSecretZ85(std::string* secret_z85) {
  if (!zmq_has("curve")) return Status::Unavailable("this libzmq has no CurveZMQ support");
  char public_z85[kZ85KeySize + 1], secret[kZ85KeySize + 1];
  if (zmq_curve_keypair(public_z85, secret) != 0) return Status::Unavailable("zmq_curve_keypair failed");
  secret_z85->assign(secret, kZ85KeySize);
  return Status::Ok();
}

Status ApplyServerSecurity(const Security& security, zmq::socket_t& socket) {
  if (!security.enabled()) return Status::Ok();
  Status s = StartZapHandler(security);
  if (!s.ok()) return s;
  socket.set(zmq::sockopt::curve_server, 1);
  socket.set(zmq::sockopt::curve_secretkey, security.secret_key);
  // Any ZAP domain makes libzmq ask the handler for every mechanism.
  socket.set(zmq::sockopt::zap_domain, "cm");
  return Status::Ok();
}

void ApplyClientSecurity(const Security& security, zmq::socket_t& socket) {
  if (!security.enabled()) return;
  socket.set(zmq::sockopt::curve_serverkey, security.public_key);
  socket.set(zmq::sockopt::curve_publickey, security.public_key);
  socket.set(zmq::sockopt::curve_secretkey, security.secret_key);
}

}  // namespace cm
