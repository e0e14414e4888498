// SPDX-License-Identifier: Apache-2.0
// What the dispatcher and reconciler ask GitHub: runners registered in a repository or an
// organisation, a job's status, queued jobs. The daemon implements it over the GitHub client.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::dispatch {

struct RunnerState {
  uint64_t id = 0;
  std::string name;
  bool online = false;
  bool busy = false;
};

struct JobStatus {
  std::string status;      // queued | in_progress | completed | waiting
  std::string conclusion;  // when completed
  std::string runner_name;
};

class RunnerDirectory {
 public:
  virtual ~RunnerDirectory() = default;
  // The runners registered in `scope`: "repos/OWNER/REPO" or "orgs/ORG" (where a job's
  // runner registers: registration_scope.hpp). nullopt (and `error`) when GitHub could not
  // be asked.
  virtual std::optional<std::vector<RunnerState>> runners(const std::string& scope,
                                                          std::string& error) = 0;
  virtual bool deleteRunner(const std::string& scope, uint64_t runner_id, std::string& error) = 0;
  // repository: "owner/name".
  virtual std::optional<JobStatus> job(const std::string& repository, uint64_t job_id,
                                       std::string& error) = 0;
  // Jobs GitHub has queued in the repository (as queued events), for the start-up poll.
  virtual std::optional<std::vector<sdk::JobEvent>> queuedJobs(const std::string& repository,
                                                               std::string& error) = 0;
  // Repositories the start-up scan looks at besides those in the job store: the poll
  // source's list, or the repositories discovery finds. None unless overridden.
  virtual std::vector<std::string> startupRepositories() { return {}; }
  // False when GitHub's rate limit has too little left for calls that can wait (the start-up
  // scan of repositories the store does not know; the poll source covers them later).
  virtual bool rateLimitRoom() { return true; }
};

}  // namespace lxdrunner::dispatch
