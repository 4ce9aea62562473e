// Peer: what this process knows of one other process it talks to.
//
// Peers live until the session closes (a CmConnect points to one), whatever
// happens to the process behind them: a peer that died keeps its entry, with
// `link_up` false, and is resolved again on the next send.
#ifndef CM_SESSION_PEER_H
#define CM_SESSION_PEER_H

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>

#include <zmq.hpp>

#include "session/send_window.h"
#include "transport/address.h"

namespace cm {

struct Peer {
  std::string name;
  Address address;        // empty endpoint: not resolved yet
  bool link_up = false;   // our dialer's connection to it is up
  int inbound_fd = -1;    // the connection it last sent to us on, if open
  // A connection of ours or of its closed (or an attempt failed): maybe it
  // is gone, maybe only that connection.  Unset: not suspected.  Checked by
  // reaching its incarnation (Session::CheckSuspects).
  std::chrono::steady_clock::time_point suspect_since{};
  bool refused = false;   // while suspected: an attempt to connect to it failed
  bool link_reset = false;  // our connection to it went down since it was last found alive
  bool announced = false; // connection handler called, disconnection not yet
  bool foreign = false;   // a process of the foreign domain (migration mode: foreign_domain.h)
  bool escaped = false;
  std::chrono::steady_clock::time_point refused_at{};  // last cm:refused sent to it (RefuseVersion)   // handed to the program (a CmConnect): kept until the session closes
  bool was_lost = false;  // its link was lost since it was last up
  uint64_t seq_out = 0;   // last sequence number sent to this incarnation
  uint64_t seq_in = 0;    // last sequence number received from it
  // Acknowledgements (cm:ack; docs/api.md, "Delivery"):
  uint64_t acked = 0;      // seq_out it acknowledged, or that was noted as maybe lost
  uint64_t seq_acked = 0;  // seq_in we acknowledged to it
  bool ack_owed = false;   // in the session's list of peers to acknowledge
  SendWindow window;       // bytes sent to this incarnation and not acknowledged
  // Frames that came after a gap in its numbers, held until the missing ones
  // come or are counted lost (Session::Hold); what we counted lost of its
  // messages (told to it in our acks), and what it told us of ours.
  struct Held {
    uint64_t seq;
    zmq::message_t frame;
  };
  std::deque<Held> held;
  size_t held_bytes = 0;
  std::chrono::steady_clock::time_point gap_since{};
  uint64_t lost_told = 0, lost_heard = 0;
  // The incarnation this one replaced: its late messages, read after we
  // learned of the new one, must not point us back at a dead process.
  Address previous;
  // A reply address a frame claimed for it and the name server refuted
  // (Session::ConfirmMove), not asked about again until refuted_until.
  std::string refuted;
  std::chrono::steady_clock::time_point refuted_until{};
  uint64_t sent = 0, received = 0, lost = 0;
  uint64_t unreported = 0;  // sends not yet reported to the name server
};

}  // namespace cm

#endif
