// SPDX-License-Identifier: Apache-2.0
// Simulator control endpoints under /_sim: what tests use to inspect and steer the simulator.
// They need no credentials and are never rate limited or faulted.
#include <chrono>
#include <mutex>

#include "sim/authenticator.hpp"
#include "sim/routes.hpp"
#include "sim/state_snapshot.hpp"

namespace lxdrunner::github_sim {
namespace {

SimResponse getState(SimContext& ctx) {
  JsonObject out;
  {
    std::lock_guard<std::mutex> lock(ctx.state.mutex);
    out = stateSnapshot(ctx, false);
  }
  out->set("rate_limits", ctx.limiter.toJson());
  out->set("faults", ctx.faults.toJson());
  out->set("webhooks_queued", static_cast<std::int64_t>(ctx.sender.queued()));
  out->set("clock_offset_seconds", ctx.clock.offsetSeconds());
  return jsonResponse(200, out);
}

SimResponse reset(SimContext& ctx) {
  ctx.faults.clear();
  ctx.limiter.reset();
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  ctx.state.clearActivity();
  ctx.state.changed.notify_all();
  ctx.persist();
  return jsonResponse(200, newObject());
}

// Settings that can change while the simulator runs; absent keys keep their value.
SimResponse updateSettings(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  ctx.limiter.configure(optInt(body, "rate_limit"), optInt(body, "rate_limit_window_seconds"),
                        optInt(body, "secondary_points_per_minute"));
  if (auto lifetime = optInt(body, "installation_token_lifetime_seconds")) {
    if (*lifetime < 1) throw BadInput("installation_token_lifetime_seconds must be positive");
    ctx.installationTokenLifetime = *lifetime;
  }
  if (auto latency = optInt(body, "latency_ms")) ctx.faults.setLatencyMs(*latency);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  for (const auto& pat : optStringList(body, "add_pats").value_or(std::vector<std::string>{})) {
    if (!pat.empty()) ctx.state.extraPats.push_back(pat);
  }
  const auto url = optString(body, "webhook_url");
  const auto secret = optString(body, "webhook_secret");
  if (url || secret) {
    auto it = ctx.state.hooks.find(ctx.options.appHookId);
    if (it == ctx.state.hooks.end()) {
      Hook hook;
      hook.id = ctx.options.appHookId;
      hook.isApp = true;
      hook.createdAt = ctx.clock.nowSeconds();
      it = ctx.state.hooks.emplace(hook.id, hook).first;
    }
    if (url) it->second.url = *url;
    if (secret) it->second.secret = *secret;
    it->second.active = !it->second.url.empty();
    it->second.updatedAt = ctx.clock.nowSeconds();
  }
  ctx.persist();
  return jsonResponse(200, newObject());
}

SimResponse advanceClock(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  const auto seconds = optInt(body, "advance_seconds");
  if (!seconds || *seconds < 0) throw BadInput("advance_seconds must be a non-negative integer");
  ctx.clock.advance(*seconds);
  JsonObject out = newObject();
  out->set("now", ctx.clock.nowSeconds());
  out->set("offset_seconds", ctx.clock.offsetSeconds());
  return jsonResponse(200, out);
}

// {"remaining": N, "token": "..."}: what is left of a credential's budget (all when no token).
SimResponse setRateLimit(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  const auto remaining = optInt(body, "remaining");
  if (!remaining || *remaining < 0) throw BadInput("remaining must be a non-negative integer");
  std::string bucket;
  if (auto token = optString(body, "token")) {
    bucket = bucketForCredential(ctx, *token);
    if (bucket.empty()) throw NotFoundError("unknown token");
  }
  ctx.limiter.setRemaining(bucket, *remaining);
  return jsonResponse(200, ctx.limiter.toJson());
}

SimResponse addFaults(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  if (optBool(body, "clear").value_or(false)) ctx.faults.clear();
  if (auto latency = optInt(body, "latency_ms")) ctx.faults.setLatencyMs(*latency);
  if (body->has("kind")) ctx.faults.add(Fault::fromJson(body));
  if (body->has("faults")) {
    JsonArray list = body->getArray("faults");
    if (list.isNull()) throw BadInput("faults must be an array of objects");
    for (unsigned int i = 0; i < list->size(); ++i) {
      JsonObject item = list->getObject(i);
      if (item.isNull()) throw BadInput("faults must be an array of objects");
      ctx.faults.add(Fault::fromJson(item));
    }
  }
  return jsonResponse(200, ctx.faults.toJson());
}

SimResponse clearFaults(SimContext& ctx) {
  ctx.faults.clear();
  return jsonResponse(200, ctx.faults.toJson());
}

}  // namespace

void addControlRoutes(Router& router, SimContext& ctx) {
  router.add("GET", "/_sim/state", Access::Open, [&ctx](RouteContext&) { return getState(ctx); });
  router.add("POST", "/_sim/reset", Access::Open, [&ctx](RouteContext&) { return reset(ctx); });
  router.add("POST", "/_sim/settings", Access::Open,
             [&ctx](RouteContext& rc) { return updateSettings(ctx, rc); });
  router.add("POST", "/_sim/clock", Access::Open,
             [&ctx](RouteContext& rc) { return advanceClock(ctx, rc); });
  router.add("POST", "/_sim/ratelimit", Access::Open,
             [&ctx](RouteContext& rc) { return setRateLimit(ctx, rc); });
  router.add("GET", "/_sim/faults", Access::Open,
             [&ctx](RouteContext&) { return jsonResponse(200, ctx.faults.toJson()); });
  router.add("POST", "/_sim/faults", Access::Open,
             [&ctx](RouteContext& rc) { return addFaults(ctx, rc); });
  router.add("DELETE", "/_sim/faults", Access::Open,
             [&ctx](RouteContext&) { return clearFaults(ctx); });
}

}  // namespace lxdrunner::github_sim
