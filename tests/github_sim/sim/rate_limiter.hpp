// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "sim/json_util.hpp"
#include "sim/sim_clock.hpp"

namespace lxdrunner::github_sim {

// What the x-ratelimit-* headers say after a request.
struct RateStatus {
  std::int64_t limit = 0;
  std::int64_t remaining = 0;
  std::int64_t used = 0;
  std::int64_t reset = 0;  // epoch seconds when the window ends
  std::string resource = "core";
  bool exceeded = false;  // this request was refused
};

// GitHub's primary rate limit: a fixed budget of requests per credential and window (5000 per
// hour by default) starting with the first request. Optionally also the secondary "points per
// minute" limit (GET 1 point, other methods 5), off unless configured.
class RateLimiter {
 public:
  RateLimiter(const SimClock& clock, std::int64_t limit, std::int64_t windowSeconds,
              std::int64_t secondaryPointsPerMinute);

  // Counts one request against the bucket (a hash of the credential) unless it is exhausted.
  RateStatus consume(const std::string& bucket);
  RateStatus peek(const std::string& bucket);
  // Seconds to wait when the secondary limit refuses the request, or nullopt when allowed.
  std::optional<std::int64_t> consumeSecondary(const std::string& bucket, bool isGet);

  void configure(std::optional<std::int64_t> limit, std::optional<std::int64_t> windowSeconds,
                 std::optional<std::int64_t> secondaryPointsPerMinute);
  // Sets what is left in one bucket, or in every bucket seen so far when bucket is empty.
  void setRemaining(const std::string& bucket, std::int64_t remaining);
  void reset();
  JsonObject toJson();

 private:
  struct Window {
    std::int64_t start = 0;
    std::int64_t used = 0;
  };
  struct PointsWindow {
    std::int64_t start = 0;
    std::int64_t points = 0;
  };
  Window& window(const std::string& bucket);
  RateStatus statusOf(const Window& window) const;

  const SimClock& clock_;
  std::mutex mutex_;
  std::int64_t limit_;
  std::int64_t windowSeconds_;
  std::int64_t secondaryPointsPerMinute_;
  std::map<std::string, Window> windows_;
  std::map<std::string, PointsWindow> points_;
};

}  // namespace lxdrunner::github_sim
