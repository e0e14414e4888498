// SPDX-License-Identifier: Apache-2.0
// GitHub REST endpoints for workflow runs and jobs, the polling path for missed webhooks.
#include <algorithm>
#include <mutex>

#include "sim/actions_objects.hpp"
#include "sim/github_errors.hpp"
#include "sim/pagination.hpp"
#include "sim/routes.hpp"

namespace lxdrunner::github_sim {
namespace {

// GitHub returns at most 1000 runs for a filtered query, whatever total_count says.
constexpr std::size_t kMaxListedRuns = 1000;

std::string repoOf(const RouteContext& rc) {
  return rc.param("owner") + "/" + rc.param("repo");
}

// ?status= matches either the status or the conclusion, as on GitHub.
bool statusMatches(const std::string& wanted, const std::pair<std::string, std::string>& run) {
  return wanted.empty() || wanted == run.first || wanted == run.second;
}

SimResponse listRuns(SimContext& ctx, RouteContext& rc) {
  const std::string repo = repoOf(rc);
  const std::string status = rc.request.queryValue("status");
  const PageRequest page = PageRequest::from(rc.request);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  std::vector<const WorkflowRun*> matching;
  for (const auto& [id, run] : ctx.state.runs) {
    if (equalsIgnoreCase(run.repo, repo) && statusMatches(status, runStatus(ctx.state, run))) {
      matching.push_back(&run);
    }
  }
  // Newest first, as GitHub lists them.
  std::sort(matching.begin(), matching.end(), [](const WorkflowRun* a, const WorkflowRun* b) {
    return a->createdAt != b->createdAt ? a->createdAt > b->createdAt : a->id > b->id;
  });
  const std::size_t listed = std::min(matching.size(), kMaxListedRuns);
  JsonArray runs = newArray();
  for (std::size_t i = page.begin(listed); i < page.end(listed); ++i) {
    runs->add(workflowRunJson(ctx.state, *matching[i], ctx.urls()));
  }
  JsonObject body = newObject();
  body->set("total_count", static_cast<std::int64_t>(matching.size()));
  body->set("workflow_runs", runs);
  SimResponse response = jsonResponse(200, body);
  const std::string link = pageLinkHeader(rc.request, page, listed);
  if (!link.empty()) response.addHeader("Link", link);
  return response;
}

const WorkflowRun* runInRepo(SimContext& ctx, RouteContext& rc) {
  auto it = ctx.state.runs.find(rc.intParam("run_id"));
  if (it == ctx.state.runs.end() || !equalsIgnoreCase(it->second.repo, repoOf(rc))) {
    return nullptr;
  }
  return &it->second;
}

SimResponse getRun(SimContext& ctx, RouteContext& rc) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  const WorkflowRun* run = runInRepo(ctx, rc);
  if (run == nullptr) return notFound();
  return jsonResponse(200, workflowRunJson(ctx.state, *run, ctx.urls()));
}

SimResponse listRunJobs(SimContext& ctx, RouteContext& rc) {
  const std::string filter = rc.request.queryValue("filter", "latest");
  if (filter != "latest" && filter != "all") {
    return validationFailed("\"filter\" must be one of: latest, all.");
  }
  const PageRequest page = PageRequest::from(rc.request);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  const WorkflowRun* run = runInRepo(ctx, rc);
  if (run == nullptr) return notFound();
  // The simulator has no re-runs, so "latest" and "all" list the same jobs.
  std::vector<const Job*> jobs;
  for (std::int64_t id : run->jobIds) {
    auto it = ctx.state.jobs.find(id);
    if (it != ctx.state.jobs.end()) jobs.push_back(&it->second);
  }
  JsonArray items = newArray();
  for (std::size_t i = page.begin(jobs.size()); i < page.end(jobs.size()); ++i) {
    items->add(workflowJobJson(*jobs[i], ctx.urls()));
  }
  JsonObject body = newObject();
  body->set("total_count", static_cast<std::int64_t>(jobs.size()));
  body->set("jobs", items);
  SimResponse response = jsonResponse(200, body);
  const std::string link = pageLinkHeader(rc.request, page, jobs.size());
  if (!link.empty()) response.addHeader("Link", link);
  return response;
}

SimResponse getJob(SimContext& ctx, RouteContext& rc) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  auto it = ctx.state.jobs.find(rc.intParam("job_id"));
  if (it == ctx.state.jobs.end() || !equalsIgnoreCase(it->second.repo, repoOf(rc))) {
    return notFound();
  }
  return jsonResponse(200, workflowJobJson(it->second, ctx.urls()));
}

}  // namespace

void addWorkflowRunRoutes(Router& router, SimContext& ctx) {
  const std::string base = "/repos/{owner}/{repo}/actions";
  router.add("GET", base + "/runs", Access::Token,
             [&ctx](RouteContext& rc) { return listRuns(ctx, rc); });
  router.add("GET", base + "/runs/{run_id}", Access::Token,
             [&ctx](RouteContext& rc) { return getRun(ctx, rc); });
  router.add("GET", base + "/runs/{run_id}/jobs", Access::Token,
             [&ctx](RouteContext& rc) { return listRunJobs(ctx, rc); });
  router.add("GET", base + "/jobs/{job_id}", Access::Token,
             [&ctx](RouteContext& rc) { return getJob(ctx, rc); });
}

}  // namespace lxdrunner::github_sim
