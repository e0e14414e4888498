// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/sim_context.hpp"

namespace lxdrunner::github_sim {

// What POST /_sim/jobs asks for. Zero ids mean "pick one".
struct JobSpec {
  std::string repo;  // "owner/name"
  std::string org;   // set: the repository belongs to this organisation
  std::vector<std::string> labels;
  std::string name = "build";
  std::string workflowName = "CI";
  std::string headBranch = "main";
  std::int64_t jobId = 0;
  std::int64_t runId = 0;
  std::int64_t runAttempt = 1;
  std::int64_t installationId = -1;  // -1: the simulator's configured installation
};

// Every function expects ctx.state.mutex to be held and sends the matching webhook.

// Creates a queued job (and its run unless spec.runId names an existing one); sends `queued`.
// Throws BadInput or Conflict (job id taken).
Job& createJob(SimContext& ctx, const JobSpec& spec);
// Gives the runner the oldest queued job it can run (job labels ⊆ runner labels, ignoring case,
// and the job's repository inside the runner's scope); sends `in_progress`. nullptr if none.
Job* assignJob(SimContext& ctx, Runner& runner);
// Finishes a job; the runner becomes idle, an ephemeral one is unregistered. Sends `completed`.
void completeJob(SimContext& ctx, Job& job, const std::string& conclusion);

bool labelsSatisfy(const std::vector<std::string>& jobLabels,
                   const std::vector<std::string>& runnerLabels);
bool runnerCoversRepo(const SimState& state, const Runner& runner, const Job& job);

}  // namespace lxdrunner::github_sim
