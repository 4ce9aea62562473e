#include "bridge_protocol.h"

#include <msgpack.hpp>

namespace cm {
namespace bridge {

const std::string& Packet::Text(size_t k) const {
  static const std::string empty;
  if (k >= args.size()) return empty;
  const std::string* s = std::get_if<std::string>(&args[k]);
  return s ? *s : empty;
}

int64_t Packet::Number(size_t k, int64_t fallback) const {
  if (k >= args.size()) return fallback;
  const int64_t* v = std::get_if<int64_t>(&args[k]);
  return v ? *v : fallback;
}

bool SendPacket(zmq::socket_t& socket, const Packet& packet, zmq::message_t* frame, int flags) {
  msgpack::sbuffer buffer;
  msgpack::packer<msgpack::sbuffer> pk(buffer);
  pk.pack_array(static_cast<uint32_t>(3 + packet.args.size()));
  pk.pack_uint32(kVersion);
  pk.pack(packet.op);
  pk.pack_uint64(packet.id);
  for (const auto& arg : packet.args) {
    if (const int64_t* v = std::get_if<int64_t>(&arg))
      pk.pack_int64(*v);
    else
      pk.pack(std::get<std::string>(arg));
  }
  int more = frame != nullptr ? ZMQ_SNDMORE : 0;
  if (zmq_send(socket.handle(), buffer.data(), buffer.size(), flags | more) < 0) return false;
  // The second part of a multipart message is never refused once the first
  // was taken (ZeroMQ queues multipart messages atomically).
  return frame == nullptr || zmq_msg_send(frame->handle(), socket.handle(), flags) >= 0;
}

namespace {

Status Parse(const zmq::message_t& head, Packet* packet) {
  msgpack::object_handle handle;
  try {
    handle = msgpack::unpack(static_cast<const char*>(head.data()), head.size());
  } catch (const std::exception& e) {
    return Status::Malformed(std::string("bridge message is not msgpack: ") + e.what());
  }
  const msgpack::object& o = handle.get();
  if (o.type != msgpack::type::ARRAY || o.via.array.size < 3)
    return Status::Malformed("bridge message is not an array [version, op, id, ...]");
  const msgpack::object* a = o.via.array.ptr;
  if (a[0].type != msgpack::type::POSITIVE_INTEGER || a[0].via.u64 != kVersion)
    return Status::Malformed("bridge message of another protocol version (this build speaks " +
                             std::to_string(kVersion) + "): is the companion from another build?");
  if (a[1].type != msgpack::type::STR || a[2].type != msgpack::type::POSITIVE_INTEGER)
    return Status::Malformed("bridge message without op or id");
  packet->op.assign(a[1].via.str.ptr, a[1].via.str.size);
  packet->id = a[2].via.u64;
  packet->args.clear();
  for (uint32_t k = 3; k < o.via.array.size; ++k) {
    const msgpack::object& arg = a[k];
    if (arg.type == msgpack::type::STR)
      packet->args.emplace_back(std::string(arg.via.str.ptr, arg.via.str.size));
    else if (arg.type == msgpack::type::POSITIVE_INTEGER)
      packet->args.emplace_back(static_cast<int64_t>(arg.via.u64));
    else if (arg.type == msgpack::type::NEGATIVE_INTEGER)
      packet->args.emplace_back(arg.via.i64);
    else
      return Status::Malformed("bridge message '" + packet->op + "' has an argument that is neither text nor integer");
  }
  return Status::Ok();
}

}  // namespace

bool ReceivePacket(zmq::socket_t& socket, Packet* packet, zmq::message_t* frame, int flags, Status* status) {
  *status = Status::Ok();
  zmq::message_t head;
  if (zmq_msg_recv(head.handle(), socket.handle(), flags) < 0) return false;
  bool has_frame = head.more();
  if (frame != nullptr) frame->rebuild();
  if (has_frame) {
    zmq::message_t part;
    zmq_msg_recv(part.handle(), socket.handle(), 0);  // already here: multipart is atomic
    bool more = part.more();
    while (more) {  // nothing of this version sends a third part: drop it
      zmq::message_t extra;
      zmq_msg_recv(extra.handle(), socket.handle(), 0);
      more = extra.more();
    }
    if (frame != nullptr) frame->move(part);
  }
  *status = Parse(head, packet);
  return true;
}

}  // namespace bridge
}  // namespace cm
