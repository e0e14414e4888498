// SPDX-License-Identifier: Apache-2.0
// The poll event source: the recovery path for missed webhooks. Every `interval` seconds it
// lists each configured repository's queued workflow runs and their queued jobs, and emits
// the jobs it has not emitted before. With `repositories: auto` (or none given) it watches
// the repositories the daemon's discovery finds, read each round from the host key
// `lxdrunner:repositories` (a JSON array the daemon refreshes every ten minutes). It spends at most
// a configured share of the rate limit, and can ask GitHub to redeliver webhook deliveries that
// failed.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "lxdrunner/sdk.hpp"

namespace lxdrunner::poll {

// The host key whose value is the discovered repositories, as a JSON array of "owner/name".
inline constexpr const char* kDiscoveredRepositoriesKey = "lxdrunner:repositories";

struct PollSettings {
  std::vector<std::string> repositories;  // "owner/name"; empty with discover
  bool discover = false;                  // repositories: auto, or none given
  int interval_s = 60;
  double rate_limit_share = 0.5;  // of x-ratelimit-limit this source may spend
  bool redeliver_failed = false;
  std::string hook;  // "app/hook" or "repos/o/r/hooks/ID" or "orgs/o/hooks/ID"
  int request_timeout_s = 30;
};

PollSettings parsePollSettings(const std::string& config_json);

class PollSource : public sdk::EventSource {
 public:
  static constexpr const char* kName = "poll";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "polls GitHub for queued jobs (missed webhooks)";
  static constexpr const char* kConfigSchema = R"({
  "type": "object",
  "properties": {
    "repositories": {"oneOf": [
      {"type": "array", "minItems": 1, "items": {"type": "string", "pattern": "^[^/]+/[^/]+$"}},
      {"const": "auto"}], "default": "auto"},
    "interval": {"type": "integer", "minimum": 5, "default": 60},
    "rate_limit_share": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.5},
    "redeliver_failed": {"type": "boolean", "default": false},
    "hook": {"type": "string"}
  }
})";

  PollSource(sdk::Host host, std::string config_json);
  ~PollSource() override;

  void start() override;
  void stop() override;

  // One polling round; returns the number of events emitted. Public for tests.
  int pollOnce();

 private:
  bool withinBudget(const sdk::GithubResponse& r);
  // GET with pagination; returns every page's body. Stops early when over budget.
  std::vector<std::string> getPages(const std::string& path, int64_t deadline);
  int pollRepository(const std::string& repo, int64_t deadline);
  void redeliverFailed(int64_t deadline);
  bool alreadyEmitted(uint64_t job_id);
  // The repositories of this round: the configured list, or the discovered one.
  std::vector<std::string> repositories();

  PollSettings settings_;
  std::mutex mu_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool over_budget_ = false;
  std::thread worker_;
  std::unordered_set<uint64_t> emitted_;
  std::deque<uint64_t> emitted_order_;
  std::set<uint64_t> redelivered_;
  size_t discovered_count_ = SIZE_MAX;  // logged when it changes
};

}  // namespace lxdrunner::poll
