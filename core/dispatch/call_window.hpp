// SPDX-License-Identifier: Apache-2.0
// The GitHub calls the reconciler made in the last minute (on the dispatcher's clock), so it
// can keep to dispatcher.reconcile_github_calls_per_minute however often it runs: GitHub's
// rate limit is shared with launches (generate-jitconfig) and the poll source.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>

namespace lxdrunner::dispatch {

class CallWindow {
 public:
  void record(int64_t now_ms) { calls_.push_back(now_ms); }
  // Calls in (now - 60 s, now]; forgets older ones, so it holds at most a minute's calls.
  size_t inLastMinute(int64_t now_ms) {
    while (!calls_.empty() && calls_.front() <= now_ms - kMinuteMs) calls_.pop_front();
    return calls_.size();
  }

 private:
  static constexpr int64_t kMinuteMs = 60000;
  std::deque<int64_t> calls_;
};

}  // namespace lxdrunner::dispatch
