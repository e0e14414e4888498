// SPDX-License-Identifier: Apache-2.0
// A point on the monotonic clock every lxdr deadline_ms uses. Every wait in the client is
// bounded by one, so a call can never hang past what its caller allowed.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace lxdrunner::lxd {

class Deadline {
 public:
  // Milliseconds on CLOCK_MONOTONIC (std::chrono::steady_clock on Linux), as deadline_ms.
  static int64_t nowMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  static Deadline none() { return Deadline(0); }
  static Deadline at(int64_t absolute_ms) { return Deadline(absolute_ms); }
  static Deadline in(std::chrono::milliseconds d) { return Deadline(nowMs() + d.count()); }

  bool unlimited() const { return at_ms_ == 0; }
  int64_t atMs() const { return at_ms_; }
  bool expired() const { return !unlimited() && nowMs() >= at_ms_; }

  // Time left, capped at `cap` (which is also the answer when there is no deadline).
  std::chrono::milliseconds remaining(std::chrono::milliseconds cap) const {
    if (unlimited()) return cap;
    return std::clamp(std::chrono::milliseconds(at_ms_ - nowMs()), std::chrono::milliseconds(0),
                      cap);
  }

  // The earlier of two deadlines (an unlimited one never wins).
  Deadline earliest(Deadline other) const {
    if (unlimited()) return other;
    if (other.unlimited()) return *this;
    return Deadline(std::min(at_ms_, other.at_ms_));
  }

 private:
  explicit Deadline(int64_t at_ms) : at_ms_(at_ms) {}
  int64_t at_ms_;
};

}  // namespace lxdrunner::lxd
