// SPDX-License-Identifier: Apache-2.0
#include "sim/webhook_payloads.hpp"

#include "sim/actions_objects.hpp"
#include "sim/hook_objects.hpp"

namespace lxdrunner::github_sim {

std::string workflowJobPayload(SimState& state, const Job& job, const std::string& action,
                               const PayloadOptions& options) {
  const bool orgOwned = !job.org.empty();
  JsonObject payload = newObject();
  payload->set("action", action);
  payload->set("workflow_job", workflowJobJson(job, options.urls));
  payload->set("repository", repositoryJson(state, job.repo, orgOwned, options.urls));
  // User repositories have no organization block; receivers must cope with its absence.
  if (orgOwned) payload->set("organization", organizationJson(state, job.org, options.urls));
  payload->set("sender", accountJson(state, options.senderLogin, "User", options.urls));
  if (options.installationId != 0) {
    payload->set("installation", installationJson(options.installationId));
  }
  return toJson(payload);
}

std::string pingPayload(SimState& state, const Hook& hook, const PayloadOptions& options) {
  JsonObject hookObject = hookJson(hook, options.urls);
  if (hook.isApp) {
    hookObject->remove("url");
    hookObject->remove("test_url");
    hookObject->remove("ping_url");
    hookObject->remove("deliveries_url");
    hookObject->set("app_id", options.appId);
  }
  JsonObject payload = newObject();
  payload->set("zen", "Keep it logically awesome.");
  payload->set("hook_id", hook.id);
  payload->set("hook", hookObject);
  if (!hook.isApp && hook.scope.isOrg()) {
    payload->set("organization", organizationJson(state, hook.scope.owner, options.urls));
  } else if (!hook.isApp) {
    payload->set("repository", repositoryJson(state, hook.scope.owner + "/" + hook.scope.repo,
                                              false, options.urls));
  }
  payload->set("sender", accountJson(state, options.senderLogin, "User", options.urls));
  return toJson(payload);
}

}  // namespace lxdrunner::github_sim
