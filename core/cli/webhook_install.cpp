// SPDX-License-Identifier: Apache-2.0
#include "cli/webhook_install.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <chrono>
#include <sstream>
#include <vector>

#include "cli/doctor_github.hpp"
#include "cli/webhook_install_record.hpp"

namespace lxdrunner::cli {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr std::chrono::seconds kDeadline{60};
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 64;

github::RequestOptions bounded() {
  github::RequestOptions options;
  options.deadline = std::chrono::steady_clock::now() + kDeadline;
  return options;
}

std::string stringOf(const Object::Ptr& object, const std::string& key) {
  return object && object->has(key) && !object->isNull(key) ? object->get(key).toString()
                                                            : std::string();
}

std::string pathOf(const std::string& url) {
  try {
    return Poco::URI(url).getPath();
  } catch (const Poco::Exception&) {
    return {};
  }
}

Object::Ptr findHook(const Array::Ptr& hooks, const std::string& url) {
  for (size_t i = 0; hooks && i < hooks->size(); ++i) {
    auto hook = hooks->getObject(static_cast<unsigned>(i));
    if (stringOf(hook->getObject("config"), "url") == url) return hook;
  }
  // The daemon moved (new host name or port): the hook on the same path is ours.
  const std::string path = pathOf(url);
  if (path.empty() || path == "/") return nullptr;
  for (size_t i = 0; hooks && i < hooks->size(); ++i) {
    auto hook = hooks->getObject(static_cast<unsigned>(i));
    if (pathOf(stringOf(hook->getObject("config"), "url")) == path) return hook;
  }
  return nullptr;
}

std::string hookBody(const WebhookInstallRequest& request, bool create) {
  Object body;
  if (create) body.set("name", std::string("web"));
  body.set("active", true);
  Array::Ptr events = new Array();
  events->add(std::string("workflow_job"));
  body.set("events", events);
  Object::Ptr config = new Object();
  config->set("url", request.url);
  config->set("content_type", std::string("json"));
  // Always sent with the config: GitHub replaces the config as a whole.
  config->set("secret", request.secret);
  body.set("config", config);
  std::ostringstream out;
  body.stringify(out);
  return out.str();
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
  return out;
}

}  // namespace

WebhookInstallResult installWebhook(github::GithubClient& client,
                                    const WebhookInstallRequest& request) {
  Poco::JSON::Parser parser;
  auto hooks =
      parser.parse(client.paginate("/" + request.scope + "/hooks?per_page=100", "", bounded()))
          .extract<Array::Ptr>();
  WebhookSecretRecord record(request.record_file);
  WebhookInstallResult result;
  auto hook = findHook(hooks, request.url);
  if (!hook) {
    auto r =
        client.call("POST", "/" + request.scope + "/hooks", hookBody(request, true), bounded());
    Poco::JSON::Parser created_parser;
    auto created = created_parser.parse(r.body).extract<Object::Ptr>();
    result.outcome = WebhookOutcome::Created;
    result.hook_id = std::stoull(stringOf(created, "id"));
    result.line = "created webhook " + std::to_string(result.hook_id) + " on " + request.scope +
                  ": workflow_job events to " + request.url + " (json, with the hooksecret)";
  } else {
    result.hook_id = std::stoull(stringOf(hook, "id"));
    auto config = hook->getObject("config");
    std::vector<std::string> changes;
    const std::string old_url = stringOf(config, "url");
    if (old_url != request.url) changes.push_back("url (was " + old_url + ")");
    if (stringOf(config, "content_type") != "json") changes.push_back("content_type json");
    if (stringOf(hook, "active") != "true") changes.push_back("active");
    auto events = hook->getArray("events");
    if (!events || events->size() != 1 || events->getElement<std::string>(0) != "workflow_job") {
      changes.push_back("events [workflow_job]");
    }
    const std::string key =
        request.record_key + " " + request.scope + " " + std::to_string(result.hook_id);
    if (stringOf(config, "secret").empty() || !record.matches(key, request.secret)) {
      changes.push_back("secret");
    }
    if (changes.empty()) {
      result.outcome = WebhookOutcome::Unchanged;
      result.line = "webhook " + std::to_string(result.hook_id) + " on " + request.scope +
                    " already sends workflow_job events to " + request.url +
                    " with the hooksecret: nothing changed";
      return result;
    }
    client.call("PATCH", "/" + request.scope + "/hooks/" + std::to_string(result.hook_id),
                hookBody(request, false), bounded());
    result.outcome = WebhookOutcome::Updated;
    result.line = "updated webhook " + std::to_string(result.hook_id) + " on " + request.scope +
                  " (" + request.url + "): " + joined(changes);
  }
  const std::string key =
      request.record_key + " " + request.scope + " " + std::to_string(result.hook_id);
  try {
    record.remember(key, request.secret);
  } catch (const std::exception& e) {
    result.warning = std::string(e.what()) +
                     ": the next run cannot tell whether the secret is current and sets it again";
  }
  return result;
}

int runWebhookInstall(const config::Config& config, const WebhookInstallOptions& options,
                      std::ostream& out, std::ostream& err) {
  if (options.repo.empty() == options.org.empty()) {
    err << "lxdrunner: webhook install needs exactly one of --repo OWNER/REPO or --org ORG\n";
    return kExitUsage;
  }
  if (!options.repo.empty() && (options.repo.find('/') == std::string::npos ||
                                options.repo.front() == '/' || options.repo.back() == '/')) {
    err << "lxdrunner: --repo '" << options.repo << "' is not OWNER/REPO\n";
    return kExitUsage;
  }
  if (options.url.rfind("https://", 0) != 0 && options.url.rfind("http://", 0) != 0) {
    err << "lxdrunner: webhook install needs --url http(s)://HOST/PATH (where GitHub reaches the "
           "daemon's webhook route, by default /hooks/lxdrunner)\n";
    return kExitUsage;
  }
  // The secret the webhook source verifies deliveries with: its own, or the top-level one.
  const config::Secret& secret = config.hooksecretFor(config::defaults::kWebhookSource);
  if (secret.empty()) {
    err << "lxdrunner: hooksecret is not set in " << config.source_file
        << ": set it (the webhook event source verifies every delivery with it)\n";
    return kExitFailure;
  }
  WebhookInstallRequest request;
  request.scope = options.repo.empty() ? "orgs/" + options.org : "repos/" + options.repo;
  request.url = options.url;
  request.secret = secret.reveal();
  request.record_file = config.state_dir + "/webhook-secrets.json";
  request.record_key = config.github_api_url;
  try {
    github::GithubClient client(cliGithubClientSettings(config));
    auto result = installWebhook(client, request);
    out << result.line << '\n';
    if (!result.warning.empty()) err << "lxdrunner: warning: " << result.warning << '\n';
    const std::string path = webhookPath(config);
    if (!path.empty() && pathOf(request.url) != path) {
      err << "lxdrunner: warning: the URL's path is not " << path
          << ", the path the webhook event source serves (event_sources.webhook.path)\n";
    }
    return kExitOk;
  } catch (const github::GithubError& e) {
    err << "lxdrunner: webhook install on " << request.scope << ": " << e.what()
        << (e.kind() == github::GithubError::Kind::NotFound ||
                    e.kind() == github::GithubError::Kind::Forbidden
                ? " (check the name and that the credentials may manage its webhooks: classic "
                  "PAT repo or admin:org_hook, App repository_hooks or organization_hooks write)"
                : "")
        << '\n';
  } catch (const std::exception& e) {
    err << "lxdrunner: webhook install on " << request.scope << ": " << e.what() << '\n';
  }
  return kExitFailure;
}

}  // namespace lxdrunner::cli
