// SPDX-License-Identifier: Apache-2.0
// Runner groups by name, for JIT runners: generate-jitconfig takes a group id, the
// configuration names the group. An organisation's groups (GET /orgs/{org}/actions/
// runner-groups) are cached for `ttl`, as are a "selected" group's repositories; a name not
// in the cache lists the groups again once before it is reported missing, so a group made
// after the daemon started is found. Whether the job's repository may use the group is
// checked here, where the message can say so, not by a runner that never gets the job:
// visibility "all" lets every repository in, "selected" the repositories listed for the
// group, "private" private repositories only. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "github/github_client.hpp"

namespace lxdrunner::github {

struct RunnerGroup {
  uint64_t id = 0;
  std::string name;
  std::string visibility;  // all | selected | private
  bool is_default = false;
  bool allows_public_repositories = true;
};

class RunnerGroups {
 public:
  using Clock = std::chrono::steady_clock;
  explicit RunnerGroups(GithubClient& client, std::chrono::seconds ttl = std::chrono::minutes(5),
                        std::function<Clock::time_point()> now = {});

  // The id of organisation `org`'s group `name` (case-insensitive) for a runner that serves
  // `repository` ("owner/name"; empty: not checked). Throws GithubError: NotFound when the
  // organisation has no such group, Forbidden when the group does not allow the repository,
  // or what GitHub answered.
  uint64_t resolve(const std::string& org, const std::string& name, const std::string& repository,
                   RequestOptions options = {});

  // The groups of one page of GET /orgs/{org}/actions/runner-groups.
  static std::vector<RunnerGroup> parseGroups(const std::string& runner_groups_json);

 private:
  struct Cached {
    Clock::time_point at;
    std::vector<RunnerGroup> groups;
  };
  struct CachedSet {
    Clock::time_point at;
    std::set<std::string> names;  // lowercased
  };
  std::vector<RunnerGroup> groupsOf(const std::string& org, bool fresh, RequestOptions options);
  bool allows(const std::string& org, const RunnerGroup& group, const std::string& repository,
              RequestOptions options);
  bool isPrivate(const std::string& repository, RequestOptions options);
  Clock::time_point now() const;

  GithubClient& client_;
  std::chrono::seconds ttl_;
  std::function<Clock::time_point()> now_;
  std::mutex mu_;
  std::map<std::string, Cached> groups_;                            // lowercased org -> its groups
  std::map<std::pair<std::string, uint64_t>, CachedSet> selected_;  // (org, group) -> repos
  std::map<std::string, std::pair<Clock::time_point, bool>> private_;  // repository -> private
};

}  // namespace lxdrunner::github
