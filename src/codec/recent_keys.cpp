#include "codec/recent_keys.h"

namespace cm {

bool RecentKeys::Insert(const std::string& key) {
  auto found = index_.find(key);
  if (found != index_.end()) {
    order_.splice(order_.begin(), order_, found->second);
    return false;
  }
  if (index_.size() == capacity_) {
    index_.erase(order_.back());
    order_.pop_back();
  }
  order_.push_front(key);
  index_.emplace(key, order_.begin());
  return true;
}

}  // namespace cm
