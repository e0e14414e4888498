// SPDX-License-Identifier: Apache-2.0
#include "sim/hook_objects.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Parser.h>

#include "sim/sim_clock.hpp"

namespace lxdrunner::github_sim {

std::string hookType(const Hook& hook) {
  if (hook.isApp) return "App";
  return hook.scope.isOrg() ? "Organization" : "Repository";
}

JsonObject hookConfigJson(const Hook& hook) {
  JsonObject config = newObject();
  config->set("content_type", hook.contentType);
  config->set("insecure_ssl", hook.insecureSsl);
  config->set("url", hook.url);
  // GitHub never returns a secret, only that one is set.
  if (!hook.secret.empty()) config->set("secret", "********");
  return config;
}

JsonObject hookJson(const Hook& hook, const SiteUrls& urls) {
  const std::string self =
      urls.api + "/" + hook.scope.apiPath() + "/hooks/" + std::to_string(hook.id);
  JsonObject out = newObject();
  out->set("type", hookType(hook));
  out->set("id", hook.id);
  out->set("name", hook.name);
  out->set("active", hook.active);
  out->set("events", stringArray(hook.events));
  out->set("config", hookConfigJson(hook));
  out->set("updated_at", isoTime(hook.updatedAt));
  out->set("created_at", isoTime(hook.createdAt));
  out->set("url", self);
  if (!hook.scope.isOrg()) out->set("test_url", self + "/test");
  out->set("ping_url", self + "/pings");
  out->set("deliveries_url", self + "/deliveries");
  JsonObject last = newObject();
  last->set("code", intOrNull(hook.lastResponseCode));
  last->set("status", hook.lastResponseStatus);
  last->set("message", stringOrNull(hook.lastResponseMessage));
  out->set("last_response", last);
  return out;
}

namespace {

JsonObject headersJson(const HeaderList& headers) {
  JsonObject out = newObject();
  for (const auto& [name, value] : headers) out->set(name, value);
  return out;
}

// The stored body is shown as parsed JSON, as GitHub does; anything else as text.
Poco::Dynamic::Var payloadJson(const std::string& body) {
  try {
    Poco::JSON::Parser parser;
    return parser.parse(body);
  } catch (const Poco::Exception&) {
    return body;
  }
}

}  // namespace

JsonObject deliveryJson(const Delivery& delivery, bool detail, const SiteUrls& urls) {
  JsonObject out = newObject();
  out->set("id", delivery.id);
  out->set("guid", delivery.guid);
  out->set("delivered_at", isoTime(delivery.deliveredAt));
  out->set("redelivery", delivery.redelivery);
  out->set("duration", delivery.durationSeconds);
  out->set("status", delivery.status);
  out->set("status_code", delivery.statusCode);
  out->set("event", delivery.event);
  out->set("action", stringOrNull(delivery.action));
  out->set("installation_id", intOrNull(delivery.installationId));
  out->set("repository_id", intOrNull(delivery.repositoryId));
  out->set("throttled_at", Poco::Dynamic::Var());
  if (detail) {
    out->set("url", urls.api + "/app/hook/deliveries/" + std::to_string(delivery.id));
    JsonObject request = newObject();
    request->set("headers", headersJson(delivery.requestHeaders));
    request->set("payload", payloadJson(delivery.requestBody));
    out->set("request", request);
    JsonObject response = newObject();
    response->set("headers", headersJson(delivery.responseHeaders));
    response->set("payload", stringOrNull(delivery.responseBody));
    out->set("response", response);
  }
  return out;
}

}  // namespace lxdrunner::github_sim
