// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace Poco::Net {
class HTTPServer;
}

namespace lxdrunner::github_sim::testing {

struct ReceivedWebhook {
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;                            // the raw bytes, as signed

  std::string header(const std::string& lowerCaseName) const;
};

// A tiny webhook endpoint on 127.0.0.1 that records every delivery and answers with a chosen
// status, standing in for the daemon's webhook route.
class WebhookReceiver {
 public:
  WebhookReceiver();
  ~WebhookReceiver();
  WebhookReceiver(const WebhookReceiver&) = delete;
  WebhookReceiver& operator=(const WebhookReceiver&) = delete;

  std::string url() const;
  void answerWith(int status) { status_ = status; }
  // Waits until at least `count` deliveries arrived; returns what arrived by then.
  std::vector<ReceivedWebhook> waitFor(
      std::size_t count, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::vector<ReceivedWebhook> received() const;

  void record(ReceivedWebhook webhook);
  int status() const { return status_; }

 private:
  std::unique_ptr<Poco::Net::HTTPServer> server_;
  std::uint16_t port_ = 0;
  std::atomic<int> status_{200};
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<ReceivedWebhook> received_;
};

}  // namespace lxdrunner::github_sim::testing
