// SPDX-License-Identifier: Apache-2.0
// GitHub REST endpoints for webhooks: repository/organisation hooks (what `lxdrunner webhook
// install` manages), the GitHub App's hook, and the delivery log used to redeliver.
#include <algorithm>
#include <limits>
#include <mutex>

#include "sim/github_errors.hpp"
#include "sim/hook_objects.hpp"
#include "sim/pagination.hpp"
#include "sim/routes.hpp"
#include "sim/webhook_dispatch.hpp"

namespace lxdrunner::github_sim {
namespace {

void applyConfig(Hook& hook, const JsonObject& config) {
  if (config.isNull()) return;
  if (auto url = optString(config, "url")) hook.url = *url;
  if (auto type = optString(config, "content_type")) {
    if (*type != "json" && *type != "form") throw BadInput("content_type must be json or form");
    hook.contentType = *type;
  }
  if (auto secret = optString(config, "secret")) hook.secret = *secret;
  if (config->has("insecure_ssl") && !config->isNull("insecure_ssl")) {
    // GitHub takes "0"/"1" as a string or a number.
    hook.insecureSsl = config->get("insecure_ssl").toString() == "1" ? "1" : "0";
  }
}

void checkUrl(const Hook& hook) {
  if (hook.url.rfind("http://", 0) != 0 && hook.url.rfind("https://", 0) != 0) {
    throw BadInput("config.url must be an http(s) URL");
  }
}

Hook* hookInScope(SimContext& ctx, RouteContext& rc) {
  auto it = ctx.state.hooks.find(rc.intParam("hook_id"));
  if (it == ctx.state.hooks.end() || it->second.isApp ||
      it->second.scope.key() != rc.scope().key()) {
    return nullptr;
  }
  return &it->second;
}

SimResponse listHooks(SimContext& ctx, RouteContext& rc) {
  const PageRequest page = PageRequest::from(rc.request);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  std::vector<const Hook*> hooks;
  for (const auto& [id, hook] : ctx.state.hooks) {
    if (!hook.isApp && hook.scope.key() == rc.scope().key()) hooks.push_back(&hook);
  }
  JsonArray items = newArray();
  for (std::size_t i = page.begin(hooks.size()); i < page.end(hooks.size()); ++i) {
    items->add(hookJson(*hooks[i], ctx.urls()));
  }
  SimResponse response = jsonResponse(200, items);
  const std::string link = pageLinkHeader(rc.request, page, hooks.size());
  if (!link.empty()) response.addHeader("Link", link);
  return response;
}

SimResponse createHook(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  Hook hook;
  hook.scope = rc.scope();
  hook.name = optString(body, "name").value_or("web");
  if (hook.name != "web") throw BadInput("name must be \"web\"");
  applyConfig(hook, optObject(body, "config"));
  checkUrl(hook);
  hook.events = optStringList(body, "events").value_or(std::vector<std::string>{"push"});
  hook.active = optBool(body, "active").value_or(true);

  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  for (const auto& [id, existing] : ctx.state.hooks) {
    if (!existing.isApp && existing.scope.key() == hook.scope.key() && existing.url == hook.url) {
      JsonObject error = newObject();
      error->set("resource", "Hook");
      error->set("code", "custom");
      error->set("message", hook.scope.isOrg() ? "Hook already exists on this organization"
                                               : "Hook already exists on this repository");
      JsonObject answer = newObject();
      answer->set("message", "Validation Failed");
      JsonArray errors = newArray();
      errors->add(error);
      answer->set("errors", errors);
      answer->set("documentation_url", "https://docs.github.com/rest/webhooks/repos");
      answer->set("status", "422");
      return jsonResponse(422, answer);
    }
  }
  hook.id = ctx.state.nextHookId++;
  hook.createdAt = hook.updatedAt = ctx.clock.nowSeconds();
  Hook& stored = ctx.state.hooks[hook.id] = hook;
  // GitHub pings a hook as soon as it is created.
  if (stored.active) sendPing(ctx, stored);
  return jsonResponse(201, hookJson(stored, ctx.urls()));
}

SimResponse getHook(SimContext& ctx, RouteContext& rc) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  Hook* hook = hookInScope(ctx, rc);
  return hook == nullptr ? notFound() : jsonResponse(200, hookJson(*hook, ctx.urls()));
}

SimResponse updateHook(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  Hook* found = hookInScope(ctx, rc);
  if (found == nullptr) return notFound();
  Hook hook = *found;  // change a copy so a bad request leaves the hook untouched
  applyConfig(hook, optObject(body, "config"));
  checkUrl(hook);
  if (auto events = optStringList(body, "events")) hook.events = *events;
  for (const auto& event : optStringList(body, "add_events").value_or(std::vector<std::string>{})) {
    if (std::find(hook.events.begin(), hook.events.end(), event) == hook.events.end()) {
      hook.events.push_back(event);
    }
  }
  for (const auto& event :
       optStringList(body, "remove_events").value_or(std::vector<std::string>{})) {
    hook.events.erase(std::remove(hook.events.begin(), hook.events.end(), event),
                      hook.events.end());
  }
  if (auto active = optBool(body, "active")) hook.active = *active;
  hook.updatedAt = ctx.clock.nowSeconds();
  *found = hook;
  return jsonResponse(200, hookJson(*found, ctx.urls()));
}

SimResponse deleteHook(SimContext& ctx, RouteContext& rc) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  Hook* hook = hookInScope(ctx, rc);
  if (hook == nullptr) return notFound();
  ctx.state.hooks.erase(hook->id);
  return emptyResponse(204);
}

SimResponse pingHook(SimContext& ctx, RouteContext& rc) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  Hook* hook = hookInScope(ctx, rc);
  if (hook == nullptr) return notFound();
  sendPing(ctx, *hook);
  return emptyResponse(204);
}

// Newest first with cursor paging ("v1_<id>": continue below that id), as GitHub does.
SimResponse listDeliveries(SimContext& ctx, RouteContext& rc, std::int64_t hookId) {
  const std::int64_t perPage = PageRequest::from(rc.request).perPage;
  const std::string cursor = rc.request.queryValue("cursor");
  std::int64_t below = std::numeric_limits<std::int64_t>::max();
  if (!cursor.empty()) {
    const std::string digits = cursor.rfind("v1_", 0) == 0 ? cursor.substr(3) : cursor;
    if (digits.empty() || digits.size() > 18 ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      return validationFailed("cursor is not valid.");
    }
    below = std::stoll(digits);
  }
  const std::string status = rc.request.queryValue("status");
  JsonArray items = newArray();
  std::string nextCursor;
  std::int64_t listed = 0;
  std::int64_t lastListedId = 0;
  for (auto it = ctx.state.deliveries.rbegin(); it != ctx.state.deliveries.rend(); ++it) {
    const Delivery& delivery = it->second;
    if (delivery.hookId != hookId || delivery.id >= below) continue;
    const bool ok = delivery.status == "OK";
    if ((status == "success" && !ok) || (status == "failure" && ok)) continue;
    if (listed == perPage) {
      nextCursor = "v1_" + std::to_string(lastListedId);
      break;
    }
    items->add(deliveryJson(delivery, false, ctx.urls()));
    lastListedId = delivery.id;
    ++listed;
  }
  SimResponse response = jsonResponse(200, items);
  const std::string link = cursorLinkHeader(rc.request, perPage, nextCursor);
  if (!link.empty()) response.addHeader("Link", link);
  return response;
}

const Delivery* deliveryOf(SimContext& ctx, RouteContext& rc, std::int64_t hookId) {
  auto it = ctx.state.deliveries.find(rc.intParam("delivery_id"));
  if (it == ctx.state.deliveries.end() || it->second.hookId != hookId) return nullptr;
  return &it->second;
}

SimResponse getDelivery(SimContext& ctx, RouteContext& rc, std::int64_t hookId) {
  const Delivery* delivery = deliveryOf(ctx, rc, hookId);
  if (delivery == nullptr) return notFound();
  return jsonResponse(200, deliveryJson(*delivery, true, ctx.urls()));
}

SimResponse redeliverDelivery(SimContext& ctx, RouteContext& rc, std::int64_t hookId) {
  const Delivery* delivery = deliveryOf(ctx, rc, hookId);
  if (delivery == nullptr) return notFound();
  redeliver(ctx, *delivery);
  return jsonResponse(202, newObject());
}

// Runs a deliveries handler for a repository/organisation hook, after checking the hook.
template <typename Handler>
SimResponse withScopeHook(SimContext& ctx, RouteContext& rc, Handler handler) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  Hook* hook = hookInScope(ctx, rc);
  if (hook == nullptr) return notFound();
  return handler(ctx, rc, hook->id);
}

template <typename Handler>
SimResponse withAppHook(SimContext& ctx, RouteContext& rc, Handler handler) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  return handler(ctx, rc, ctx.options.appHookId);
}

Hook& appHook(SimContext& ctx) {
  auto it = ctx.state.hooks.find(ctx.options.appHookId);
  if (it != ctx.state.hooks.end()) return it->second;
  Hook hook;
  hook.id = ctx.options.appHookId;
  hook.isApp = true;
  hook.active = false;  // until it has a URL
  hook.createdAt = hook.updatedAt = ctx.clock.nowSeconds();
  return ctx.state.hooks[hook.id] = hook;
}

SimResponse getAppHookConfig(SimContext& ctx) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  return jsonResponse(200, hookConfigJson(appHook(ctx)));
}

SimResponse updateAppHookConfig(SimContext& ctx, RouteContext& rc) {
  JsonObject body = parseObject(rc.request.body);
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  Hook& hook = appHook(ctx);
  Hook changed = hook;
  applyConfig(changed, body);
  checkUrl(changed);
  changed.active = true;
  changed.updatedAt = ctx.clock.nowSeconds();
  hook = changed;
  return jsonResponse(200, hookConfigJson(hook));
}

}  // namespace

void addHookRoutes(Router& router, SimContext& ctx) {
  const std::string hooks = "/{scope}/hooks";
  const std::string one = hooks + "/{hook_id}";
  router.add("GET", hooks, Access::Token, [&ctx](RouteContext& rc) { return listHooks(ctx, rc); });
  router.add("POST", hooks, Access::Token,
             [&ctx](RouteContext& rc) { return createHook(ctx, rc); });
  router.add("GET", one, Access::Token, [&ctx](RouteContext& rc) { return getHook(ctx, rc); });
  router.add("PATCH", one, Access::Token, [&ctx](RouteContext& rc) { return updateHook(ctx, rc); });
  router.add("DELETE", one, Access::Token,
             [&ctx](RouteContext& rc) { return deleteHook(ctx, rc); });
  router.add("POST", one + "/pings", Access::Token,
             [&ctx](RouteContext& rc) { return pingHook(ctx, rc); });
  router.add("GET", one + "/deliveries", Access::Token,
             [&ctx](RouteContext& rc) { return withScopeHook(ctx, rc, listDeliveries); });
  router.add("GET", one + "/deliveries/{delivery_id}", Access::Token,
             [&ctx](RouteContext& rc) { return withScopeHook(ctx, rc, getDelivery); });
  router.add("POST", one + "/deliveries/{delivery_id}/attempts", Access::Token,
             [&ctx](RouteContext& rc) { return withScopeHook(ctx, rc, redeliverDelivery); });

  router.add("GET", "/app/hook/config", Access::AppJwt,
             [&ctx](RouteContext&) { return getAppHookConfig(ctx); });
  router.add("PATCH", "/app/hook/config", Access::AppJwt,
             [&ctx](RouteContext& rc) { return updateAppHookConfig(ctx, rc); });
  router.add("GET", "/app/hook/deliveries", Access::AppJwt,
             [&ctx](RouteContext& rc) { return withAppHook(ctx, rc, listDeliveries); });
  router.add("GET", "/app/hook/deliveries/{delivery_id}", Access::AppJwt,
             [&ctx](RouteContext& rc) { return withAppHook(ctx, rc, getDelivery); });
  router.add("POST", "/app/hook/deliveries/{delivery_id}/attempts", Access::AppJwt,
             [&ctx](RouteContext& rc) { return withAppHook(ctx, rc, redeliverDelivery); });
}

}  // namespace lxdrunner::github_sim
