// SPDX-License-Identifier: Apache-2.0
#include "events/inbox.hpp"

#include <utility>

namespace lxdrunner::events {

namespace detail {
struct Receipt {
  std::mutex mu;
  std::condition_variable cv;
  bool settled = false;
  bool recorded = false;
  std::string error;
};
}  // namespace detail

InboxItem::InboxItem(InboxEvent from, std::shared_ptr<detail::Receipt> receipt)
    : InboxEvent(std::move(from)), receipt_(std::move(receipt)) {}

void InboxItem::settle(bool recorded, const std::string& error) const {
  if (!receipt_) return;
  {
    std::lock_guard<std::mutex> lock(receipt_->mu);
    if (receipt_->settled) return;
    receipt_->settled = true;
    receipt_->recorded = recorded;
    receipt_->error = error;
  }
  receipt_->cv.notify_all();
}

bool Inbox::enqueue(InboxEvent event, std::shared_ptr<detail::Receipt> receipt) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_ || queue_.size() >= capacity_) return false;
    queue_.emplace_back(std::move(event), std::move(receipt));
  }
  cv_.notify_one();
  return true;
}

bool Inbox::push(InboxEvent event) {
  return enqueue(std::move(event), nullptr);
}

DeliveryResult Inbox::deliver(InboxEvent event, std::chrono::milliseconds timeout) {
  auto receipt = std::make_shared<detail::Receipt>();
  if (!enqueue(std::move(event), receipt)) {
    return {DeliveryOutcome::kRefused, "the job inbox is full or closed"};
  }
  std::unique_lock<std::mutex> lock(receipt->mu);
  if (!receipt->cv.wait_for(lock, timeout, [&] { return receipt->settled; })) {
    return {DeliveryOutcome::kTimedOut, "the job store did not record the event within " +
                                            std::to_string(timeout.count()) + " ms"};
  }
  if (receipt->recorded) return {DeliveryOutcome::kRecorded, std::string()};
  return {DeliveryOutcome::kFailed, receipt->error};
}

std::optional<InboxItem> Inbox::pop(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mu_);
  if (!cv_.wait_for(lock, timeout, [this] { return closed_ || !queue_.empty(); })) {
    return std::nullopt;
  }
  if (queue_.empty()) return std::nullopt;
  InboxItem out = std::move(queue_.front());
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
