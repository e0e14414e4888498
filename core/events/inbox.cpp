// SPDX-License-Identifier: Apache-2.0
#include "events/inbox.hpp"

#include <utility>

namespace lxdrunner::events {

bool Inbox::push(InboxEvent event) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_ || queue_.size() >= capacity_) return false;
    queue_.push_back(std::move(event));
  }
  cv_.notify_one();
  return true;
}

std::optional<InboxEvent> Inbox::pop(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, timeout, [this] { return closed_ || !queue_.empty(); })) {
    return std::nullopt;
  }
  if (queue_.empty()) return std::nullopt;
  InboxEvent out = std::move(queue_.front());
  queue_.pop_front();
  return out;
}

void Inbox::close() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

size_t Inbox::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

}  // namespace lxdrunner::events
