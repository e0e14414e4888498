// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <utility>

#include "sim/github_objects.hpp"

namespace lxdrunner::github_sim {

// GET /{scope}/actions/runners item: {id, name, os, status, busy, ephemeral, labels[...]}.
JsonObject runnerJson(SimState& state, const Runner& runner);
// The workflow_job object, as in webhook payloads and GET .../runs/{id}/jobs.
JsonObject workflowJobJson(const Job& job, const SiteUrls& urls);
// A workflow run; its status and conclusion follow from its jobs.
JsonObject workflowRunJson(SimState& state, const WorkflowRun& run, const SiteUrls& urls);
// {status, conclusion} of a run (conclusion empty while not completed).
std::pair<std::string, std::string> runStatus(const SimState& state, const WorkflowRun& run);

}  // namespace lxdrunner::github_sim
