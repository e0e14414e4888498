// SPDX-License-Identifier: Apache-2.0
#include "sim/actions_objects.hpp"

#include <set>

#include "sim/sim_clock.hpp"

namespace lxdrunner::github_sim {
namespace {

// Labels the runner application adds by itself; GitHub reports them as "read-only".
bool isDefaultLabel(const std::string& label) {
  static const std::set<std::string> kDefaults = {"self-hosted", "linux", "windows", "macos",
                                                  "x64",         "x86",   "arm",     "arm64"};
  return kDefaults.count(toLower(label)) > 0;
}

Poco::Dynamic::Var timeOrNull(std::int64_t epochSeconds) {
  if (epochSeconds == 0) return Poco::Dynamic::Var();
  return isoTime(epochSeconds);
}

JsonObject step(const std::string& name, std::int64_t number, const std::string& status,
                const std::string& conclusion, std::int64_t startedAt, std::int64_t completedAt) {
  JsonObject out = newObject();
  out->set("name", name);
  out->set("status", status);
  out->set("conclusion", stringOrNull(conclusion));
  out->set("number", number);
  out->set("started_at", timeOrNull(startedAt));
  out->set("completed_at", timeOrNull(completedAt));
  return out;
}

// Steps as GitHub reports them: none while queued, "Set up job" running once a runner took
// the job, and a finished set at the end (none when the job never reached a runner).
JsonArray stepsJson(const Job& job) {
  JsonArray steps = newArray();
  if (job.status == "in_progress") {
    steps->add(step("Set up job", 1, "in_progress", "", job.startedAt, 0));
  } else if (job.status == "completed" && job.runnerId != 0) {
    steps->add(step("Set up job", 1, "completed", "success", job.startedAt, job.startedAt));
    steps->add(
        step("Complete job", 2, "completed", job.conclusion, job.completedAt, job.completedAt));
  }
  return steps;
}

}  // namespace

JsonObject runnerJson(SimState& state, const Runner& runner) {
  JsonObject out = newObject();
  out->set("id", runner.id);
  out->set("name", runner.name);
  out->set("os", runner.os);
  out->set("status", runner.status);
  out->set("busy", runner.busy);
  out->set("ephemeral", runner.ephemeral);
  out->set("runner_group_id", runner.groupId);
  JsonArray labels = newArray();
  for (const auto& label : runner.labels) {
    JsonObject item = newObject();
    item->set("id", state.labelId(label));
    item->set("name", label);
    item->set("type", isDefaultLabel(label) ? "read-only" : "custom");
    labels->add(item);
  }
  out->set("labels", labels);
  return out;
}

JsonObject workflowJobJson(const Job& job, const SiteUrls& urls) {
  const std::string repoApi = urls.api + "/repos/" + job.repo;
  JsonObject out = newObject();
  out->set("id", job.id);
  out->set("run_id", job.runId);
  out->set("run_url", repoApi + "/actions/runs/" + std::to_string(job.runId));
  out->set("run_attempt", job.runAttempt);
  out->set("node_id", nodeId("WorkflowJob", job.id));
  out->set("head_sha", job.headSha);
  out->set("head_branch", job.headBranch);
  out->set("url", repoApi + "/actions/jobs/" + std::to_string(job.id));
  out->set("html_url", urls.html + "/" + job.repo + "/actions/runs/" + std::to_string(job.runId) +
                           "/job/" + std::to_string(job.id));
  out->set("status", job.status);
  out->set("conclusion", stringOrNull(job.conclusion));
  // GitHub fills started_at with the creation time while the job waits.
  out->set("started_at", isoTime(job.startedAt != 0 ? job.startedAt : job.createdAt));
  out->set("created_at", isoTime(job.createdAt));
  out->set("completed_at", timeOrNull(job.completedAt));
  out->set("name", job.name);
  out->set("steps", stepsJson(job));
  out->set("check_run_url", repoApi + "/check-runs/" + std::to_string(job.id));
  out->set("labels", stringArray(job.labels));
  out->set("runner_id", intOrNull(job.runnerId));
  out->set("runner_name", stringOrNull(job.runnerName));
  out->set("runner_group_id", intOrNull(job.runnerGroupId));
  out->set("runner_group_name", stringOrNull(job.runnerGroupName));
  out->set("workflow_name", job.workflowName);
  return out;
}

std::pair<std::string, std::string> runStatus(const SimState& state, const WorkflowRun& run) {
  bool anyQueued = false, anyRunning = false, anyFailed = false, anyCancelled = false;
  for (std::int64_t jobId : run.jobIds) {
    auto it = state.jobs.find(jobId);
    if (it == state.jobs.end()) continue;
    const Job& job = it->second;
    if (job.status == "queued") anyQueued = true;
    if (job.status == "in_progress") anyRunning = true;
    if (job.conclusion == "failure" || job.conclusion == "timed_out") anyFailed = true;
    if (job.conclusion == "cancelled") anyCancelled = true;
  }
  if (anyRunning) return {"in_progress", ""};
  if (anyQueued) return {"queued", ""};
  if (anyFailed) return {"completed", "failure"};
  if (anyCancelled) return {"completed", "cancelled"};
  return {"completed", "success"};
}

JsonObject workflowRunJson(SimState& state, const WorkflowRun& run, const SiteUrls& urls) {
  const auto [status, conclusion] = runStatus(state, run);
  const bool orgOwned = !run.org.empty();
  const std::string owner = run.repo.substr(0, run.repo.find('/'));
  const std::string runApi =
      urls.api + "/repos/" + run.repo + "/actions/runs/" + std::to_string(run.id);
  const std::int64_t workflowId = 1000 + state.repositoryId(run.repo) % 1000;

  JsonObject out = newObject();
  out->set("id", run.id);
  out->set("name", run.name);
  out->set("node_id", nodeId("WorkflowRun", run.id));
  out->set("head_branch", run.headBranch);
  out->set("head_sha", run.headSha);
  out->set("path", ".github/workflows/ci.yml");
  out->set("display_title", run.name);
  out->set("run_number", run.runNumber);
  out->set("event", "push");
  out->set("status", status);
  out->set("conclusion", stringOrNull(conclusion));
  out->set("workflow_id", workflowId);
  out->set("check_suite_id", run.id + 1);
  out->set("check_suite_node_id", nodeId("CheckSuite", run.id + 1));
  out->set("url", runApi);
  out->set("html_url", urls.html + "/" + run.repo + "/actions/runs/" + std::to_string(run.id));
  out->set("pull_requests", newArray());
  out->set("created_at", isoTime(run.createdAt));
  out->set("updated_at", isoTime(run.updatedAt));
  out->set("actor", accountJson(state, owner, orgOwned ? "Organization" : "User", urls));
  out->set("run_attempt", run.runAttempt);
  out->set("run_started_at", isoTime(run.createdAt));
  out->set("jobs_url", runApi + "/jobs");
  out->set("logs_url", runApi + "/logs");
  out->set("check_suite_url",
           urls.api + "/repos/" + run.repo + "/check-suites/" + std::to_string(run.id + 1));
  out->set("artifacts_url", runApi + "/artifacts");
  out->set("cancel_url", runApi + "/cancel");
  out->set("rerun_url", runApi + "/rerun");
  out->set("workflow_url",
           urls.api + "/repos/" + run.repo + "/actions/workflows/" + std::to_string(workflowId));
  out->set("repository", minimalRepositoryJson(state, run.repo, orgOwned, urls));
  out->set("head_repository", minimalRepositoryJson(state, run.repo, orgOwned, urls));
  return out;
}

}  // namespace lxdrunner::github_sim
