#include "harness/wire.h"

#include <zmq.h>

#include <msgpack.hpp>

#include <chrono>

namespace bench {
namespace {

constexpr unsigned kProtocolVersion = 1;
constexpr unsigned kTagInt = 3, kTagLong = 4, kTagText = 7;  // item tags (docs/protocol.md, "Frames")

using Packer = msgpack::packer<msgpack::sbuffer>;

void PackStr(Packer& pk, const std::string& s) {
  pk.pack_str(static_cast<uint32_t>(s.size()));
  pk.pack_str_body(s.data(), static_cast<uint32_t>(s.size()));
}

// [version, type, sender, reply_to, seq, items]: everything but the items.
void PackEnvelope(Packer& pk, const std::string& type, uint64_t seq) {
  pk.pack_array(6);
  pk.pack_uint32(kProtocolVersion);
  PackStr(pk, type);
  PackStr(pk, "cm_bench_probe");
  PackStr(pk, "");
  pk.pack_uint64(seq);
}

}  // namespace

NameServerProbe::NameServerProbe(void* zmq_context, const std::string& endpoint)
    : socket_(zmq_socket(zmq_context, ZMQ_DEALER)) {
  int linger = 0;
  zmq_setsockopt(socket_, ZMQ_LINGER, &linger, sizeof linger);
  zmq_connect(socket_, endpoint.c_str());
}

NameServerProbe::~NameServerProbe() { zmq_close(socket_); }

bool NameServerProbe::CallWithoutItems(const char* type, std::vector<Field>* fields, int timeout_ms) {
  uint64_t seq = next_seq_++;
  msgpack::sbuffer request;
  Packer pk(request);
  PackEnvelope(pk, type, seq);
  pk.pack_array(0);
  return Call(std::string(request.data(), request.size()), seq, fields, timeout_ms);
}

bool NameServerProbe::Names(std::vector<NameEntry>* names, int timeout_ms) {
  std::vector<Field> fields;
  if (!CallWithoutItems("NSGetNames", &fields, timeout_ms)) return false;
  // status, reason, n, then n x (name, host, pid, address, start time)
  if (fields.size() < 3) return false;
  size_t n = static_cast<size_t>(fields[2].number);
  if (fields.size() < 3 + 5 * n) return false;
  names->clear();
  for (size_t e = 0; e < n; ++e) {
    const Field* f = &fields[3 + 5 * e];
    NameEntry entry;
    entry.name = f[0].text;
    entry.host = f[1].text;
    entry.pid = static_cast<int>(f[2].number);
    entry.address = f[3].text;
    names->push_back(std::move(entry));
  }
  return true;
}

bool NameServerProbe::Count(size_t* names, int timeout_ms) {
  std::vector<Field> fields;
  if (!CallWithoutItems("NSGetStatistics", &fields, timeout_ms)) return false;
  // status, reason, names, requests, ...
  if (fields.size() < 3 || fields[2].number < 0) return false;
  *names = static_cast<size_t>(fields[2].number);
  return true;
}

bool NameServerProbe::Register(const NameEntry& entry, int timeout_ms) {
  uint64_t seq = next_seq_++;
  msgpack::sbuffer request;
  Packer pk(request);
  PackEnvelope(pk, "NSRegister", seq);
  pk.pack_array(8);
  pk.pack_uint8(kTagText);
  PackStr(pk, entry.name);
  pk.pack_uint8(kTagText);
  PackStr(pk, entry.address);
  pk.pack_uint8(kTagText);
  PackStr(pk, entry.host);
  pk.pack_uint8(kTagInt).pack_int64(entry.pid);
  std::vector<Field> fields;
  return Call(std::string(request.data(), request.size()), seq, &fields, timeout_ms);
}

bool AcknowledgeFrame(void* zmq_context, const std::string& frame, const std::string& name,
                      const std::string& address) {
  std::string reply_to;
  uint64_t seq = 0;
  try {
    msgpack::object_handle handle = msgpack::unpack(frame.data(), frame.size());
    const msgpack::object& f = handle.get();
    // [version, type, sender, reply_to, seq, items]
    if (f.type != msgpack::type::ARRAY || f.via.array.size != 6 || f.via.array.ptr[3].type != msgpack::type::STR ||
        f.via.array.ptr[4].type != msgpack::type::POSITIVE_INTEGER)
      return false;
    reply_to.assign(f.via.array.ptr[3].via.str.ptr, f.via.array.ptr[3].via.str.size);
    seq = f.via.array.ptr[4].via.u64;
  } catch (const std::exception&) {
    return false;
  }
  size_t hash = reply_to.find('#');
  if (seq == 0 || hash == std::string::npos) return false;
  msgpack::sbuffer ack;
  Packer pk(ack);
  // seq 0: an acknowledgement is not one of the pair's numbered messages.
  pk.pack_array(6);
  pk.pack_uint32(kProtocolVersion);
  PackStr(pk, "cm:ack");
  PackStr(pk, name);
  PackStr(pk, address);
  pk.pack_uint64(0);
  pk.pack_array(2);
  pk.pack_uint8(kTagLong).pack_int64(static_cast<int64_t>(seq));
  // The listener is a DEALER; a DEALER may talk to it as well as the
  // library's ROUTER does.  Queued until connected, sent before the close
  // returns (linger).
  void* dealer = zmq_socket(zmq_context, ZMQ_DEALER);
  int linger = 2000;
  zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof linger);
  bool sent = zmq_connect(dealer, reply_to.substr(0, hash).c_str()) == 0 &&
              zmq_send(dealer, ack.data(), ack.size(), ZMQ_DONTWAIT) == static_cast<int>(ack.size());
  zmq_close(dealer);
  return sent;
}

bool NameServerProbe::Call(const std::string& request, uint64_t seq, std::vector<Field>* fields, int timeout_ms) {
  if (zmq_send(socket_, request.data(), request.size(), ZMQ_DONTWAIT) < 0) return false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    zmq_pollitem_t item{socket_, 0, ZMQ_POLLIN, 0};
    if (zmq_poll(&item, 1, static_cast<long>(left.count())) <= 0) continue;
    zmq_msg_t reply;
    zmq_msg_init(&reply);
    if (zmq_msg_recv(&reply, socket_, ZMQ_DONTWAIT) < 0) {
      zmq_msg_close(&reply);
      continue;
    }
    bool mine = false;
    fields->clear();
    try {
      msgpack::object_handle handle =
          msgpack::unpack(static_cast<const char*>(zmq_msg_data(&reply)), zmq_msg_size(&reply));
      const msgpack::object& frame = handle.get();
      // [1, "NSReply", sender, reply_to, seq, [tag, value, ...]]
      if (frame.type == msgpack::type::ARRAY && frame.via.array.size == 6 &&
          frame.via.array.ptr[4].type == msgpack::type::POSITIVE_INTEGER && frame.via.array.ptr[4].via.u64 == seq &&
          frame.via.array.ptr[5].type == msgpack::type::ARRAY) {
        mine = true;
        const msgpack::object_array& items = frame.via.array.ptr[5].via.array;
        for (uint32_t k = 1; k < items.size; k += 2) {
          const msgpack::object& v = items.ptr[k];
          Field f;
          if (v.type == msgpack::type::STR) f.text.assign(v.via.str.ptr, v.via.str.size);
          if (v.type == msgpack::type::POSITIVE_INTEGER) f.number = static_cast<int64_t>(v.via.u64);
          if (v.type == msgpack::type::NEGATIVE_INTEGER) f.number = v.via.i64;
          fields->push_back(std::move(f));
        }
      }
    } catch (const std::exception&) {
      fields->clear();
    }
    zmq_msg_close(&reply);
    // Not ours: a late answer to an earlier request that timed out.
    if (mine) return !fields->empty() && (*fields)[0].number == 1;
  }
}

}  // namespace bench
