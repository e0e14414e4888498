// SPDX-License-Identifier: Apache-2.0
// Repository discovery: which repositories the credentials reach, for `poll.repositories:
// auto` and the start-up scan. With a GitHub App, the installation's repositories
// (GET /installation/repositories); with a PAT, the user's own, collaborator and
// organisation-member repositories (GET /user/repos). Every page is read (100 a page);
// archived and disabled repositories are left out (no job runs there). The list is cached
// for `refresh_interval`, so asking for it every poll round costs no rate limit; a failed
// refresh keeps the last good list, logs one line, and is tried again after `retry_interval`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "github/github_client.hpp"

namespace lxdrunner::github {

struct DiscoverySettings {
  std::chrono::seconds refresh_interval{600};
  std::chrono::seconds retry_interval{60};                     // after a failed refresh
  std::chrono::seconds request_deadline{60};                   // for one whole listing, every page
  std::function<std::chrono::steady_clock::time_point()> now;  // tests; steady_clock when empty
  // One line per event worth telling (a failure, the recovery after one); Poco's "github"
  // logger when empty.
  std::function<void(bool warning, const std::string& line)> log;
};

class RepositoryDiscovery {
 public:
  RepositoryDiscovery(GithubClient& client, DiscoverySettings settings = {});

  // "owner/name", sorted. Lists again once the cached list is older than refresh_interval;
  // on failure returns the last good list (empty before the first success).
  std::vector<std::string> repositories();
  // The cached list without asking GitHub (nullopt before the first success).
  std::optional<std::vector<std::string>> cached() const;
  // Why the last refresh failed; empty after a success.
  std::string lastError() const;
  // Listings made (successful or not), for tests and metrics.
  uint64_t refreshes() const;

  // The path of the first page for these credentials.
  static std::string firstPage(bool app);
  // The repositories of one page's body: the `repositories` array of an App listing, the
  // top-level array of /user/repos; archived and disabled ones left out.
  static std::vector<std::string> parsePage(const std::string& body, bool app);

 private:
  std::vector<std::string> list();
  std::chrono::steady_clock::time_point now() const;
  void log(bool warning, const std::string& line) const;

  GithubClient& client_;
  DiscoverySettings settings_;
  mutable std::mutex mu_;  // guards the cache
  std::mutex refresh_mu_;  // one listing at a time
  std::optional<std::vector<std::string>> cache_;
  std::chrono::steady_clock::time_point next_refresh_{};
  std::string last_error_;
  uint64_t refreshes_ = 0;
  bool failing_ = false;
};

}  // namespace lxdrunner::github
