// SPDX-License-Identifier: Apache-2.0
// GitHub App endpoints (authenticated with the app's JWT) and GET /rate_limit.
#include <mutex>

#include "sim/github_errors.hpp"
#include "sim/random_tokens.hpp"
#include "sim/routes.hpp"
#include "sim/sim_clock.hpp"

namespace lxdrunner::github_sim {
namespace {

const char* const kAppSlug = "lxdrunner-sim";

// What lxdrunner's app needs: runner administration at repository and organisation level.
JsonObject appPermissions() {
  JsonObject permissions = newObject();
  permissions->set("actions", "read");
  permissions->set("administration", "write");
  permissions->set("metadata", "read");
  permissions->set("organization_hooks", "write");
  permissions->set("organization_self_hosted_runners", "write");
  permissions->set("repository_hooks", "write");
  return permissions;
}

std::int64_t defaultInstallation(const SimContext& ctx) {
  return ctx.options.installationId != 0 ? ctx.options.installationId : 1;
}

JsonObject installationObject(SimContext& ctx, std::int64_t id, const std::string& account,
                              bool accountIsOrg) {
  const std::string api = ctx.publicUrl;
  JsonObject out = newObject();
  out->set("id", id);
  out->set("account",
           accountJson(ctx.state, account, accountIsOrg ? "Organization" : "User", ctx.urls()));
  out->set("repository_selection", "all");
  out->set("access_tokens_url",
           api + "/app/installations/" + std::to_string(id) + "/access_tokens");
  out->set("repositories_url", api + "/installation/repositories");
  out->set("html_url", api + "/settings/installations/" + std::to_string(id));
  out->set("app_id", ctx.options.appId);
  out->set("app_slug", kAppSlug);
  out->set("target_id", ctx.state.accountId(account));
  out->set("target_type", accountIsOrg ? "Organization" : "User");
  out->set("permissions", appPermissions());
  out->set("events", stringArray({"workflow_job"}));
  out->set("created_at", "2024-01-01T00:00:00Z");
  out->set("updated_at", "2024-01-01T00:00:00Z");
  out->set("single_file_name", Poco::Dynamic::Var());
  return out;
}

SimResponse getApp(SimContext& ctx) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  JsonObject out = newObject();
  out->set("id", ctx.options.appId);
  out->set("slug", kAppSlug);
  out->set("node_id", nodeId("Integration", ctx.options.appId));
  out->set("owner", accountJson(ctx.state, "lxdrunner", "Organization", ctx.urls()));
  out->set("name", "lxdrunner simulator app");
  out->set("description", "The GitHub App the lxdrunner GitHub simulator pretends to be");
  out->set("external_url", ctx.publicUrl);
  out->set("html_url", ctx.publicUrl + "/apps/" + kAppSlug);
  out->set("created_at", "2024-01-01T00:00:00Z");
  out->set("updated_at", "2024-01-01T00:00:00Z");
  out->set("permissions", appPermissions());
  out->set("events", stringArray({"workflow_job"}));
  out->set("installations_count", 1);
  return jsonResponse(200, out);
}

SimResponse listInstallations(SimContext& ctx) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  JsonArray out = newArray();
  out->add(installationObject(ctx, defaultInstallation(ctx), "lxdrunner", true));
  return jsonResponse(200, out);
}

SimResponse getInstallation(SimContext& ctx, RouteContext& rc) {
  const std::int64_t id = rc.intParam("installation_id");
  if (id <= 0) return notFound();
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  return jsonResponse(200, installationObject(ctx, id, "lxdrunner", true));
}

// Every repository and organisation counts as having the app installed.
SimResponse scopeInstallation(SimContext& ctx, RouteContext& rc) {
  const Scope scope = rc.scope();
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  return jsonResponse(
      200, installationObject(ctx, defaultInstallation(ctx), scope.owner, scope.isOrg()));
}

SimResponse createAccessToken(SimContext& ctx, RouteContext& rc) {
  const std::int64_t id = rc.intParam("installation_id");
  if (id <= 0) return notFound();
  parseObjectOrEmpty(rc.request.body);  // repositories/permissions narrowing is not modelled
  IssuedToken token;
  token.token = "ghs_" + randomAlphanumeric(36);
  token.kind = "installation";
  token.installationId = id;
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  token.expiresAt = ctx.clock.nowSeconds() + ctx.installationTokenLifetime.load();
  ctx.state.tokens[token.token] = token;
  JsonObject out = newObject();
  out->set("token", token.token);
  out->set("expires_at", isoTime(token.expiresAt));
  out->set("permissions", appPermissions());
  out->set("repository_selection", "all");
  return jsonResponse(201, out);
}

JsonObject rateJson(const RateStatus& status) {
  JsonObject out = newObject();
  out->set("limit", status.limit);
  out->set("used", status.used);
  out->set("remaining", status.remaining);
  out->set("reset", status.reset);
  return out;
}

// GET /rate_limit does not count against the limit, as on GitHub.
SimResponse rateLimit(SimContext& ctx, RouteContext& rc) {
  const RateStatus core = ctx.limiter.peek(rc.identity.bucket);
  JsonObject resources = newObject();
  resources->set("core", rateJson(core));
  JsonObject out = newObject();
  out->set("resources", resources);
  out->set("rate", rateJson(core));
  return jsonResponse(200, out);
}

}  // namespace

void addAppRoutes(Router& router, SimContext& ctx) {
  router.add("GET", "/app", Access::AppJwt, [&ctx](RouteContext&) { return getApp(ctx); });
  router.add("GET", "/app/installations", Access::AppJwt,
             [&ctx](RouteContext&) { return listInstallations(ctx); });
  router.add("GET", "/app/installations/{installation_id}", Access::AppJwt,
             [&ctx](RouteContext& rc) { return getInstallation(ctx, rc); });
  router.add("POST", "/app/installations/{installation_id}/access_tokens", Access::AppJwt,
             [&ctx](RouteContext& rc) { return createAccessToken(ctx, rc); });
  router.add("GET", "/{scope}/installation", Access::AppJwt,
             [&ctx](RouteContext& rc) { return scopeInstallation(ctx, rc); });
  router.add("GET", "/rate_limit", Access::TokenUncounted,
             [&ctx](RouteContext& rc) { return rateLimit(ctx, rc); });
}

}  // namespace lxdrunner::github_sim
