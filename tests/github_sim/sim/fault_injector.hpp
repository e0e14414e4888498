// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sim/json_util.hpp"

namespace lxdrunner::github_sim {

// One armed fault. It hits the next `count` REST requests whose path starts with pathPrefix
// (and whose method matches, when set); control endpoints (/_sim/...) are never affected.
struct Fault {
  enum class Kind {
    ServerError,      // status 5xx with GitHub's error body
    TooManyRequests,  // 429 with retry-after and the secondary-limit message
    SecondaryLimit,   // 403 (or 429) with retry-after and the secondary-limit message
    PrimaryLimit,     // 403 (or 429) with x-ratelimit-remaining 0 and a reset time
    Delay,            // answer normally after delayMs
  };
  Kind kind = Kind::ServerError;
  int status = 0;  // 0: the kind's default
  std::int64_t retryAfterSeconds = 1;
  std::int64_t resetInSeconds = 60;
  std::int64_t delayMs = 0;
  std::int64_t count = 1;  // -1: until cleared
  std::string pathPrefix;
  std::string method;

  // Parses {"kind": "server_error"|"too_many_requests"|"secondary_limit"|"primary_limit"|
  // "delay", "status", "retry_after", "reset_in", "delay_ms", "count", "path_prefix",
  // "method"}; throws BadInput.
  static Fault fromJson(const JsonObject& json);
  JsonObject toJson() const;
  int effectiveStatus() const;
};

class FaultInjector {
 public:
  void add(Fault fault);
  // The first armed fault matching the request, with its count used up by one.
  std::optional<Fault> take(const std::string& method, const std::string& path);
  void clear();
  void setLatencyMs(std::int64_t latencyMs);
  std::int64_t latencyMs() const;
  JsonObject toJson() const;

 private:
  mutable std::mutex mutex_;
  std::vector<Fault> faults_;
  std::int64_t latencyMs_ = 0;
};

}  // namespace lxdrunner::github_sim
