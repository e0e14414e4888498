// SPDX-License-Identifier: Apache-2.0
#include "sim/rate_limiter.hpp"

#include <algorithm>

namespace lxdrunner::github_sim {

RateLimiter::RateLimiter(const SimClock& clock, std::int64_t limit, std::int64_t windowSeconds,
                         std::int64_t secondaryPointsPerMinute)
    : clock_(clock),
      limit_(limit),
      windowSeconds_(windowSeconds),
      secondaryPointsPerMinute_(secondaryPointsPerMinute) {}

RateLimiter::Window& RateLimiter::window(const std::string& bucket) {
  const std::int64_t now = clock_.nowSeconds();
  Window& w = windows_[bucket];
  if (w.start == 0 || now >= w.start + windowSeconds_) {
    w.start = now;
    w.used = 0;
  }
  return w;
}

RateStatus RateLimiter::statusOf(const Window& w) const {
  RateStatus status;
  status.limit = limit_;
  status.used = std::min(w.used, limit_);
  status.remaining = std::max<std::int64_t>(0, limit_ - w.used);
  status.reset = w.start + windowSeconds_;
  return status;
}

RateStatus RateLimiter::consume(const std::string& bucket) {
  std::lock_guard<std::mutex> lock(mutex_);
  Window& w = window(bucket);
  if (w.used >= limit_) {
    RateStatus status = statusOf(w);
    status.exceeded = true;
    return status;
  }
  ++w.used;
  return statusOf(w);
}

RateStatus RateLimiter::peek(const std::string& bucket) {
  std::lock_guard<std::mutex> lock(mutex_);
  return statusOf(window(bucket));
}

std::optional<std::int64_t> RateLimiter::consumeSecondary(const std::string& bucket, bool isGet) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (secondaryPointsPerMinute_ <= 0) return std::nullopt;
  const std::int64_t now = clock_.nowSeconds();
  PointsWindow& w = points_[bucket];
  if (w.start == 0 || now >= w.start + 60) {
    w.start = now;
    w.points = 0;
  }
  const std::int64_t cost = isGet ? 1 : 5;
  if (w.points + cost > secondaryPointsPerMinute_) {
    return std::max<std::int64_t>(1, w.start + 60 - now);
  }
  w.points += cost;
  return std::nullopt;
}

void RateLimiter::configure(std::optional<std::int64_t> limit,
                            std::optional<std::int64_t> windowSeconds,
                            std::optional<std::int64_t> secondaryPointsPerMinute) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (limit) limit_ = std::max<std::int64_t>(0, *limit);
  if (windowSeconds) windowSeconds_ = std::max<std::int64_t>(1, *windowSeconds);
  if (secondaryPointsPerMinute) secondaryPointsPerMinute_ = *secondaryPointsPerMinute;
}

void RateLimiter::setRemaining(const std::string& bucket, std::int64_t remaining) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::int64_t used = std::max<std::int64_t>(0, limit_ - remaining);
  if (!bucket.empty()) {
    window(bucket).used = used;
    return;
  }
  for (auto& [name, w] : windows_) window(name).used = used;
}

void RateLimiter::reset() {
  std::lock_guard<std::mutex> lock(mutex_);
  windows_.clear();
  points_.clear();
}

JsonObject RateLimiter::toJson() {
  std::lock_guard<std::mutex> lock(mutex_);
  JsonObject out = newObject();
  out->set("limit", limit_);
  out->set("window_seconds", windowSeconds_);
  out->set("secondary_points_per_minute", secondaryPointsPerMinute_);
  JsonObject buckets = newObject();
  for (auto& [name, w] : windows_) {
    const RateStatus status = statusOf(window(name));
    JsonObject item = newObject();
    item->set("limit", status.limit);
    item->set("used", status.used);
    item->set("remaining", status.remaining);
    item->set("reset", status.reset);
    buckets->set(name, item);
  }
  out->set("buckets", buckets);
  return out;
}

}  // namespace lxdrunner::github_sim
