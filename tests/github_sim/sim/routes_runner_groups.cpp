// SPDX-License-Identifier: Apache-2.0
// GitHub REST endpoints for an organisation's runner groups, and the control endpoint that
// declares them. Every organisation has group 1, "Default" (visibility all).
#include <mutex>
#include <vector>

#include "sim/github_errors.hpp"
#include "sim/github_objects.hpp"
#include "sim/pagination.hpp"
#include "sim/routes.hpp"
#include "sim/sim_errors.hpp"

namespace lxdrunner::github_sim {
namespace {

JsonObject groupJson(const SimContext& ctx, const RunnerGroup& group) {
  JsonObject out = newObject();
  out->set("id", group.id);
  out->set("name", group.name);
  out->set("visibility", group.visibility);
  out->set("default", group.id == 1);
  out->set("inherited", false);
  out->set("allows_public_repositories", group.allowsPublicRepositories);
  out->set("restricted_to_workflows", false);
  out->set("selected_workflows", newArray());
  const std::string base =
      ctx.publicUrl + "/orgs/" + group.org + "/actions/runner-groups/" + std::to_string(group.id);
  out->set("runners_url", base + "/runners");
  if (group.visibility == "selected") out->set("selected_repositories_url", base + "/repositories");
  return out;
}

std::vector<RunnerGroup> groupsOf(const SimState& state, const std::string& org) {
  std::vector<RunnerGroup> out{*state.runnerGroup(org, 1)};
  for (const auto& [id, group] : state.runnerGroups) {
    if (equalsIgnoreCase(group.org, org)) out.push_back(group);
  }
  return out;
}

// GET /orgs/{org}/actions/runner-groups
SimResponse listGroups(SimContext& ctx, RouteContext& rc) {
  const std::string org = rc.param("org");
  const PageRequest page = PageRequest::from(rc.request);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  const auto groups = groupsOf(ctx.state, org);
  JsonArray items = newArray();
  for (std::size_t i = page.begin(groups.size()); i < page.end(groups.size()); ++i) {
    items->add(groupJson(ctx, groups[i]));
  }
  JsonObject body = newObject();
  body->set("total_count", static_cast<std::int64_t>(groups.size()));
  body->set("runner_groups", items);
  SimResponse response = jsonResponse(200, body);
  const std::string link = pageLinkHeader(rc.request, page, groups.size());
  if (!link.empty()) response.addHeader("Link", link);
  return response;
}

// GET /orgs/{org}/actions/runner-groups/{group_id}/repositories
SimResponse groupRepositories(SimContext& ctx, RouteContext& rc) {
  const PageRequest page = PageRequest::from(rc.request);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  const auto group = ctx.state.runnerGroup(rc.param("org"), rc.intParam("group_id"));
  if (!group) return notFound();
  JsonArray items = newArray();
  const auto& names = group->repositories;
  for (std::size_t i = page.begin(names.size()); i < page.end(names.size()); ++i) {
    auto known = ctx.state.repositories.find(toLower(names[i]));
    const bool isPrivate = known != ctx.state.repositories.end() && known->second.isPrivate;
    JsonObject repo = repositoryJson(ctx.state, names[i], true, ctx.urls());
    repo->set("private", isPrivate);
    items->add(repo);
  }
  JsonObject body = newObject();
  body->set("total_count", static_cast<std::int64_t>(names.size()));
  body->set("repositories", items);
  SimResponse response = jsonResponse(200, body);
  const std::string link = pageLinkHeader(rc.request, page, names.size());
  if (!link.empty()) response.addHeader("Link", link);
  return response;
}

// POST /_sim/runner-groups {org, name, visibility? (all), repositories? [full names],
// allows_public_repositories? (true)} -> 201 {id}
SimResponse declareGroup(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  RunnerGroup group;
  group.org = optString(body, "org").value_or("");
  group.name = optString(body, "name").value_or("");
  if (group.org.empty() || group.name.empty()) throw BadInput("give org and name");
  group.visibility = optString(body, "visibility").value_or("all");
  if (group.visibility != "all" && group.visibility != "selected" &&
      group.visibility != "private") {
    throw BadInput("visibility must be all, selected or private");
  }
  group.repositories = optStringList(body, "repositories").value_or(std::vector<std::string>{});
  group.allowsPublicRepositories = optBool(body, "allows_public_repositories").value_or(true);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  for (const auto& existing : groupsOf(ctx.state, group.org)) {
    if (equalsIgnoreCase(existing.name, group.name)) {
      throw Conflict("organisation " + group.org + " has a group named " + group.name);
    }
  }
  group.id = ctx.state.nextRunnerGroupId++;
  ctx.state.runnerGroups[group.id] = group;
  JsonObject out = newObject();
  out->set("id", group.id);
  return jsonResponse(201, out);
}

}  // namespace

void addRunnerGroupRoutes(Router& router, SimContext& ctx) {
  router.add("GET", "/orgs/{org}/actions/runner-groups", Access::Token,
             [&ctx](RouteContext& rc) { return listGroups(ctx, rc); });
  router.add("GET", "/orgs/{org}/actions/runner-groups/{group_id}/repositories", Access::Token,
             [&ctx](RouteContext& rc) { return groupRepositories(ctx, rc); });
  router.add("POST", "/_sim/runner-groups", Access::Open,
             [&ctx](RouteContext& rc) { return declareGroup(ctx, rc); });
}

}  // namespace lxdrunner::github_sim
