// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace lxdrunner::github_sim {

// Wall-clock time as the simulator sees it. Tests advance it instead of sleeping, so token
// expiry, rate-limit windows and JWT lifetimes can be checked in milliseconds.
class SimClock {
 public:
  // Seconds since the Unix epoch, shifted by the accumulated advance.
  std::int64_t nowSeconds() const;
  void advance(std::int64_t seconds) { offset_ += seconds; }
  std::int64_t offsetSeconds() const { return offset_.load(); }

 private:
  std::atomic<std::int64_t> offset_{0};
};

// "2021-09-13T02:21:13Z", the timestamp format of GitHub's REST and webhook payloads.
std::string isoTime(std::int64_t epochSeconds);

}  // namespace lxdrunner::github_sim
