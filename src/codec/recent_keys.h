// RecentKeys: the last N distinct keys seen, for "warn once" that stays
// bounded.  A set that remembers every key for ever grows with whatever a
// peer chooses to send (one key per message type: 300,000 types made 47 MB);
// this one forgets the least recently seen key once it holds N.
//
// Not thread-safe: the owner locks.
#ifndef CM_CODEC_RECENT_KEYS_H
#define CM_CODEC_RECENT_KEYS_H

#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>

namespace cm {

class RecentKeys {
 public:
  explicit RecentKeys(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // True when `key` is not among the keys remembered (then it is, as the
  // most recent one); false when it is (it becomes the most recent one).
  bool Insert(const std::string& key);
  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  size_t capacity_;
  std::list<std::string> order_;  // most recent first
  std::unordered_map<std::string, std::list<std::string>::iterator> index_;
};

}  // namespace cm

#endif
