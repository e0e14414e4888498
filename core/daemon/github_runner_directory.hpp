// SPDX-License-Identifier: Apache-2.0
// The dispatcher's RunnerDirectory over the GitHub client (repository and organisation runners).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "dispatch/runner_directory.hpp"
#include "github/github_client.hpp"

namespace lxdrunner::daemon {

class GithubRunnerDirectory final : public dispatch::RunnerDirectory {
 public:
  explicit GithubRunnerDirectory(github::GithubClient& client) : client_(client) {}

  std::optional<std::vector<dispatch::RunnerState>> runners(const std::string& scope,
                                                            std::string& error) override;
  bool deleteRunner(const std::string& scope, uint64_t runner_id, std::string& error) override;
  std::optional<dispatch::JobStatus> job(const std::string& repository, uint64_t job_id,
                                         std::string& error) override;
  std::optional<std::vector<sdk::JobEvent>> queuedJobs(const std::string& repository,
                                                       std::string& error) override;
  std::vector<std::string> startupRepositories() override {
    return startup_repositories ? startup_repositories() : std::vector<std::string>{};
  }
  // Room while more than half of GitHub's limit is left (the poll source's default share),
  // or while GitHub has not said.
  bool rateLimitRoom() override;

  std::function<std::vector<std::string>()> startup_repositories;

 private:
  github::GithubClient& client_;
};

}  // namespace lxdrunner::daemon
