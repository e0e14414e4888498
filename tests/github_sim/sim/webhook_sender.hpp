// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "sim/sim_state.hpp"

namespace lxdrunner::github_sim {

struct OutgoingDelivery {
  std::int64_t deliveryId = 0;
  std::string url;
  bool insecure = false;  // skip certificate checks for https URLs
  std::string caFile;
  HeaderList headers;
  std::string body;
};

struct DeliveryOutcome {
  int statusCode = 0;  // 0 when no HTTP answer came back
  double durationSeconds = 0;
  std::string error;  // why there was no answer
  HeaderList responseHeaders;
  std::string responseBody;
};

// Posts deliveries one at a time from a single thread, so a receiver sees them in the order the
// simulator produced them (GitHub gives no such promise; tests of reordering use redelivery).
// Like GitHub, it never retries by itself.
class WebhookSender {
 public:
  using ResultCallback = std::function<void(std::int64_t deliveryId, const DeliveryOutcome&)>;

  WebhookSender(ResultCallback onResult, std::chrono::milliseconds timeout);
  ~WebhookSender();
  WebhookSender(const WebhookSender&) = delete;
  WebhookSender& operator=(const WebhookSender&) = delete;

  void start();
  // Deliveries still queued at stop() are dropped (they stay "pending" in the state).
  void stop();
  void enqueue(OutgoingDelivery delivery);
  // True once everything queued so far has been attempted.
  bool waitIdle(std::chrono::milliseconds timeout);
  std::size_t queued() const;

 private:
  void run();
  DeliveryOutcome post(const OutgoingDelivery& delivery) const;

  ResultCallback onResult_;
  std::chrono::milliseconds timeout_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<OutgoingDelivery> queue_;
  bool busy_ = false;
  bool stopping_ = false;
  std::thread worker_;
};

}  // namespace lxdrunner::github_sim
