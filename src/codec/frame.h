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
//
// Versions (docs/versions.md): a frame of a protocol this build does not
// read is not garbage.  Every version keeps [version, type, sender,
// reply_to, seq] as the first five elements of one msgpack array, so the
// decoder still says who sent it (Status::Unsupported, envelope filled in),
// and the session answers with cm:refused (MakeRefusal) instead of dropping
// it without a word.
#ifndef CM_CODEC_FRAME_H
#define CM_CODEC_FRAME_H

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "codec/message.h"
#include "util/status.h"
#include "util/version.h"  // kProtocolVersion, kOldestProtocolVersion

namespace cm {

// Routing data around the items.  On decode the views point into the frame.
struct Envelope {
  std::string_view sender;    // the sending process's name
  std::string_view reply_to;  // endpoint where the sender listens ("" if none)
  uint64_t seq = 0;           // per (sender, receiver) sequence, or request id
  // Decode: the frame's protocol version.  Encode: the version to write; 0
  // writes WriteProtocolVersion() (cm:refused: kRefusalProtocolVersion).
  uint32_t version = 0;
};

// Bytes Encode() will write for this envelope and message.
size_t EncodedSize(const Envelope& envelope, const Message& message);

// Writes exactly EncodedSize() bytes at `out`; array data lands 8-aligned
// relative to `out`.
void Encode(const Envelope& envelope, const Message& message, char* out);

// Parses `frame` into `envelope` and `message` (reset first), which takes the
// frame.  Malformed input gives a Status saying what was wrong; the message
// is then left empty.  Never reads outside [data, data+size).
//
// A well-formed frame of a protocol version this build does not read gives
// Status::Unsupported, whose message is the line to log ("frame 'T' of
// protocol 3 from 'X' refused: ..."), with the envelope's version, sender,
// reply_to and seq filled in and the message's type set (no items).  A
// cm:refused frame is read whatever its version, if it has the layout of
// protocol 1.
Status Decode(std::unique_ptr<FrameBuffer> frame, Envelope* envelope, Message* message);

// Decodes one frame after another, keeping what the next one can reuse
// (msgpack-cxx's parser, and the head of the last frame: see frame.cpp).
// The message points into [data, data+size) without owning it: the caller
// keeps those bytes alive and unchanged while the message (and the envelope)
// is used.  Otherwise as Decode().  One decoder per thread at a time.
class FrameDecoder {
 public:
  // Reads protocols oldest..newest: this build's by default; tests make a
  // decoder of another release with other bounds.
  explicit FrameDecoder(uint32_t oldest = kOldestProtocolVersion, uint32_t newest = kProtocolVersion);
  ~FrameDecoder();
  FrameDecoder(const FrameDecoder&) = delete;
  FrameDecoder& operator=(const FrameDecoder&) = delete;

  Status Decode(const char* data, size_t size, Envelope* envelope, Message* message);
  // The frame at the start of [data, data+size), which may be followed by
  // more: `*consumed` is its length.  After a malformed frame the rest of
  // the range cannot be delimited (`*consumed` is then `size`), nor after
  // one of an unsupported version (frames coalesced together come from one
  // sender, in one version).
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

// ---- cm:refused: the answer to a frame refused for its version -------------
//
//   items: text reason, int version refused, int oldest read, int newest
//   read, text library version (of the refusing process)
//
// Sent as any message to that peer (its seq means nothing more), written
// as protocol 1 and read by every version.  It is never answered, nor
// refused: no refusal can loop.
constexpr const char kRefusedType[] = "cm:refused";

// The refusal of the frame whose envelope Decode* left with Unsupported.
void MakeRefusal(const Envelope& refused, Message* out);
// One line for the log of the process whose frame `from` refused.
std::string DescribeRefusal(std::string_view from, Message& refusal);

}  // namespace cm

#endif
