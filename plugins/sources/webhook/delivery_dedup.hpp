// SPDX-License-Identifier: Apache-2.0
// Remembers recent X-GitHub-Delivery GUIDs so a redelivery of an accepted event is not
// queued twice. Bounded: the oldest GUID is forgotten first (the core's job store dedupes
// by job id as well, so forgetting is safe, only less cheap).
#pragma once

#include <deque>
#include <mutex>
#include <string>
#include <unordered_set>

namespace lxdrunner::webhook {

class DeliveryDedup {
 public:
  explicit DeliveryDedup(size_t capacity) : capacity_(capacity) {}

  bool seen(const std::string& guid) const {
    std::lock_guard<std::mutex> lock(mu_);
    return set_.count(guid) != 0;
  }
  // Records an accepted delivery. Empty GUIDs are not remembered.
  void remember(const std::string& guid) {
    if (guid.empty() || capacity_ == 0) return;
    std::lock_guard<std::mutex> lock(mu_);
    if (!set_.insert(guid).second) return;
    order_.push_back(guid);
    if (order_.size() > capacity_) {
      set_.erase(order_.front());
      order_.pop_front();
    }
  }

 private:
  size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_set<std::string> set_;
  std::deque<std::string> order_;
};

}  // namespace lxdrunner::webhook
