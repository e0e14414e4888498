// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>

#include "sim/github_objects.hpp"

namespace lxdrunner::github_sim {

struct PayloadOptions {
  SiteUrls urls;
  std::string senderLogin = "octocat";
  std::int64_t installationId = 0;  // 0: no "installation" block (repository/org hooks, PATs)
  std::int64_t appId = 0;
};

// {action, workflow_job, repository, [organization], sender, [installation]}, the shape and
// field order of GitHub's workflow_job deliveries.
std::string workflowJobPayload(SimState& state, const Job& job, const std::string& action,
                               const PayloadOptions& options);
// {zen, hook_id, hook, [repository | organization], sender}.
std::string pingPayload(SimState& state, const Hook& hook, const PayloadOptions& options);

}  // namespace lxdrunner::github_sim
