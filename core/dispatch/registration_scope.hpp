// SPDX-License-Identifier: Apache-2.0
// Where a job's runner registers on GitHub: "orgs/ORG" or "repos/OWNER/REPO", the scope of
// GitHub's runner endpoints. The executor registers there, the credential prefetch predicts
// it, and the reconciler and dispatcher list and delete runners there.
#pragma once

#include <string>

#include "config/model.hpp"
#include "jobs/job_store.hpp"

namespace lxdrunner::dispatch {

// auto: the organisation when the job has one, else the repository (the original's rule).
// org for a job without an organisation (a user's repository) registers in the repository:
// a user account has no organisation runners.
std::string registrationScope(config::RunnerScope mode, const std::string& repository,
                              const std::string& organization);

// The scope of the job's runner under the job's runnermap entry (the top-level runner_scope
// when the entry is no longer configured); empty when the job has no repository.
std::string registrationScope(const config::Config& config, const jobs::JobRecord& job);
std::string registrationScope(const config::Config& config, const jobs::JobPlace& place);

// "orgs/ORG" -> "ORG"; empty for a repository scope.
std::string organizationOf(const std::string& scope);

}  // namespace lxdrunner::dispatch
