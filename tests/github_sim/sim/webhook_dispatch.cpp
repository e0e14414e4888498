// SPDX-License-Identifier: Apache-2.0
#include "sim/webhook_dispatch.hpp"

#include <Poco/URI.h>

#include <mutex>

#include "sim/digests.hpp"
#include "sim/random_tokens.hpp"
#include "sim/webhook_payloads.hpp"

namespace lxdrunner::github_sim {
namespace {

const char* const kUserAgent = "GitHub-Hookshot/lxdrunner-sim";

// X-GitHub-Hook-Installation-Target-Type/-ID name what the hook is installed on.
std::pair<std::string, std::string> installationTarget(SimContext& ctx, const Hook& hook) {
  if (hook.isApp) return {"integration", std::to_string(ctx.options.appId)};
  if (hook.scope.isOrg()) {
    return {"organization", std::to_string(ctx.state.accountId(hook.scope.owner))};
  }
  return {"repository",
          std::to_string(ctx.state.repositoryId(hook.scope.owner + "/" + hook.scope.repo))};
}

// What goes on the wire: the JSON itself, or for "form" hooks payload=<url-encoded JSON>.
// GitHub signs the bytes it sends, so the signature is computed over this body.
std::pair<std::string, std::string> wireBody(const Hook& hook, const std::string& json) {
  if (hook.contentType != "form") return {"application/json", json};
  std::string encoded;
  Poco::URI::encode(json, "!#$&'()*+,/:;=?@[]", encoded);
  return {"application/x-www-form-urlencoded", "payload=" + encoded};
}

void queueDelivery(SimContext& ctx, Delivery delivery, const Hook& hook) {
  const auto [targetType, targetId] = installationTarget(ctx, hook);
  const auto [contentType, body] = wireBody(hook, delivery.requestBody);
  delivery.requestHeaders = {
      {"Accept", "*/*"},
      {"Content-Type", contentType},
      {"User-Agent", kUserAgent},
      {"X-GitHub-Delivery", delivery.guid},
      {"X-GitHub-Event", delivery.event},
      {"X-GitHub-Hook-ID", std::to_string(hook.id)},
      {"X-GitHub-Hook-Installation-Target-ID", targetId},
      {"X-GitHub-Hook-Installation-Target-Type", targetType},
  };
  if (!hook.secret.empty()) {
    // GitHub still sends the legacy SHA-1 signature next to the SHA-256 one.
    delivery.requestHeaders.emplace_back("X-Hub-Signature", webhookSignature1(hook.secret, body));
    delivery.requestHeaders.emplace_back("X-Hub-Signature-256",
                                         webhookSignature256(hook.secret, body));
  }
  delivery.deliveredAt = ctx.clock.nowSeconds();

  OutgoingDelivery outgoing;
  outgoing.deliveryId = delivery.id;
  outgoing.url = hook.url;
  outgoing.insecure = hook.insecureSsl == "1" || ctx.options.webhookInsecure;
  outgoing.caFile = ctx.options.webhookCaFile;
  outgoing.headers = delivery.requestHeaders;
  outgoing.body = body;
  ctx.state.deliveries[delivery.id] = std::move(delivery);
  ctx.sender.enqueue(std::move(outgoing));
}

bool hookCovers(const Hook& hook, const Job& job) {
  if (hook.isApp) return true;
  if (hook.scope.isOrg()) return !job.org.empty() && equalsIgnoreCase(hook.scope.owner, job.org);
  return equalsIgnoreCase(hook.scope.owner + "/" + hook.scope.repo, job.repo);
}

PayloadOptions payloadOptions(SimContext& ctx, const Hook& hook, std::int64_t installationId) {
  PayloadOptions options;
  options.urls = ctx.urls();
  options.appId = ctx.options.appId;
  // Only deliveries to a GitHub App's hook name the installation.
  options.installationId = hook.isApp ? installationId : 0;
  return options;
}

}  // namespace

void sendWorkflowJob(SimContext& ctx, const Job& job, const std::string& action) {
  for (const auto& [id, hook] : ctx.state.hooks) {
    if (!hook.wants("workflow_job") || !hookCovers(hook, job)) continue;
    const PayloadOptions options = payloadOptions(ctx, hook, job.installationId);
    Delivery delivery;
    delivery.id = ctx.state.nextDeliveryId++;
    delivery.guid = newGuid();
    delivery.hookId = hook.id;
    delivery.event = "workflow_job";
    delivery.action = action;
    delivery.installationId = options.installationId;
    delivery.repositoryId = ctx.state.repositoryId(job.repo);
    delivery.jobId = job.id;
    delivery.requestBody = workflowJobPayload(ctx.state, job, action, options);
    queueDelivery(ctx, std::move(delivery), hook);
  }
}

void sendPing(SimContext& ctx, const Hook& hook) {
  Delivery delivery;
  delivery.id = ctx.state.nextDeliveryId++;
  delivery.guid = newGuid();
  delivery.hookId = hook.id;
  delivery.event = "ping";
  if (!hook.isApp && !hook.scope.isOrg()) {
    delivery.repositoryId = ctx.state.repositoryId(hook.scope.owner + "/" + hook.scope.repo);
  }
  delivery.requestBody = pingPayload(ctx.state, hook, payloadOptions(ctx, hook, 0));
  queueDelivery(ctx, std::move(delivery), hook);
}

std::int64_t redeliver(SimContext& ctx, const Delivery& original) {
  Delivery copy;
  copy.id = ctx.state.nextDeliveryId++;
  copy.guid = original.guid;
  copy.hookId = original.hookId;
  copy.event = original.event;
  copy.action = original.action;
  copy.redelivery = true;
  copy.installationId = original.installationId;
  copy.repositoryId = original.repositoryId;
  copy.jobId = original.jobId;
  copy.requestBody = original.requestBody;
  const auto hook = ctx.state.hooks.find(original.hookId);
  const std::int64_t id = copy.id;
  if (hook == ctx.state.hooks.end()) {
    // The hook is gone: record the attempt as failed, as GitHub would show it.
    copy.pending = false;
    copy.status = "hook not found";
    copy.deliveredAt = ctx.clock.nowSeconds();
    ctx.state.deliveries[id] = std::move(copy);
    return id;
  }
  queueDelivery(ctx, std::move(copy), hook->second);
  return id;
}

void recordDeliveryOutcome(SimContext& ctx, std::int64_t deliveryId,
                           const DeliveryOutcome& outcome) {
  std::lock_guard<std::mutex> lock(ctx.state.mutex);
  auto it = ctx.state.deliveries.find(deliveryId);
  if (it == ctx.state.deliveries.end()) return;  // reset while in flight
  Delivery& delivery = it->second;
  delivery.pending = false;
  delivery.statusCode = outcome.statusCode;
  delivery.durationSeconds = outcome.durationSeconds;
  delivery.responseHeaders = outcome.responseHeaders;
  delivery.responseBody = outcome.responseBody;
  if (!outcome.error.empty()) {
    delivery.status = outcome.error;
  } else if (outcome.statusCode >= 200 && outcome.statusCode < 300) {
    delivery.status = "OK";
  } else {
    delivery.status = "Invalid HTTP Response: " + std::to_string(outcome.statusCode);
  }
  auto hook = ctx.state.hooks.find(delivery.hookId);
  if (hook != ctx.state.hooks.end()) {
    hook->second.lastResponseCode = outcome.statusCode;
    hook->second.lastResponseStatus = delivery.status == "OK" ? "active" : "failed";
    hook->second.lastResponseMessage = delivery.status;
  }
  ctx.persist();
}

}  // namespace lxdrunner::github_sim
