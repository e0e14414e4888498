// SPDX-License-Identifier: Apache-2.0
// GitHub's documented rate-limit rules, as a pure function of one answer:
//  - `retry-after` present → wait that long;
//  - x-ratelimit-remaining 0 → wait until x-ratelimit-reset;
//  - otherwise a secondary limit → wait at least a minute, doubling per consecutive hit,
//    with jitter so several daemons do not come back in step.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace lxdrunner::github {

struct RateLimitHeaders {
  std::optional<int64_t> retry_after_s;
  std::optional<int64_t> remaining;
  std::optional<int64_t> reset_unix_s;
  std::optional<int64_t> limit;
};

struct RateLimitSettings {
  std::chrono::milliseconds secondary_min_wait{60000};  // GitHub: "at least one minute"
  std::chrono::milliseconds max_wait{std::chrono::minutes(60)};
};

// True when a 403/429 answer is a rate limit (not a permission problem).
bool isRateLimited(int http_status, const RateLimitHeaders& headers, const std::string& body);

// How long to wait before the next request after a rate-limited answer.
// `consecutive` counts rate-limited answers in a row (1 for the first); `jitter01` in [0,1).
std::chrono::milliseconds rateLimitWait(const RateLimitHeaders& headers, int64_t now_unix_s,
                                        int consecutive, double jitter01,
                                        const RateLimitSettings& settings);

}  // namespace lxdrunner::github
