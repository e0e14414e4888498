// SPDX-License-Identifier: Apache-2.0
// The "runner protocol": a small JSON stand-in for the Actions service the real runner talks
// to. The stand-in runner calls it to go online (with its JIT config or a registration token),
// to take a job and to report it finished; each step changes the state GitHub's REST API
// shows and sends the webhook GitHub would send.
#include <Poco/URI.h>

#include <chrono>
#include <mutex>
#include <set>

#include "sim/actions_objects.hpp"
#include "sim/github_errors.hpp"
#include "sim/jit_config.hpp"
#include "sim/job_lifecycle.hpp"
#include "sim/random_tokens.hpp"
#include "sim/routes.hpp"

namespace lxdrunner::github_sim {
namespace {

// The real runner long-polls for 50 seconds.
constexpr std::int64_t kMaxWaitSeconds = 50;

std::int64_t wallMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The stand-in runner reports when its process started (run.sh), for benchmarks.
void noteSession(Runner& runner, const JsonObject& body) {
  runner.timing = RunnerTiming{};
  runner.timing.process_started_ms = optInt(body, "process_started_ms").value_or(0);
  runner.timing.session_opened_ms = wallMs();
}

SimResponse sessionAnswer(SimContext& ctx, Runner& runner) {
  JsonObject out = newObject();
  out->set("runner", runnerJson(ctx.state, runner));
  out->set("runner_id", runner.id);
  out->set("runner_name", runner.name);
  out->set("session_id", newGuid());
  ctx.persist();
  return jsonResponse(200, out);
}

SimResponse jitSession(SimContext& ctx, const JsonObject& body, const std::string& config) {
  const std::string token = jitConfigToken(config);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  Runner* runner = nullptr;
  for (auto& [id, candidate] : ctx.state.runners) {
    if (!candidate.jitToken.empty() && candidate.jitToken == token) runner = &candidate;
  }
  // Unknown: never issued, or the runner was deleted since.
  if (runner == nullptr) return badCredentials();
  if (runner->jitUsed) return githubError(409, "This JIT configuration has already been used");
  runner->jitUsed = true;
  runner->status = "online";
  runner->os = optString(body, "os").value_or("Linux");
  noteSession(*runner, body);
  return sessionAnswer(ctx, *runner);
}

std::vector<std::string> labelsWithDefaults(const JsonObject& body, const std::string& os) {
  std::vector<std::string> labels;
  auto addUnique = [&](const std::string& label) {
    for (const auto& have : labels) {
      if (equalsIgnoreCase(have, label)) return;
    }
    labels.push_back(label);
  };
  // config.sh adds self-hosted, OS and architecture unless --no-default-labels.
  if (!optBool(body, "no_default_labels").value_or(false)) {
    addUnique("self-hosted");
    addUnique(os);
    addUnique(optString(body, "arch").value_or("X64"));
  }
  for (const auto& label : optStringList(body, "labels").value_or(std::vector<std::string>{})) {
    if (!label.empty()) addUnique(label);
  }
  return labels;
}

SimResponse tokenSession(SimContext& ctx, const JsonObject& body, const std::string& token) {
  const std::string name = optString(body, "name").value_or("");
  if (name.empty()) throw BadInput("name is required with a registration token");
  const std::string os = optString(body, "os").value_or("Linux");
  std::vector<std::string> labels = labelsWithDefaults(body, os);
  const auto url = optString(body, "url");

  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  const IssuedToken* issued = ctx.state.liveToken(token, "registration", ctx.clock.nowSeconds());
  if (issued == nullptr) return badCredentials();
  const Scope scope = issued->scope;
  // config.sh --url must name the repository or organisation the token was issued for.
  std::string urlPath = url ? Poco::URI(*url).getPath() : std::string();
  while (urlPath.size() > 1 && urlPath.back() == '/') urlPath.pop_back();
  if (url && !equalsIgnoreCase(urlPath, "/" + scope.htmlPath())) {
    return githubError(404, "The registration token is not valid for " + *url);
  }
  if (Runner* existing = ctx.state.findRunnerByName(scope.key(), name)) {
    if (!optBool(body, "replace").value_or(false)) {
      return githubError(409, "A runner exists with the same name " + name);
    }
    if (existing->busy) return githubError(409, "The runner to replace is running a job");
    ctx.state.runners.erase(existing->id);
  }
  Runner runner;
  runner.id = ctx.state.nextRunnerId++;
  runner.name = name;
  runner.scope = scope;
  runner.os = os;
  runner.status = "online";
  runner.ephemeral = optBool(body, "ephemeral").value_or(false);
  runner.labels = labels;
  runner.workFolder = optString(body, "work_folder").value_or("_work");
  runner.registeredVia = "registration_token";
  runner.createdAt = ctx.clock.nowSeconds();
  noteSession(runner, body);
  Runner& stored = ctx.state.runners[runner.id] = runner;
  return sessionAnswer(ctx, stored);
}

// run.sh of a runner config.sh registered earlier: the registration is what it presents, as
// the real runner presents the credentials config.sh stored. A JIT runner has no second start.
SimResponse resumeSession(SimContext& ctx, const JsonObject& body, std::int64_t runnerId) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  Runner* runner = ctx.state.findRunner(runnerId);
  if (runner == nullptr) return githubError(404, "The runner registration has been deleted");
  if (runner->registeredVia != "registration_token") return badCredentials();
  runner->status = "online";
  if (auto os = optString(body, "os")) runner->os = *os;
  noteSession(*runner, body);
  ctx.state.changed.notify_all();
  return sessionAnswer(ctx, *runner);
}

SimResponse session(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  if (auto config = optString(body, "jitconfig")) return jitSession(ctx, body, *config);
  if (auto token = optString(body, "token")) return tokenSession(ctx, body, *token);
  if (auto runnerId = optInt(body, "runner_id")) return resumeSession(ctx, body, *runnerId);
  throw BadInput("give jitconfig, token with name and labels, or runner_id");
}

// The runner named by {runner_id} or {runner: name}; caller holds the lock. Throws.
Runner& findRunner(SimContext& ctx, const JsonObject& body) {
  if (auto id = optInt(body, "runner_id")) {
    Runner* runner = ctx.state.findRunner(*id);
    if (runner == nullptr) throw NotFoundError("runner is not registered");
    return *runner;
  }
  const std::string name = optString(body, "runner").value_or("");
  if (name.empty()) throw BadInput("give runner_id or runner");
  Runner* found = nullptr;
  for (auto& [id, runner] : ctx.state.runners) {
    if (!equalsIgnoreCase(runner.name, name)) continue;
    if (found != nullptr) throw Conflict("runner name is ambiguous; give runner_id");
    found = &runner;
  }
  if (found == nullptr) throw NotFoundError("runner is not registered");
  return *found;
}

SimResponse acquire(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  const std::int64_t waitSeconds = std::min(
      kMaxWaitSeconds, std::max<std::int64_t>(0, optInt(body, "wait_seconds").value_or(0)));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(waitSeconds);

  std::unique_lock<std::mutex> lock(ctx.state.mutex);
  const std::int64_t runnerId = findRunner(ctx, body).id;
  while (true) {
    Runner* runner = ctx.state.findRunner(runnerId);
    if (runner == nullptr) throw NotFoundError("runner is not registered");
    if (runner->status != "online") throw Conflict("runner has no session");
    if (runner->busy) throw Conflict("runner is already running a job");
    if (Job* job = assignJob(ctx, *runner)) {
      runner->timing.job_acquired_ms = wallMs();
      job->runnerTiming = runner->timing;
      JsonObject out = newObject();
      out->set("job", workflowJobJson(*job, ctx.urls()));
      out->set("repository", job->repo);
      ctx.persist();
      return jsonResponse(200, out);
    }
    if (ctx.stopping || ctx.state.changed.wait_until(lock, deadline) == std::cv_status::timeout) {
      return emptyResponse(204);
    }
  }
}

SimResponse complete(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  const std::string conclusion = optString(body, "conclusion").value_or("success");
  static const std::set<std::string> kConclusions = {"success", "failure", "cancelled",
                                                     "skipped", "neutral", "timed_out"};
  if (kConclusions.count(conclusion) == 0) throw BadInput("unknown conclusion " + conclusion);
  const auto jobId = optInt(body, "job_id");
  if (!jobId) throw BadInput("job_id is required");

  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  Runner& runner = findRunner(ctx, body);
  const std::int64_t runnerId = runner.id;
  auto it = ctx.state.jobs.find(*jobId);
  if (it == ctx.state.jobs.end()) throw NotFoundError("no such job");
  Job& job = it->second;
  if (job.status != "in_progress" || job.runnerId != runnerId) {
    throw Conflict("the job is not running on this runner");
  }
  completeJob(ctx, job, conclusion);
  JsonObject out = newObject();
  out->set("job", workflowJobJson(job, ctx.urls()));
  out->set("runner_removed", ctx.state.findRunner(runnerId) == nullptr);
  ctx.persist();
  return jsonResponse(200, out);
}

// The runner process went away without finishing: it shows offline, as on GitHub.
SimResponse disconnect(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  Runner& runner = findRunner(ctx, body);
  runner.status = "offline";
  ctx.state.changed.notify_all();
  return sessionAnswer(ctx, runner);
}

// config.sh remove --token T: a remove token of the runner's repository or organisation.
SimResponse removeRunner(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  const std::string token = optString(body, "token").value_or("");
  if (token.empty()) throw BadInput("token is required");
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  const IssuedToken* issued = ctx.state.liveToken(token, "remove", ctx.clock.nowSeconds());
  if (issued == nullptr) return badCredentials();
  Runner& runner = findRunner(ctx, body);
  if (runner.scope.key() != issued->scope.key()) return badCredentials();
  if (runner.busy) return githubError(422, "The runner is still running a job");
  ctx.state.runners.erase(runner.id);
  ctx.state.changed.notify_all();
  ctx.persist();
  return jsonResponse(200, newObject());
}

}  // namespace

void addRunnerProtocolRoutes(Router& router, SimContext& ctx) {
  router.add("POST", "/_sim/runner/session", Access::Open,
             [&ctx](RouteContext& rc) { return session(ctx, rc); });
  router.add("POST", "/_sim/runner/acquire", Access::Open,
             [&ctx](RouteContext& rc) { return acquire(ctx, rc); });
  router.add("POST", "/_sim/runner/complete", Access::Open,
             [&ctx](RouteContext& rc) { return complete(ctx, rc); });
  router.add("POST", "/_sim/runner/remove", Access::Open,
             [&ctx](RouteContext& rc) { return removeRunner(ctx, rc); });
  router.add("POST", "/_sim/runner/disconnect", Access::Open,
             [&ctx](RouteContext& rc) { return disconnect(ctx, rc); });
}

}  // namespace lxdrunner::github_sim
