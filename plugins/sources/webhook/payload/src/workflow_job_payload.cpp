// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/webhook/workflow_job_payload.hpp"

#include <utility>

namespace lxdrunner::webhook {

bool operator==(const WorkflowJobPayload& a, const WorkflowJobPayload& b) {
  return a.action == b.action && a.job_id == b.job_id && a.run_id == b.run_id &&
         a.run_attempt == b.run_attempt && a.labels == b.labels && a.status == b.status &&
         a.conclusion == b.conclusion && a.runner_id == b.runner_id &&
         a.runner_name == b.runner_name && a.repository == b.repository &&
         a.organization == b.organization && a.installation_id == b.installation_id &&
         a.workflow_name == b.workflow_name && a.job_name == b.job_name &&
         a.head_branch == b.head_branch;
}

std::string_view actionName(lxdr_job_action action) noexcept {
  return sdk::jobActionName(action);
}

std::optional<lxdr_job_action> actionFromName(std::string_view name) noexcept {
  for (lxdr_job_action action :
       {LXDR_JOB_QUEUED, LXDR_JOB_WAITING, LXDR_JOB_IN_PROGRESS, LXDR_JOB_COMPLETED}) {
    if (name == actionName(action)) return action;
  }
  return std::nullopt;
}

sdk::JobEvent toJobEvent(const WorkflowJobPayload& payload, std::string delivery_id) {
  sdk::JobEvent event;
  event.action = payload.action;
  event.job_id = payload.job_id;
  event.run_id = payload.run_id;
  event.run_attempt = payload.run_attempt;
  event.labels = payload.labels;
  event.repository = payload.repository;
  event.organization = payload.organization;
  event.installation_id = payload.installation_id;
  event.delivery_id = std::move(delivery_id);
  event.runner_id = payload.runner_id;
  event.runner_name = payload.runner_name;
  event.conclusion = payload.conclusion;
  event.workflow_name = payload.workflow_name;
  event.job_name = payload.job_name;
  event.head_branch = payload.head_branch;
  return event;
}

}  // namespace lxdrunner::webhook
