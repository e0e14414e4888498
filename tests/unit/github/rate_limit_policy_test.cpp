// SPDX-License-Identifier: Apache-2.0
// GitHub's documented rate-limit rules, pinned.
#include <catch2/catch.hpp>

#include "github/rate_limit_policy.hpp"

using lxdrunner::github::isRateLimited;
using lxdrunner::github::RateLimitHeaders;
using lxdrunner::github::RateLimitSettings;
using lxdrunner::github::rateLimitWait;
using std::chrono::milliseconds;

TEST_CASE("which 403/429 answers are rate limits", "[github][rate]") {
  RateLimitHeaders none;
  CHECK(isRateLimited(429, none, ""));
  CHECK_FALSE(isRateLimited(403, none, R"({"message":"Resource not accessible by integration"})"));
  CHECK(isRateLimited(403, none, R"({"message":"You have exceeded a secondary rate limit."})"));
  RateLimitHeaders exhausted;
  exhausted.remaining = 0;
  CHECK(isRateLimited(403, exhausted, ""));
  RateLimitHeaders retry;
  retry.retry_after_s = 3;
  CHECK(isRateLimited(403, retry, ""));
  CHECK_FALSE(isRateLimited(500, retry, ""));
  CHECK_FALSE(isRateLimited(200, exhausted, ""));
}

TEST_CASE("retry-after wins, then the reset time, then a growing secondary backoff",
          "[github][rate]") {
  RateLimitSettings s;
  RateLimitHeaders h;
  h.retry_after_s = 7;
  h.remaining = 0;
  h.reset_unix_s = 1000;
  CHECK(rateLimitWait(h, 900, 1, 0.0, s) == milliseconds(7000));

  RateLimitHeaders reset;
  reset.remaining = 0;
  reset.reset_unix_s = 1030;
  CHECK(rateLimitWait(reset, 1000, 1, 0.0, s) == milliseconds(31000));
  CHECK(rateLimitWait(reset, 2000, 1, 0.0, s) == milliseconds(1000));  // reset already passed

  RateLimitHeaders secondary;
  CHECK(rateLimitWait(secondary, 0, 1, 0.0, s) == milliseconds(60000));
  CHECK(rateLimitWait(secondary, 0, 2, 0.0, s) == milliseconds(120000));
  CHECK(rateLimitWait(secondary, 0, 3, 0.0, s) == milliseconds(240000));
  // Jitter adds at most a quarter, never less than the minimum.
  auto jittered = rateLimitWait(secondary, 0, 1, 0.99, s);
  CHECK(jittered >= milliseconds(60000));
  CHECK(jittered < milliseconds(75000));
  // Capped.
  CHECK(rateLimitWait(secondary, 0, 50, 0.0, s) == s.max_wait);
}
