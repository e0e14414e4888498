// SPDX-License-Identifier: Apache-2.0
#include "github/rate_limit_policy.hpp"

#include <algorithm>

namespace lxdrunner::github {

bool isRateLimited(int http_status, const RateLimitHeaders& headers, const std::string& body) {
  if (http_status == 429) return true;
  if (http_status != 403) return false;
  if (headers.retry_after_s) return true;
  if (headers.remaining && *headers.remaining == 0) return true;
  // Secondary limits come as 403 with this wording and no other marker.
  return body.find("secondary rate limit") != std::string::npos ||
         body.find("abuse detection") != std::string::npos;
}

std::chrono::milliseconds rateLimitWait(const RateLimitHeaders& headers, int64_t now_unix_s,
                                        int consecutive, double jitter01,
                                        const RateLimitSettings& settings) {
  using std::chrono::milliseconds;
  milliseconds wait{0};
  if (headers.retry_after_s) {
    wait = milliseconds(std::max<int64_t>(*headers.retry_after_s, 0) * 1000);
  } else if (headers.remaining && *headers.remaining == 0 && headers.reset_unix_s) {
    // One second more: reset is when the window opens, and clocks differ.
    wait = milliseconds((std::max<int64_t>(*headers.reset_unix_s - now_unix_s, 0) + 1) * 1000);
  } else {
    int shift = std::clamp(consecutive - 1, 0, 6);
    wait = settings.secondary_min_wait * (int64_t{1} << shift);
    wait += milliseconds(static_cast<int64_t>(static_cast<double>(wait.count()) * 0.25 * jitter01));
  }
  return std::min(wait, settings.max_wait);
}

}  // namespace lxdrunner::github
