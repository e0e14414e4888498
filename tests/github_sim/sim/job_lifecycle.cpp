// SPDX-License-Identifier: Apache-2.0
#include "sim/job_lifecycle.hpp"

#include <algorithm>

#include "sim/digests.hpp"
#include "sim/random_tokens.hpp"
#include "sim/webhook_dispatch.hpp"

namespace lxdrunner::github_sim {
namespace {

void validate(const JobSpec& spec) {
  const std::size_t slash = spec.repo.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == spec.repo.size() ||
      spec.repo.find('/', slash + 1) != std::string::npos) {
    throw BadInput("repo must be \"owner/name\"");
  }
  if (!spec.org.empty() && !equalsIgnoreCase(spec.org, spec.repo.substr(0, slash))) {
    throw BadInput("an organisation repository is owned by the organisation (org != owner)");
  }
  if (spec.labels.empty()) throw BadInput("a job needs at least one label");
  if (spec.jobId < 0 || spec.runId < 0 || spec.runAttempt < 1) {
    throw BadInput("ids must be positive");
  }
}

WorkflowRun& runFor(SimContext& ctx, const JobSpec& spec, std::int64_t now) {
  if (spec.runId != 0) {
    auto existing = ctx.state.runs.find(spec.runId);
    if (existing != ctx.state.runs.end()) {
      if (!equalsIgnoreCase(existing->second.repo, spec.repo)) {
        throw Conflict("run " + std::to_string(spec.runId) + " belongs to another repository");
      }
      existing->second.updatedAt = now;
      return existing->second;
    }
  }
  WorkflowRun run;
  run.id = spec.runId != 0 ? spec.runId : ctx.state.nextRunId++;
  run.repo = spec.repo;
  run.org = spec.org;
  run.runNumber = ctx.state.nextRunNumber++;
  run.runAttempt = spec.runAttempt;
  run.name = spec.workflowName;
  run.headBranch = spec.headBranch;
  run.headSha = sha256Hex(randomBytes(16)).substr(0, 40);
  run.createdAt = now;
  run.updatedAt = now;
  return ctx.state.runs[run.id] = run;
}

}  // namespace

bool labelsSatisfy(const std::vector<std::string>& jobLabels,
                   const std::vector<std::string>& runnerLabels) {
  return std::all_of(jobLabels.begin(), jobLabels.end(), [&](const std::string& wanted) {
    return std::any_of(runnerLabels.begin(), runnerLabels.end(),
                       [&](const std::string& have) { return equalsIgnoreCase(wanted, have); });
  });
}

bool runnerCoversRepo(const SimState& state, const Runner& runner, const Job& job) {
  if (runner.scope.isOrg()) {
    // An organisation runner serves the organisation's repositories its group allows.
    return !job.org.empty() && equalsIgnoreCase(runner.scope.owner, job.org) &&
           state.groupAllows(job.org, runner.groupId, job.repo);
  }
  return equalsIgnoreCase(runner.scope.owner + "/" + runner.scope.repo, job.repo);
}

Job& createJob(SimContext& ctx, const JobSpec& spec) {
  validate(spec);
  if (spec.jobId != 0 && ctx.state.jobs.count(spec.jobId) > 0) {
    throw Conflict("job " + std::to_string(spec.jobId) + " exists");
  }
  const std::int64_t now = ctx.clock.nowSeconds();
  WorkflowRun& run = runFor(ctx, spec, now);

  Job job;
  job.id = spec.jobId != 0 ? spec.jobId : ctx.state.takeJobId();
  job.runId = run.id;
  job.runAttempt = run.runAttempt;
  job.repo = spec.repo;
  job.org = spec.org;
  job.installationId = spec.installationId >= 0 ? spec.installationId : ctx.options.installationId;
  job.name = spec.name;
  job.workflowName = spec.workflowName;
  job.headBranch = spec.headBranch;
  job.headSha = run.headSha;
  job.labels = spec.labels;
  job.createdAt = now;
  job.sequence = ++ctx.state.jobSequence;
  run.jobIds.push_back(job.id);

  Job& stored = ctx.state.jobs[job.id] = job;
  sendWorkflowJob(ctx, stored, "queued");
  ctx.state.changed.notify_all();
  return stored;
}

Job* assignJob(SimContext& ctx, Runner& runner) {
  Job* best = nullptr;
  for (auto& [id, job] : ctx.state.jobs) {
    if (job.status != "queued" || !runnerCoversRepo(ctx.state, runner, job) ||
        !labelsSatisfy(job.labels, runner.labels)) {
      continue;
    }
    if (best == nullptr || job.sequence < best->sequence) best = &job;
  }
  if (best == nullptr) return nullptr;
  const std::int64_t now = ctx.clock.nowSeconds();
  best->status = "in_progress";
  best->startedAt = now;
  best->runnerId = runner.id;
  best->runnerName = runner.name;
  best->runnerGroupId = runner.groupId;
  best->runnerGroupName = runner.groupName;
  runner.busy = true;
  runner.jobId = best->id;
  auto run = ctx.state.runs.find(best->runId);
  if (run != ctx.state.runs.end()) run->second.updatedAt = now;
  sendWorkflowJob(ctx, *best, "in_progress");
  return best;
}

void completeJob(SimContext& ctx, Job& job, const std::string& conclusion) {
  const std::int64_t now = ctx.clock.nowSeconds();
  job.status = "completed";
  job.conclusion = conclusion;
  job.completedAt = now;
  auto run = ctx.state.runs.find(job.runId);
  if (run != ctx.state.runs.end()) run->second.updatedAt = now;
  sendWorkflowJob(ctx, job, "completed");

  Runner* runner = ctx.state.findRunner(job.runnerId);
  if (runner != nullptr && runner->jobId == job.id) {
    runner->busy = false;
    runner->jobId = 0;
    // An ephemeral runner takes one job and is then unregistered by GitHub.
    if (runner->ephemeral) ctx.state.runners.erase(runner->id);
  }
}

}  // namespace lxdrunner::github_sim
