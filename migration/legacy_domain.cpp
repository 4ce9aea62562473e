#include "legacy_domain.h"

#include "bridge_config.h"
#include "legacy_bridge.h"
#include "util/log.h"

namespace cm {
namespace {

class LegacyDomain : public ForeignDomain {
 public:
  LegacyDomain(const BridgeConfig& config, std::unique_ptr<LegacyBridge> bridge)
      : config_(config), bridge_(std::move(bridge)) {}

  const char* label() const override { return "legacy"; }
  Status Open(const std::string& name) override { return bridge_->Open(name); }
  void Close() override { bridge_->Close(); }

  // The companion answers once the legacy send returned, which may itself
  // wait; and it serves us between its legacy waits (one slice at most).
  bool Send(const Message& message, const std::string& to, int timeout_ms) override {
    return bridge_->Send(message, to, timeout_ms + config_.slice_max_ms + 1000) == 1;
  }
  bool Knows(const std::string& name, int timeout_ms) override {
    return bridge_->Knows(name, timeout_ms + config_.slice_max_ms);
  }

  bool Next(ForeignEvent* event) override {
    BridgeEvent e;
    if (!bridge_->Next(&e)) return false;
    static const ForeignEvent::Kind kKinds[] = {ForeignEvent::Kind::kMessage, ForeignEvent::Kind::kConnected,
                                                 ForeignEvent::Kind::kDisconnected, ForeignEvent::Kind::kGone};
    event->kind = kKinds[static_cast<int>(e.kind)];
    event->name = std::move(e.name);
    event->message = std::move(e.message);
    return true;
  }
  zmq_pollitem_t pollitem() override { return bridge_->pollitem(); }

 private:
  BridgeConfig config_;
  std::unique_ptr<LegacyBridge> bridge_;
};

static_assert(static_cast<int>(BridgeEventKind::kDeliver) == 0 && static_cast<int>(BridgeEventKind::kConnected) == 1 &&
                  static_cast<int>(BridgeEventKind::kDisconnected) == 2 && static_cast<int>(BridgeEventKind::kGone) == 3,
              "LegacyDomain::Next maps the kinds by position");

}  // namespace

Status StartLegacyDomain(std::unique_ptr<ForeignDomain>* out) {
  out->reset();
  BridgeConfig config = BridgeConfig::FromEnvironment();
  if (!config.enabled) return Status::Ok();
  std::unique_ptr<LegacyBridge> bridge;
  Status s = LegacyBridge::Start(config, &bridge);
  if (!s.ok()) return s;
  CM_INFO("migration mode: legacy library %s, companion pid %d", config.library.c_str(),
          static_cast<int>(bridge->companion_pid()));
  *out = std::make_unique<LegacyDomain>(config, std::move(bridge));
  return Status::Ok();
}

}  // namespace cm
