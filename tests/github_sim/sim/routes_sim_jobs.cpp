// SPDX-License-Identifier: Apache-2.0
// Control endpoints that play GitHub's side of a workflow: queue and cancel jobs, ping hooks,
// wait for webhook deliveries.
#include <chrono>
#include <mutex>

#include "sim/actions_objects.hpp"
#include "sim/github_errors.hpp"
#include "sim/job_lifecycle.hpp"
#include "sim/routes.hpp"
#include "sim/webhook_dispatch.hpp"

namespace lxdrunner::github_sim {
namespace {

JobSpec parseJobSpec(const std::string& text) {
  JsonObject body = parseObject(text);
  JobSpec spec;
  spec.repo = optString(body, "repo").value_or("");
  spec.labels = optStringList(body, "labels").value_or(std::vector<std::string>{});
  // "org": "name", or true for "the repository's owner is an organisation".
  if (body->has("org") && body->get("org").isBoolean()) {
    if (body->getValue<bool>("org")) spec.org = spec.repo.substr(0, spec.repo.find('/'));
  } else {
    spec.org = optString(body, "org").value_or("");
  }
  spec.name = optString(body, "name").value_or(spec.name);
  spec.workflowName = optString(body, "workflow_name").value_or(spec.workflowName);
  spec.headBranch = optString(body, "head_branch").value_or(spec.headBranch);
  spec.jobId = optInt(body, "job_id").value_or(0);
  spec.runId = optInt(body, "run_id").value_or(0);
  spec.runAttempt = optInt(body, "run_attempt").value_or(1);
  spec.installationId = optInt(body, "installation_id").value_or(-1);
  return spec;
}

// "count": N queues N jobs of the same spec in one request, each in a run of its own, their
// webhooks sent back to back: a burst as GitHub sends one, without a client spending a
// process per job on the machine whose job starts a benchmark times.
constexpr std::int64_t kMaxJobsPerRequest = 100;

SimResponse createJobRoute(SimContext& ctx, RouteContext& rc) {
  const JobSpec spec = parseJobSpec(rc.request.body);
  const std::int64_t count = optInt(parseObject(rc.request.body), "count").value_or(1);
  if (count < 1 || count > kMaxJobsPerRequest) {
    throw BadInput("count must be 1.." + std::to_string(kMaxJobsPerRequest));
  }
  if (count > 1 && (spec.jobId != 0 || spec.runId != 0)) {
    throw BadInput("count > 1 takes neither job_id nor run_id");
  }
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  JsonArray ids = newArray();
  JsonObject out = newObject();
  for (std::int64_t i = 0; i < count; ++i) {
    const Job& job = createJob(ctx, spec);
    ids->add(job.id);
    if (i == 0) {
      out->set("job_id", job.id);
      out->set("run_id", job.runId);
    }
  }
  out->set("job_ids", ids);
  ctx.persist();
  return jsonResponse(201, out);
}

SimResponse getJobRoute(SimContext& ctx, RouteContext& rc) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  auto it = ctx.state.jobs.find(rc.intParam("job_id"));
  if (it == ctx.state.jobs.end()) return notFound();
  JsonObject out = workflowJobJson(it->second, ctx.urls());
  out->set("repository", it->second.repo);
  const RunnerTiming& t = it->second.runnerTiming;
  if (t.job_acquired_ms != 0) {
    JsonObject timing = newObject();
    timing->set("runner_process_started_ms", t.process_started_ms);
    timing->set("runner_session_opened_ms", t.session_opened_ms);
    timing->set("job_acquired_ms", t.job_acquired_ms);
    out->set("sim_timing", timing);
  }
  return jsonResponse(200, out);
}

SimResponse cancelJobRoute(SimContext& ctx, RouteContext& rc) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  auto it = ctx.state.jobs.find(rc.intParam("job_id"));
  if (it == ctx.state.jobs.end()) return notFound();
  if (it->second.status == "completed") throw Conflict("job already completed");
  completeJob(ctx, it->second, "cancelled");
  ctx.persist();
  return jsonResponse(200, workflowJobJson(it->second, ctx.urls()));
}

SimResponse pingRoute(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObjectOrEmpty(rc.request.body);
  const std::int64_t hookId = optInt(body, "hook_id").value_or(ctx.options.appHookId);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  auto it = ctx.state.hooks.find(hookId);
  if (it == ctx.state.hooks.end() || it->second.url.empty()) throw NotFoundError("no such hook");
  sendPing(ctx, it->second);
  return jsonResponse(202, newObject());
}

// Waits until every queued delivery has been attempted: tests call it before asserting.
SimResponse flushRoute(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObjectOrEmpty(rc.request.body);
  const std::int64_t timeoutMs = optInt(body, "timeout_ms").value_or(10000);
  const bool idle = ctx.sender.waitIdle(std::chrono::milliseconds(timeoutMs));
  JsonObject out = newObject();
  out->set("queued", static_cast<std::int64_t>(ctx.sender.queued()));
  return jsonResponse(idle ? 200 : 504, out);
}

}  // namespace

void addSimJobRoutes(Router& router, SimContext& ctx) {
  router.add("POST", "/_sim/jobs", Access::Open,
             [&ctx](RouteContext& rc) { return createJobRoute(ctx, rc); });
  router.add("GET", "/_sim/jobs/{job_id}", Access::Open,
             [&ctx](RouteContext& rc) { return getJobRoute(ctx, rc); });
  router.add("POST", "/_sim/jobs/{job_id}/cancel", Access::Open,
             [&ctx](RouteContext& rc) { return cancelJobRoute(ctx, rc); });
  router.add("POST", "/_sim/webhooks/ping", Access::Open,
             [&ctx](RouteContext& rc) { return pingRoute(ctx, rc); });
  router.add("POST", "/_sim/webhooks/flush", Access::Open,
             [&ctx](RouteContext& rc) { return flushRoute(ctx, rc); });
}

}  // namespace lxdrunner::github_sim
