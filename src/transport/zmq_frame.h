// ZmqFrame: a received ZeroMQ message part handed to the codec, which keeps
// it alive as long as the decoded message points into it (zero copy).
#ifndef CM_TRANSPORT_ZMQ_FRAME_H
#define CM_TRANSPORT_ZMQ_FRAME_H

#include <utility>

#include <zmq.hpp>

#include "codec/frame.h"

namespace cm {

class ZmqFrame : public FrameBuffer {
 public:
  explicit ZmqFrame(zmq::message_t&& m) : m_(std::move(m)) {}
  const char* data() const override { return static_cast<const char*>(m_.data()); }
  size_t size() const override { return m_.size(); }
  const zmq::message_t& message() const { return m_; }

 private:
  zmq::message_t m_;
};

// Encodes into a ZeroMQ message of exactly the frame's size (one copy).
inline zmq::message_t EncodeFrame(const Envelope& envelope, const Message& message) {
  zmq::message_t frame(EncodedSize(envelope, message));
  Encode(envelope, message, static_cast<char*>(frame.data()));
  return frame;
}

}  // namespace cm

#endif
