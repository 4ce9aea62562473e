// A peer that speaks just enough ZMTP 3.0 (NULL mechanism) by hand to do
// what no ZeroMQ socket would: declare a frame far larger than it sends.
// And the resident memory of a process, to see what that cost its receiver.
#ifndef CM_COMPAT_TESTS_RAW_ZMTP_H
#define CM_COMPAT_TESTS_RAW_ZMTP_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <string>

namespace cm {

// Connects to 127.0.0.1:`port`, does the handshake as a DEALER, declares one
// frame of `declared` bytes and sends `sent` bytes of it (less if the
// receiver hangs up first).  Returns the bytes of the frame it could send,
// or -1 if it could not connect.  The connection stays open until `*fd` is
// closed by the caller.
inline long long DeclareHugeFrame(int port, uint64_t declared, uint64_t sent, int* fd) {
  *fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(*fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return -1;
  timeval patience{10, 0};  // a receiver that neither reads nor hangs up
  setsockopt(*fd, SOL_SOCKET, SO_SNDTIMEO, &patience, sizeof patience);
  setsockopt(*fd, SOL_SOCKET, SO_RCVTIMEO, &patience, sizeof patience);
  // Greeting: signature, version 3.0, mechanism NULL, as-server 0, filler.
  std::string out(64, '\0');
  out[0] = '\xff';
  out[9] = '\x7f';
  out[10] = 3;
  out.replace(12, 4, "NULL");
  // READY with Socket-Type DEALER, a short command frame.
  std::string ready = std::string("\x05READY", 6) + "\x0bSocket-Type" + std::string("\0\0\0\x06", 4) + "DEALER";
  out += '\x04';
  out += static_cast<char>(ready.size());
  out += ready;
  if (send(*fd, out.data(), out.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(out.size())) return 0;
  // The receiver's greeting and READY: the handshake is done before the
  // frame comes, as with any client.
  std::string in;
  char buffer[256];
  while (in.size() < 66 || in.size() < 66 + static_cast<unsigned char>(in[65])) {
    ssize_t n = recv(*fd, buffer, sizeof buffer, 0);
    if (n <= 0) return 0;
    in.append(buffer, static_cast<size_t>(n));
  }
  // A pause, as a client busy elsewhere makes: the name server names a peer
  // it has had time to see accepted (nameserver/connection_watch.h).
  usleep(100 * 1000);
  // A long frame: its size in 8 bytes, big-endian, and the start of it.
  std::string chunk(1 << 20, 'x');
  out = '\x02';
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>((declared >> shift) & 0xff);
  out += chunk;
  if (send(*fd, out.data(), out.size(), MSG_NOSIGNAL) <= 0) return 0;
  uint64_t done = chunk.size();
  while (done < sent) {
    ssize_t n = send(*fd, chunk.data(), chunk.size(), MSG_NOSIGNAL);
    if (n <= 0) break;  // the receiver hung up
    done += static_cast<uint64_t>(n);
  }
  return static_cast<long long>(done);
}

// VmRSS of `pid` ("self" for this process) in KiB, -1 if unknown.
inline long ResidentKiB(const std::string& pid = "self") {
  std::ifstream status("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

}  // namespace cm

#endif
