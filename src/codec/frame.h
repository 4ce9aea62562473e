// Frame: the wire form of one message (docs/protocol.md).
//
//   [ version, type, sender, reply_to, seq, [ item... ] ]      (msgpack)
//
// A ZeroMQ message may carry several frames back to back (protocol 2: a
// sender that outpaces its receiver coalesces them, transport/dialer.h);
// msgpack objects delimit themselves, so a receiver reads one frame after
// another with FrameDecoder::DecodeFirst.
//
// Encoding is two passes over the message: one that only counts bytes, one
// that writes into memory of exactly that size (the transport's zmq message),
// so a message is copied once, from the caller's items to the wire buffer.
// Decoding is a single pass of msgpack's visitor parser; items point into
// the frame, which the message keeps (or the caller: FrameDecoder).
#ifndef CM_CODEC_FRAME_H
#define CM_CODEC_FRAME_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "codec/message.h"
#include "util/status.h"

namespace cm {

constexpr uint32_t kProtocolVersion = 2;        // what this build writes
constexpr uint32_t kOldestProtocolVersion = 1;  // what it still reads (frames are the same)

// Routing data around the items.  On decode the views point into the frame.
struct Envelope {
  std::string_view sender;    // the sending process's name
  std::string_view reply_to;  // endpoint where the sender listens ("" if none)
  uint64_t seq = 0;           // per (sender, receiver) sequence, or request id
};

// Bytes Encode() will write for this envelope and message.
size_t EncodedSize(const Envelope& envelope, const Message& message);

// Writes exactly EncodedSize() bytes at `out`; array data lands 8-aligned
// relative to `out`.
void Encode(const Envelope& envelope, const Message& message, char* out);

// Parses `frame` into `envelope` and `message` (reset first), which takes the
// frame.  Malformed input gives a Status saying what was wrong; the message
// is then left empty.  Never reads outside [data, data+size).
Status Decode(std::unique_ptr<FrameBuffer> frame, Envelope* envelope, Message* message);

// Decodes one frame after another, keeping what the next one can reuse
// (msgpack-cxx's parser, and the head of the last frame: see frame.cpp).
// The message points into [data, data+size) without owning it: the caller
// keeps those bytes alive and unchanged while the message (and the envelope)
// is used.  Otherwise as Decode().  One decoder per thread at a time.
class FrameDecoder {
 public:
  FrameDecoder();
  ~FrameDecoder();
  FrameDecoder(const FrameDecoder&) = delete;
  FrameDecoder& operator=(const FrameDecoder&) = delete;

  Status Decode(const char* data, size_t size, Envelope* envelope, Message* message);
  // The frame at the start of [data, data+size), which may be followed by
  // more: `*consumed` is its length.  After a malformed frame the rest of
  // the range cannot be delimited (`*consumed` is then `size`).
  Status DecodeFirst(const char* data, size_t size, size_t* consumed, Envelope* envelope, Message* message);

 private:
  // Both of the above: `consumed` null means the frame must fill the range.
  Status Run(const char* data, size_t size, size_t* consumed, Envelope* envelope, Message* message);

  struct Parser;
  std::unique_ptr<Parser> parser_;
};

// How many frames [data, data+size) holds, back to back (a malformed one
// counts as one, and ends the count: what follows it cannot be delimited).
// For reports (a queue's depth), not the receive path: it decodes them all.
size_t CountFrames(const char* data, size_t size);

// Decode a plain byte range (copied): for tests, fuzzers and tools.
Status DecodeCopy(const char* data, size_t size, Envelope* envelope, Message* message);

}  // namespace cm

#endif
