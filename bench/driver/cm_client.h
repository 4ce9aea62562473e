// The driver's side of the libCm-zmq measurements, through the C API only.
#ifndef CM_BENCH_DRIVER_CM_CLIENT_H
#define CM_BENCH_DRIVER_CM_CLIENT_H

#include <CmMessage.h>

#include "harness/stats.h"

namespace bench {

// Registers the driver as `name` and installs its "Pong" handler.
bool OpenCmClient(const char* name);

// Sends `ping` to `to`, then waits (at most timeout_s) for the "Pong".
// `sent` is when CmMessageSend returned.  False if the send failed or no
// reply came.
bool CmRoundTrip(CmMessage ping, const char* to, double timeout_s, Clock::time_point* sent = nullptr);

// The moments of one round trip against cm_bench_cm_peer stamped-echo (or,
// in round_trip.cpp, cm_bench_raw_peer zmq-stamped-echo): the echo's two
// come from its own clock, the same steady clock on the same machine.
struct StampedRoundTrip {
  Clock::time_point start;     // the send call began
  Clock::time_point sent;      // ... and returned
  Clock::time_point echo_in;   // the echo's handler began (raw: its receive returned)
  Clock::time_point echo_out;  // the echo called its send
  Clock::time_point handled;   // the driver's handler began (raw: its receive returned)
  Clock::time_point done;      // the wait returned (raw: = handled)
};

// CmRoundTrip against a stamped-echo; false as CmRoundTrip.
bool CmStampedRoundTrip(CmMessage ping, const char* to, double timeout_s, StampedRoundTrip* out);

// Reads the driver's queue long enough for a sink's last acknowledgement
// (cm:ack; a receiver sends it within 100 ms, at its next link check), so
// that the library does not take what it sent the sink for messages that may
// be lost when the sink is stopped.  Call after the sink counted a run.
void ReadAcknowledgements();

// A "Ping" message holding `size` bytes.
CmMessage NewPing(size_t size);

}  // namespace bench

#endif
