// SPDX-License-Identifier: Apache-2.0
// GitHub REST endpoints for self-hosted runners under /repos/{owner}/{repo} and /orgs/{org}.
#include <algorithm>
#include <mutex>

#include "sim/actions_objects.hpp"
#include "sim/github_errors.hpp"
#include "sim/jit_config.hpp"
#include "sim/pagination.hpp"
#include "sim/random_tokens.hpp"
#include "sim/routes.hpp"
#include "sim/sim_clock.hpp"

namespace lxdrunner::github_sim {
namespace {

constexpr std::int64_t kRunnerTokenLifetimeSeconds = 3600;
constexpr std::size_t kMaxLabels = 100;

// The body of generate-jitconfig, checked the way GitHub's schema does.
struct JitRequest {
  std::string name;
  std::int64_t groupId = 0;
  std::vector<std::string> labels;
  std::string workFolder = "_work";
};

JitRequest parseJitRequest(const std::string& body) {
  JsonObject json = parseObject(body);
  JitRequest request;
  request.name = optString(json, "name").value_or("");
  if (request.name.empty()) throw BadInput("\"name\" wasn't supplied.");
  const auto group = optInt(json, "runner_group_id");
  if (!group) throw BadInput("\"runner_group_id\" wasn't supplied.");
  if (*group < 1) throw BadInput("\"runner_group_id\" must be a positive integer.");
  request.groupId = *group;
  const auto labels = optStringList(json, "labels");
  if (!labels || labels->empty()) throw BadInput("\"labels\" wasn't supplied or is empty.");
  if (labels->size() > kMaxLabels) throw BadInput("\"labels\" has more than 100 items.");
  for (const auto& label : *labels) {
    if (label.empty() || label.size() > 256) throw BadInput("a label is empty or too long.");
  }
  request.labels = *labels;
  request.workFolder = optString(json, "work_folder").value_or("_work");
  return request;
}

SimResponse generateJitConfig(SimContext& ctx, RouteContext& rc) {
  const JitRequest request = parseJitRequest(rc.request.body);  // BadInput: 400/422
  const Scope scope = rc.scope();
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  // A repository has only the Default group; an organisation, Default and those declared.
  const auto group = scope.isOrg()          ? ctx.state.runnerGroup(scope.owner, request.groupId)
                     : request.groupId == 1 ? ctx.state.runnerGroup(scope.owner, 1)
                                            : std::nullopt;
  if (!group) return notFound();
  if (ctx.state.findRunnerByName(scope.key(), request.name) != nullptr) {
    return githubError(
        409, "Already exists - A runner with the name " + request.name + " already exists.");
  }
  Runner runner;
  runner.id = ctx.state.nextRunnerId++;
  runner.name = request.name;
  runner.scope = scope;
  runner.labels = request.labels;
  runner.groupId = request.groupId;
  runner.groupName = group->name;
  runner.workFolder = request.workFolder;
  runner.registeredVia = "jit";
  runner.jitToken = randomAlphanumeric(40);
  runner.createdAt = ctx.clock.nowSeconds();

  JitConfigInput jit;
  jit.runnerId = runner.id;
  jit.runnerName = runner.name;
  jit.poolId = runner.groupId;
  jit.poolName = runner.groupName;
  jit.serverUrl = ctx.publicUrl;
  jit.gitHubUrl = ctx.publicUrl + "/" + scope.htmlPath();
  jit.workFolder = runner.workFolder;
  jit.token = runner.jitToken;

  Runner& stored = ctx.state.runners[runner.id] = runner;
  JsonObject body = newObject();
  body->set("runner", runnerJson(ctx.state, stored));
  body->set("encoded_jit_config", encodeJitConfig(jit));
  return jsonResponse(201, body);
}

SimResponse issueRunnerToken(SimContext& ctx, RouteContext& rc, const std::string& kind) {
  IssuedToken token;
  token.token = randomAlphanumeric(29, true);
  token.kind = kind;
  token.scope = rc.scope();
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  token.expiresAt = ctx.clock.nowSeconds() + kRunnerTokenLifetimeSeconds;
  ctx.state.tokens[token.token] = token;
  JsonObject body = newObject();
  body->set("token", token.token);
  body->set("expires_at", isoTime(token.expiresAt));
  return jsonResponse(201, body);
}

SimResponse listRunners(SimContext& ctx, RouteContext& rc) {
  const std::string scopeKey = rc.scope().key();
  const std::string name = rc.request.queryValue("name");
  const PageRequest page = PageRequest::from(rc.request);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  std::vector<const Runner*> matching;
  for (const auto& [id, runner] : ctx.state.runners) {
    if (runner.scope.key() != scopeKey) continue;
    if (!name.empty() && runner.name != name) continue;
    matching.push_back(&runner);
  }
  JsonArray runners = newArray();
  for (std::size_t i = page.begin(matching.size()); i < page.end(matching.size()); ++i) {
    runners->add(runnerJson(ctx.state, *matching[i]));
  }
  JsonObject body = newObject();
  body->set("total_count", static_cast<std::int64_t>(matching.size()));
  body->set("runners", runners);
  SimResponse response = jsonResponse(200, body);
  const std::string link = pageLinkHeader(rc.request, page, matching.size());
  if (!link.empty()) response.addHeader("Link", link);
  return response;
}

Runner* runnerInScope(SimContext& ctx, RouteContext& rc) {
  Runner* runner = ctx.state.findRunner(rc.intParam("runner_id"));
  if (runner == nullptr || runner->scope.key() != rc.scope().key()) return nullptr;
  return runner;
}

SimResponse getRunner(SimContext& ctx, RouteContext& rc) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  Runner* runner = runnerInScope(ctx, rc);
  if (runner == nullptr) return notFound();
  return jsonResponse(200, runnerJson(ctx.state, *runner));
}

SimResponse deleteRunner(SimContext& ctx, RouteContext& rc) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  Runner* runner = runnerInScope(ctx, rc);
  if (runner == nullptr) return notFound();
  if (runner->busy) {
    return validationFailed("Bad request - Runner \"" + runner->name +
                            "\" is still running a job\"");
  }
  ctx.state.runners.erase(runner->id);
  ctx.state.changed.notify_all();  // a long-polling runner learns it is gone
  return emptyResponse(204);
}

SimResponse listDownloads(SimContext& ctx) {
  return jsonResponse(200, ctx.downloads.toJson(ctx.publicUrl));
}

}  // namespace

void addRunnerRoutes(Router& router, SimContext& ctx) {
  const std::string base = "/{scope}/actions/runners";
  router.add("POST", base + "/generate-jitconfig", Access::Token,
             [&ctx](RouteContext& rc) { return generateJitConfig(ctx, rc); });
  router.add("POST", base + "/registration-token", Access::Token,
             [&ctx](RouteContext& rc) { return issueRunnerToken(ctx, rc, "registration"); });
  router.add("POST", base + "/remove-token", Access::Token,
             [&ctx](RouteContext& rc) { return issueRunnerToken(ctx, rc, "remove"); });
  router.add("GET", base + "/downloads", Access::Token,
             [&ctx](RouteContext&) { return listDownloads(ctx); });
  router.add("GET", base, Access::Token, [&ctx](RouteContext& rc) { return listRunners(ctx, rc); });
  router.add("GET", base + "/{runner_id}", Access::Token,
             [&ctx](RouteContext& rc) { return getRunner(ctx, rc); });
  router.add("DELETE", base + "/{runner_id}", Access::Token,
             [&ctx](RouteContext& rc) { return deleteRunner(ctx, rc); });
}

}  // namespace lxdrunner::github_sim
