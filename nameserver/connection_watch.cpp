#include "connection_watch.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include <cstring>

#include "util/log.h"

namespace cm {
namespace {

using Clock = std::chrono::steady_clock;

// How long a closed connection may still show as libzmq's before we take
// it for a later connection that got the same descriptor number.
constexpr std::chrono::seconds kReleaseWait(1);
// Open connections are checked this often for a close whose event was lost
// (the monitor's queue is bounded).
constexpr std::chrono::seconds kScanInterval(5);

std::string PeerOf(int fd) {
  sockaddr_storage address{};
  socklen_t length = sizeof address;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) return "";
  char text[INET6_ADDRSTRLEN] = "";
  if (address.ss_family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&address);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
    return std::string(text) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (address.ss_family == AF_INET6) {
    auto* in = reinterpret_cast<sockaddr_in6*>(&address);
    inet_ntop(AF_INET6, &in->sin6_addr, text, sizeof text);
    return "[" + std::string(text) + "]:" + std::to_string(ntohs(in->sin6_port));
  }
  return "";
}

std::string WhyHandshakeFailed(int event, int code) {
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL)
    return std::string("it hung up during the handshake (") + std::strerror(code) +
           "): a process without this domain's secret does so when it sees ours (or a port check)";
  switch (code) {
    case ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH:
      return "its security mechanism is not this domain's (a domain secret held by one side only)";
    case ZMQ_PROTOCOL_ERROR_ZMTP_CRYPTOGRAPHIC:
    case ZMQ_PROTOCOL_ERROR_ZMTP_KEY_EXCHANGE:
      return "its CURVE handshake was not made with this domain's key";
    default: {
      char text[64];
      std::snprintf(text, sizeof text, "it broke the ZMTP handshake (libzmq protocol error 0x%x)", code);
      return text;
    }
  }
}

}  // namespace

bool RateLimitedCount::Count() {
  ++total_;
  Clock::time_point now = Clock::now();
  if (total_ > kInFull && now - last_ < std::chrono::seconds(1)) {
    ++unlogged_;
    return false;
  }
  last_ = now;
  skipped_ = unlogged_;
  unlogged_ = 0;
  return true;
}

ConnectionWatch::~ConnectionWatch() {
  for (auto& [fd, c] : open_) close(c.dup);
  for (Connection& c : closing_)
    if (c.dup >= 0) close(c.dup);
}

void ConnectionWatch::Accepted(int fd) {
  Connection c;
  c.fd = fd;
  c.dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (c.dup < 0) return;  // out of descriptors: this one goes unwatched
  struct stat info;
  if (fstat(c.dup, &info) != 0 || !S_ISSOCK(info.st_mode) || (c.peer = PeerOf(c.dup)).empty()) {
    close(c.dup);  // already gone, the number reused by something else
    return;
  }
  c.device = info.st_dev;
  c.inode = info.st_ino;
  auto old = open_.find(fd);
  if (old != open_.end()) close(old->second.dup);  // its close was never reported
  open_[fd] = c;
}

void ConnectionWatch::HandshakeFailed(int event, int code) {
  pending_event_ = event;
  pending_code_ = code;
}

void ConnectionWatch::Closed(int fd) {
  Connection c;
  auto it = open_.find(fd);
  if (it != open_.end()) {
    c = it->second;
    open_.erase(it);
  } else {
    c.fd = fd;
    c.peer = "an unknown address";  // accepted before we could look
  }
  c.failed_event = pending_event_;
  c.failed_code = pending_code_;
  pending_event_ = pending_code_ = 0;
  c.closed = Clock::now();
  if (c.dup >= 0 || c.failed_event != 0) closing_.push_back(c);
}

bool ConnectionWatch::Released(const Connection& c) {
  struct stat info;
  if (fstat(c.fd, &info) != 0) return true;
  return info.st_dev != c.device || info.st_ino != c.inode;
}

bool ConnectionWatch::Check() {
  Clock::time_point now = Clock::now();
  if (now >= next_scan_) {
    for (auto it = open_.begin(); it != open_.end();) {
      if (Released(it->second)) {
        it->second.closed = now;
        closing_.push_back(it->second);
        it = open_.erase(it);
      } else {
        ++it;
      }
    }
    next_scan_ = now + kScanInterval;
  }
  for (auto it = closing_.begin(); it != closing_.end();) {
    bool released = it->dup < 0 || Released(*it);
    if (!released && now - it->closed < kReleaseWait) {
      ++it;
      continue;
    }
    if (released) Judge(*it);  // else: a later connection under the same number
    if (it->dup >= 0) close(it->dup);
    it = closing_.erase(it);
  }
  return !closing_.empty();
}

void ConnectionWatch::Judge(const Connection& c) {
  if (c.failed_event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH) return;  // the ZAP handler said it, with the address
  if (c.failed_event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL && !secured_) {
    CM_DEBUG("a connection from %s hung up during the handshake (%s)", c.peer.c_str(), std::strerror(c.failed_code));
    return;
  }
  if (c.failed_event != 0) {
    if (handshakes_.Count())
      CM_WARN("refused a handshake from %s: %s (%lld more since the last such line, %lld in all)", c.peer.c_str(),
              WhyHandshakeFailed(c.failed_event, c.failed_code).c_str(),
              static_cast<long long>(handshakes_.skipped()), static_cast<long long>(handshakes_.total()));
    return;
  }
  char byte;
  if (recv(c.dup, &byte, 1, MSG_PEEK | MSG_DONTWAIT) > 0 && oversize_.Count())
    CM_WARN("closed the connection from %s: it declared a frame larger than the limit (%lld bytes) or otherwise "
            "broke ZMTP, and what it sent was not read (%lld more since the last such line, %lld in all)",
            c.peer.c_str(), static_cast<long long>(max_frame_bytes_), static_cast<long long>(oversize_.skipped()),
            static_cast<long long>(oversize_.total()));
}

}  // namespace cm
