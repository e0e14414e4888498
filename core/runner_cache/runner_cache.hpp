// SPDX-License-Identifier: Apache-2.0
// The daemon's cache of GitHub Actions runner packages: asks GitHub's downloads endpoint for
// the latest version of each platform the runnermap uses (at start and then daily), downloads
// what is missing, verifies sha256_checksum, unpacks, and switches atomically — keeping the
// previous version for instances that may still use it. Thread-safe. See docs/runner-cache.md.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runner_cache/platform_dir.hpp"

namespace Poco {
class Logger;
}

namespace lxdrunner::github {
class GithubClient;
struct RunnerDownload;
}  // namespace lxdrunner::github

namespace lxdrunner::runner_cache {

// GitHub's names, as in the downloads endpoint and the runnermap: os linux|win|osx,
// arch x64|arm|arm64.
struct Platform {
  std::string os;
  std::string arch;
};

struct RunnerCacheSettings {
  std::string dir;                  // runner_cache_dir, e.g. /var/lib/lxdrunner/runner-cache
  std::vector<Platform> platforms;  // only these are downloaded (the runnermap's)
  // "repos/OWNER/REPO" or "orgs/ORG"; an empty answer means "not known yet". Asked at every
  // refresh, so the daemon may learn it late (e.g. from the first event).
  std::function<std::string()> scope;
  std::string ca_file;  // extra CA bundle for download URLs (GHES); empty = system CAs
  std::chrono::seconds refresh_interval{std::chrono::hours(24)};
  // After a refresh with problems the background thread tries again this soon.
  std::chrono::seconds retry_interval{std::chrono::minutes(5)};
  // Deadline of one background refresh (the download included).
  std::chrono::seconds refresh_timeout{std::chrono::minutes(30)};
};

class RunnerCache {
 public:
  // Reads what is on disk (a restart needs no network to serve the current version) and
  // removes leftovers of an interrupted download. Throws std::runtime_error when the
  // directory cannot be created.
  RunnerCache(RunnerCacheSettings settings, github::GithubClient& github);
  ~RunnerCache();
  RunnerCache(const RunnerCache&) = delete;
  RunnerCache& operator=(const RunnerCache&) = delete;

  // Background thread: refresh at once, then every refresh_interval (retry_interval after a
  // problem). stop() cancels a download in flight and joins.
  void start();
  void stop();

  // One refresh of every platform. Single-flight: a call while another runs waits for that
  // one and returns its result. Returns one line per problem (empty = all current).
  std::vector<std::string> refresh(std::chrono::steady_clock::time_point deadline);

  // Absolute path of the current package of os/arch, or of its unpacked directory. Paths name
  // the version directory (…/linux-x64/2.311.0/…), not the `current` link, so what an instance
  // mounted stays put when a new version arrives. When nothing is cached yet for the platform,
  // starts (or joins) a refresh and waits until the deadline. nullopt + one error line otherwise.
  std::optional<std::string> path(const std::string& os, const std::string& arch, bool unpacked,
                                  std::chrono::steady_clock::time_point deadline,
                                  std::string& error);

  // Whether os/arch is one of the configured platforms: path() failing for a platform that is
  // not is a configuration problem (LXDR_ERR_INVALID_ARGUMENT), otherwise a transient one.
  bool keeps(const std::string& os, const std::string& arch) const;

  struct PlatformStatus {
    std::string os, arch;
    std::string version;        // empty: nothing cached yet
    std::string tarball;        // absolute path of the current package
    std::string unpacked;       // its unpacked directory (empty for .zip packages)
    std::string previous;       // the version kept for instances started before the switch
    int64_t checked_at_ms = 0;  // last refresh of this platform, ms since the Unix epoch; 0 never
    std::string last_error;     // of that refresh; empty when it went well
  };
  std::vector<PlatformStatus> status() const;  // for doctor and /metrics

 private:
  struct Current {
    std::string version, tarball, unpacked, previous;
  };
  struct PlatformState {
    Platform platform;
    PlatformDir dir;  // immutable: used without the lock
    Current current;
    int64_t checked_at_ms = 0;
    std::string last_error;
  };

  std::vector<std::string> refreshAll(std::chrono::steady_clock::time_point deadline);
  std::string refreshPlatform(size_t index, const std::vector<github::RunnerDownload>& listed,
                              std::chrono::steady_clock::time_point deadline);
  void install(const PlatformDir& dir, const github::RunnerDownload& package,
               const std::string& version, std::chrono::steady_clock::time_point deadline);
  std::vector<std::string> failAll(const std::string& line);
  static Current readCurrent(const PlatformDir& dir);
  void run();

  RunnerCacheSettings settings_;
  github::GithubClient& github_;
  Poco::Logger& log_;

  mutable std::mutex mu_;
  std::condition_variable changed_;
  std::vector<PlatformState> platforms_;  // the set is fixed; fields other than dir under mu_
  bool refreshing_ = false;
  uint64_t refreshes_done_ = 0;
  std::vector<std::string> last_errors_;
  bool refresh_requested_ = false;
  bool thread_running_ = false;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace lxdrunner::runner_cache
