// SPDX-License-Identifier: Apache-2.0
// The webhook event source: an HTTP route on the daemon's server that checks GitHub's
// signature before anything else, parses workflow_job deliveries and queues them. It
// answers in microseconds: no GitHub or LXD call happens inside the request.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "delivery_dedup.hpp"
#include "lxdrunner/sdk.hpp"

namespace lxdrunner::webhook {

class WebhookSource : public sdk::EventSource {
 public:
  static constexpr const char* kName = "webhook";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "GitHub workflow_job webhooks on an HTTP route";
  static constexpr const char* kConfigSchema = R"({
  "type": "object",
  "properties": {
    "path": {"type": "string", "default": "/hooks/lxdrunner"},
    "max_body": {"type": "integer", "minimum": 1024, "default": 1048576},
    "dedup_capacity": {"type": "integer", "minimum": 0, "default": 65536},
    "hooksecret": {"type": "string"}
  }
})";

  WebhookSource(sdk::Host host, std::string config_json);

  void start() override;
  void stop() override;

  struct Counters {
    std::atomic<uint64_t> accepted{0};
    std::atomic<uint64_t> unwanted{0};
    std::atomic<uint64_t> duplicate{0};
    std::atomic<uint64_t> bad_signature{0};
    std::atomic<uint64_t> bad_request{0};
    std::atomic<uint64_t> ping{0};
    std::atomic<uint64_t> ignored{0};
    std::atomic<uint64_t> overloaded{0};
  };
  const Counters& counters() const noexcept { return counters_; }

 private:
  static lxdr_status handle(void* ctx, const lxdr_http_request* request,
                            const lxdr_http_response* response);
  void answer(const sdk::HttpRequest& request, const sdk::HttpResponse& response);
  void tally(std::atomic<uint64_t>& local, std::string_view event);

  std::string path_;
  std::string secret_;
  uint64_t max_body_;
  DeliveryDedup dedup_;
  Counters counters_;
  std::atomic<bool> stopped_{false};
};

}  // namespace lxdrunner::webhook
