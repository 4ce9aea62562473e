// Pinger: cm:ping to many processes at once (cm ping A B C, cm ping --all).
//
// The Session sends one message at a time, and its first send to a process
// waits for the connection to it: 500 processes pinged through it would
// wait for 500 connections in turn, and one that does not answer would hold
// up the rest.  So the Pinger works one layer down, as a process of its own
// (a Listener for the answers, a Dialer to send): it connects to every
// target at once, sends each its cm:ping the moment its connection is up,
// and times each cm:pong by its own clock as it arrives.  To the targets it
// is any unregistered process: they answer cm:ping as they always do.
#ifndef CM_TOOLS_PINGER_H
#define CM_TOOLS_PINGER_H

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "naming/domain.h"
#include "naming/name_client.h"
#include "transport/address.h"
#include "transport/dialer.h"
#include "transport/listener.h"

namespace cmtool {

struct PingResult {
  cm::NameRecord target;
  bool answered = false;
  double round_trip_ms = 0;  // answered only
  std::string why;           // not answered: "no answer within 3 s", "nothing listens at ..."
};

class Pinger {
 public:
  // Failure(kExitFailed) when it cannot listen.
  explicit Pinger(const cm::DomainConfig& domain);
  ~Pinger();

  // One cm:ping to each target, all at once; returns when every one has
  // answered or failed, or after `timeout_ms`.  Results in the targets' order.
  // May be called again with the same targets (--count): connections stay.
  std::vector<PingResult> PingAll(const std::vector<cm::NameRecord>& targets, int timeout_ms);

 private:
  using Clock = std::chrono::steady_clock;
  struct Pending;
  bool TrySend(Pending& p);
  void ReadAnswers(std::vector<Pending>& pending, Clock::time_point now);
  void ReadLinkEvents(std::vector<Pending>& pending);

  std::string own_name_;
  std::unique_ptr<cm::Listener> listener_;
  std::unique_ptr<cm::Dialer> dialer_;
  std::string reply_to_;
  uint64_t round_ = 0;  // the envelope's seq: one ping per target per round
};

}  // namespace cmtool

#endif
