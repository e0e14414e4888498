// SPDX-License-Identifier: Apache-2.0
// The fields lxdrunner takes from a `workflow_job` delivery, and the hand-over to the core.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::webhook {

// GitHub sends null for fields that have no value yet (runner_* while queued, conclusion
// until completed); those read as 0 / "" here. Only `labels: null` is an error: a job
// without labels cannot be matched to any runner.
struct WorkflowJobPayload {
  lxdr_job_action action = LXDR_JOB_QUEUED;  // from `action`, never from workflow_job.status
  std::uint64_t job_id = 0;                  // workflow_job.id
  std::uint64_t run_id = 0;                  // workflow_job.run_id
  std::uint32_t run_attempt = 0;             // 0 when absent (older GHES) or null
  std::vector<std::string> labels;           // may be empty
  std::string status;                        // workflow_job.status; informational only
  std::string conclusion;                    // "" until completed
  std::uint64_t runner_id = 0;               // 0 while no runner has the job
  std::string runner_name;                   // "" while no runner has the job
  std::string repository;                    // repository.full_name, "owner/name"
  std::string organization;                  // organization.login; "" for user repositories
  std::uint64_t installation_id = 0;         // installation.id; 0 without a GitHub App
  std::string workflow_name;                 // workflow_job.workflow_name; "" if absent/null
  std::string job_name;                      // workflow_job.name
  std::string head_branch;                   // workflow_job.head_branch
};

bool operator==(const WorkflowJobPayload& a, const WorkflowJobPayload& b);
inline bool operator!=(const WorkflowJobPayload& a, const WorkflowJobPayload& b) {
  return !(a == b);
}

// A `ping` delivery, sent when a hook is created.
struct PingPayload {
  std::string zen;  // "" when absent
  std::uint64_t hook_id = 0;
};

// The wire names of the actions: "queued", "waiting", "in_progress", "completed".
std::string_view actionName(lxdr_job_action action) noexcept;  // "" for other values
std::optional<lxdr_job_action> actionFromName(std::string_view name) noexcept;

// What the plugin emits to the core; `delivery_id` is the X-GitHub-Delivery header.
sdk::JobEvent toJobEvent(const WorkflowJobPayload& payload, std::string delivery_id);

}  // namespace lxdrunner::webhook
