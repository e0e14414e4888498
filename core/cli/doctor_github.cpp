// SPDX-License-Identifier: Apache-2.0
#include "cli/doctor_github.hpp"

#include "github/config_settings.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <sstream>

#include "cli/runner_permissions.hpp"
#include "github/http_transport.hpp"
#include "github/runner_groups.hpp"
#include "logging/logging.hpp"

namespace lxdrunner::cli {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

constexpr std::chrono::milliseconds kRequestTimeout{15000};
constexpr std::chrono::seconds kCallDeadline{30};
constexpr int kRecentDeliveries = 20;
const char* const kApiVersion = "2022-11-28";

Object::Ptr parseObjectOrEmpty(const std::string& json) {
  try {
    Poco::JSON::Parser parser;
    auto object = parser.parse(json.empty() ? "{}" : json).extract<Object::Ptr>();
    if (object) return object;
  } catch (const Poco::Exception&) {
  } catch (const std::exception&) {
  }
  return new Object();
}

Array::Ptr parseArrayOrEmpty(const std::string& json) {
  try {
    Poco::JSON::Parser parser;
    auto array = parser.parse(json).extract<Array::Ptr>();
    if (array) return array;
  } catch (const Poco::Exception&) {
  } catch (const std::exception&) {
  }
  return new Array();
}

std::string stringOf(const Object::Ptr& object, const std::string& key) {
  return object && object->has(key) && !object->isNull(key) ? object->get(key).toString()
                                                            : std::string();
}

std::string githubMessage(const std::string& body) {
  const std::string message = stringOf(parseObjectOrEmpty(body), "message");
  return message.empty() ? std::string("no message") : message;
}

github::RequestOptions bounded() {
  github::RequestOptions options;
  options.deadline = std::chrono::steady_clock::now() + kCallDeadline;
  return options;
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A URL's path without its query, for matching the webhook path.
std::string urlPathPart(const std::string& url) {
  return url.substr(0, url.find('?'));
}

// Direct calls that need what the client does not hand out: response headers (token scopes)
// and the App's JWT on /app routes.
class DirectGithub {
 public:
  explicit DirectGithub(const std::string& api_url)
      : transport_(github::TransportSettings{api_url, "", "lxdrunner", 1}) {}
  github::HttpAnswer send(const std::string& method, const std::string& path,
                          const std::string& bearer) {
    return transport_.send(method, path,
                           {{"Accept", "application/vnd.github+json"},
                            {"X-GitHub-Api-Version", kApiVersion},
                            {"Authorization", "Bearer " + bearer}},
                           "", kRequestTimeout);
  }

 private:
  github::HttpTransport transport_;
};

std::set<std::string> splitScopes(const std::string& header) {
  std::set<std::string> out;
  std::istringstream in(header);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (!item.empty()) out.insert(item);
  }
  return out;
}

// Organisation runners (runner_scope org or auto), or an organisation runner_downloads_scope,
// make lxdrunner call an organisation's runner endpoints.
bool needsOrgRunners(const config::Config& config) {
  for (const auto& entry : config.runnermap) {
    if (entry.runner_scope != config::RunnerScope::Repo) return true;
  }
  const auto& scope = config.dispatcher.runner_downloads_scope;
  return !scope.empty() && scope.find('/') == std::string::npos;
}

bool checkPat(const config::Config& config, const GithubTargets& targets, DoctorReport& report) {
  const std::string check = "github credentials";
  DirectGithub direct(config.github_api_url);
  github::HttpAnswer answer;
  try {
    answer = direct.send("GET", "/rate_limit", config.pat.reveal());
  } catch (const Poco::Exception& e) {
    report.fail(check,
                "GitHub at " + config.github_api_url + " cannot be reached: " + e.displayText(),
                "check github_api_url, DNS, proxies and firewalls");
    return false;
  }
  if (answer.status == 401) {
    report.fail(check, "GitHub rejected the PAT (401 " + githubMessage(answer.body) + ")",
                "create a new token and put it in pat (classic: scope repo, plus admin:org for "
                "organisations; fine-grained: Administration read and write)");
    return false;
  }
  if (answer.status != 200) {
    report.fail(check,
                "GET /rate_limit with the PAT answered " + std::to_string(answer.status) + " (" +
                    githubMessage(answer.body) + ")",
                "check github_api_url and the token");
    return false;
  }
  const std::string remaining = answer.header("x-ratelimit-remaining");
  const std::string limit = answer.header("x-ratelimit-limit");
  report.ok(check, "PAT accepted by " + config.github_api_url +
                       (remaining.empty() ? std::string()
                                          : " (rate limit " + remaining + "/" + limit + " left)"));

  const std::string scopes_check = "github token scopes";
  if (answer.headers.count("x-oauth-scopes") == 0) {
    report.ok(
        scopes_check,
        "no X-OAuth-Scopes header (a fine-grained token): it needs Administration read and "
        "write on the repositories" +
            std::string(
                needsOrgRunners(config)
                    ? ", and Self-hosted runners read and write on the organisations (organisation "
                      "runners, or runner_downloads_scope)"
                    : "") +
            "; the calls below show whether it has them");
    return true;
  }
  const auto scopes = splitScopes(answer.header("x-oauth-scopes"));
  const std::vector<std::string> missing = patScopeNeeds(config, scopes).missing;
  std::string have;
  for (const auto& s : scopes) have += (have.empty() ? "" : ", ") + s;
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    report.fail(
        scopes_check,
        "the PAT lacks " + names + " (it has: " + (have.empty() ? std::string("none") : have) + ")",
        "edit the token on GitHub (Settings > Developer settings) to add " + names);
    return true;
  }
  if (!targets.orgs.empty() && scopes.count("admin:org_hook") == 0) {
    report.warn(scopes_check, "scopes " + have + ": no admin:org_hook",
                "add admin:org_hook to check or install organisation webhooks");
    return true;
  }
  report.ok(scopes_check, "scopes " + have);
  return true;
}

bool checkApp(const config::Config& config, const github::GithubClient& client,
              const GithubTargets& targets, DoctorReport& report) {
  const std::string check = "github credentials";
  const auto& app = *config.github_app;
  DirectGithub direct(config.github_api_url);
  github::HttpAnswer answer;
  try {
    answer = direct.send("GET", "/app", client.appJwt());
  } catch (const Poco::Exception& e) {
    report.fail(check,
                "GitHub at " + config.github_api_url + " cannot be reached: " + e.displayText(),
                "check github_api_url, DNS, proxies and firewalls");
    return false;
  }
  if (answer.status != 200) {
    report.fail(check,
                "GitHub rejected the App's JWT (" + std::to_string(answer.status) + " " +
                    githubMessage(answer.body) + ")",
                "check github_app.app_id, that github_app.private_key belongs to that App, and "
                "this host's clock");
    return false;
  }
  auto info = parseObjectOrEmpty(answer.body);
  report.ok(check, "GitHub App '" + stringOf(info, "slug") + "' (id " + std::to_string(app.app_id) +
                       ") accepted by " + config.github_api_url);

  const std::string install_check =
      "github app installation " + std::to_string(app.installation_id);
  try {
    answer = direct.send(
        "POST", "/app/installations/" + std::to_string(app.installation_id) + "/access_tokens",
        client.appJwt());
  } catch (const Poco::Exception& e) {
    report.fail(install_check, "cannot ask for an installation token: " + e.displayText(),
                "check the network, then run the doctor again");
    return false;
  }
  if (answer.status != 201 && answer.status != 200) {
    report.fail(install_check,
                "no installation token (" + std::to_string(answer.status) + " " +
                    githubMessage(answer.body) + ")",
                "check github_app.installation_id: it is in the URL of the installation's "
                "settings page");
    return false;
  }
  auto token = parseObjectOrEmpty(answer.body);
  logging::addSecret(stringOf(token, "token"));
  auto permissions = token->getObject("permissions");
  auto permission = [&](const std::string& name) { return stringOf(permissions, name); };
  const PermissionNeeds needs = appPermissionNeeds(config, permission);
  const std::vector<std::string>& missing = needs.missing;
  if (!missing.empty()) {
    std::string names;
    for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
    report.fail(install_check, "the installation lacks " + names,
                "grant it in the App's settings (Permissions), then accept the new permissions "
                "in the installation");
    return true;
  }
  if (!needs.advice.empty()) {
    report.warn(install_check, "token issued, but no " + needs.advice.front(),
                "grant it in the App's settings if such jobs come, or set runner_scope: org");
    return true;
  }
  std::vector<std::string> hook_missing;
  if (!targets.repos.empty() && permission("repository_hooks").empty()) {
    hook_missing.push_back("repository_hooks");
  }
  if (!targets.orgs.empty() && permission("organization_hooks").empty()) {
    hook_missing.push_back("organization_hooks");
  }
  if (!hook_missing.empty()) {
    std::string names;
    for (const auto& m : hook_missing) names += (names.empty() ? "" : ", ") + m;
    report.warn(install_check, "token issued, but no " + names + " permission",
                "grant it to check or install repository/organisation webhooks (the App's own "
                "hook needs none)");
    return true;
  }
  std::string granted;
  for (const std::string name : {"administration", "organization_self_hosted_runners"}) {
    if (!permission(name).empty()) {
      granted += (granted.empty() ? "" : ", ") + name + ": " + permission(name);
    }
  }
  report.ok(install_check, "token issued; " + granted);
  return true;
}

// Reports the recent deliveries of one hook: the newest failing is a failure, older
// failures a warning.
void reportDeliveries(const std::string& check, const std::string& url, Array::Ptr deliveries,
                      DoctorReport& report) {
  if (!deliveries || deliveries->size() == 0) {
    report.ok(check + ": deliveries", "no deliveries yet");
    return;
  }
  const size_t n = std::min<size_t>(deliveries->size(), kRecentDeliveries);
  size_t failed = 0;
  std::string newest_status;
  bool newest_failed = false;
  for (size_t i = 0; i < n; ++i) {
    auto d = deliveries->getObject(static_cast<unsigned>(i));
    const std::string code = stringOf(d, "status_code");
    const bool ok = code.size() == 3 && code[0] == '2';
    if (!ok) ++failed;
    if (i == 0) {
      newest_failed = !ok;
      newest_status = stringOf(d, "status") + " (" + code + ")";
    }
  }
  const std::string counts =
      std::to_string(failed) + " of the last " + std::to_string(n) + " deliveries failed";
  const std::string fix = "make " + url +
                          " reach the daemon (web_host, web_port, TLS, proxies) and hooksecret "
                          "match; then redeliver on GitHub (the poll source picks up missed jobs)";
  if (newest_failed) {
    report.fail(check + ": deliveries", counts + "; the newest: " + newest_status, fix);
  } else if (failed > 0) {
    report.warn(check + ": deliveries", counts + "; the newest succeeded", fix);
  } else {
    report.ok(check + ": deliveries",
              n == 1 ? std::string("the one recent delivery succeeded")
                     : "the last " + std::to_string(n) + " deliveries succeeded");
  }
}

bool pollEnabled(const config::Config& config) {
  return std::any_of(config.event_sources.begin(), config.event_sources.end(),
                     [](const auto& s) { return s.name == "poll" && s.enabled; });
}

void checkScopeHook(const config::Config& config, github::GithubClient& client,
                    const std::string& scope, const std::string& install_option,
                    const std::string& path, DoctorReport& report) {
  const std::string check = "webhook " + scope;
  Array::Ptr hooks;
  try {
    hooks = parseArrayOrEmpty(client.paginate("/" + scope + "/hooks?per_page=100", "", bounded()));
  } catch (const github::GithubError& e) {
    report.fail(check, std::string("cannot list its webhooks: ") + e.what(),
                "give the credentials access to the webhooks (classic PAT: repo or "
                "admin:org_hook; App: repository_hooks / organization_hooks read)");
    return;
  }
  Object::Ptr hook;
  for (size_t i = 0; i < hooks->size() && !hook; ++i) {
    auto candidate = hooks->getObject(static_cast<unsigned>(i));
    if (endsWith(urlPathPart(stringOf(candidate->getObject("config"), "url")), path)) {
      hook = candidate;
    }
  }
  if (!hook) {
    report.fail(check, "no webhook sends to a URL ending in " + path,
                "run 'lxdrunner webhook install " + install_option + " --url https://HOST" + path +
                    "'" + (pollEnabled(config) ? "" : " (or enable event_sources.poll)"));
    return;
  }
  auto hook_config = hook->getObject("config");
  const std::string url = stringOf(hook_config, "url");
  std::vector<std::string> problems;
  if (stringOf(hook, "active") != "true") problems.push_back("it is not active");
  auto events = hook->getArray("events");
  bool workflow_job = false;
  for (size_t i = 0; events && i < events->size(); ++i) {
    const auto event = events->getElement<std::string>(static_cast<unsigned>(i));
    if (event == "workflow_job" || event == "*") workflow_job = true;
  }
  if (!workflow_job) problems.push_back("it does not send workflow_job events");
  if (stringOf(hook_config, "content_type") != "json")
    problems.push_back("its content type is not json");
  if (stringOf(hook_config, "secret").empty() &&
      !config.hooksecretFor(config::defaults::kWebhookSource).empty()) {
    problems.push_back("it has no secret, so the daemon rejects its deliveries");
  }
  const std::string id = stringOf(hook, "id");
  if (!problems.empty()) {
    std::string text;
    for (const auto& p : problems) text += (text.empty() ? "" : "; ") + p;
    report.fail(check, "hook " + id + " to " + url + ": " + text,
                "run 'lxdrunner webhook install " + install_option + " --url " + url + "'");
    return;
  }
  report.ok(check, "hook " + id + " sends workflow_job to " + url);
  try {
    auto r = client.call(
        "GET",
        "/" + scope + "/hooks/" + id + "/deliveries?per_page=" + std::to_string(kRecentDeliveries),
        {}, bounded());
    reportDeliveries(check, url, parseArrayOrEmpty(r.body), report);
  } catch (const github::GithubError& e) {
    report.warn(check + ": deliveries", std::string("cannot list them: ") + e.what(),
                "give the credentials read access to the webhooks");
  }
}

void checkAppHook(const config::Config& config, const github::GithubClient& client,
                  const std::string& path, DoctorReport& report) {
  const std::string check = "webhook of the GitHub App";
  DirectGithub direct(config.github_api_url);
  try {
    auto answer = direct.send("GET", "/app/hook/config", client.appJwt());
    if (answer.status != 200) {
      report.fail(check,
                  "GET /app/hook/config answered " + std::to_string(answer.status) + " (" +
                      githubMessage(answer.body) + ")",
                  "set the App's webhook URL in its settings, or pass --repo/--org to check "
                  "repository or organisation webhooks");
      return;
    }
    auto hook_config = parseObjectOrEmpty(answer.body);
    const std::string url = stringOf(hook_config, "url");
    if (!endsWith(urlPathPart(url), path)) {
      report.fail(check, "the App's webhook URL is '" + url + "', not one ending in " + path,
                  "set it to https://HOST" + path +
                      " in the App's settings (and subscribe to Workflow job events)");
      return;
    }
    report.ok(check, "sends to " + url);
    answer =
        direct.send("GET", "/app/hook/deliveries?per_page=" + std::to_string(kRecentDeliveries),
                    client.appJwt());
    if (answer.status != 200) {
      report.warn(check + ": deliveries",
                  "cannot list them (" + std::to_string(answer.status) + ")",
                  "check the App's permissions");
      return;
    }
    reportDeliveries(check, url, parseArrayOrEmpty(answer.body), report);
  } catch (const Poco::Exception& e) {
    report.fail(check, "GitHub cannot be reached: " + e.displayText(),
                "check github_api_url and the network");
  }
}

}  // namespace

GithubTargets githubTargets(const config::Config& config, std::vector<std::string> repos,
                            std::vector<std::string> orgs) {
  GithubTargets targets{std::move(repos), std::move(orgs)};
  if (!targets.empty()) return targets;
  for (const auto& source : config.event_sources) {
    if (source.name != "poll" || !source.enabled) continue;
    auto list = parseObjectOrEmpty(source.settings_json)->getArray("repositories");
    for (size_t i = 0; list && i < list->size(); ++i) {
      targets.repos.push_back(list->getElement<std::string>(static_cast<unsigned>(i)));
    }
  }
  return targets;
}

github::ClientSettings cliGithubClientSettings(const config::Config& config) {
  github::ClientSettings settings = github::settingsFromConfig(config);
  settings.max_attempts = 2;
  return settings;
}

std::string webhookPath(const config::Config& config) {
  for (const auto& source : config.event_sources) {
    if (source.name != "webhook" || !source.enabled) continue;
    const std::string path = stringOf(parseObjectOrEmpty(source.settings_json), "path");
    return path.empty() ? std::string("/hooks/lxdrunner") : path;
  }
  return {};
}

std::unique_ptr<github::GithubClient> checkGithubCredentials(const config::Config& config,
                                                             const GithubTargets& targets,
                                                             DoctorReport& report) {
  std::unique_ptr<github::GithubClient> client;
  try {
    client = std::make_unique<github::GithubClient>(cliGithubClientSettings(config));
  } catch (const std::exception& e) {
    report.fail("github credentials", e.what(), "fix pat or github_app in the configuration");
    return nullptr;
  }
  const bool usable = config.github_app ? checkApp(config, *client, targets, report)
                                        : checkPat(config, targets, report);
  return usable ? std::move(client) : nullptr;
}

void checkWebhooks(const config::Config& config, github::GithubClient& client,
                   const GithubTargets& targets, DoctorReport& report) {
  const std::string path = webhookPath(config);
  if (path.empty()) {
    report.ok("webhook", "the webhook event source is not enabled: nothing to check");
    return;
  }
  if (targets.empty()) {
    if (config.github_app) {
      checkAppHook(config, client, path, report);
      return;
    }
    report.warn("webhook", "no repository or organisation to look at",
                "pass --repo OWNER/REPO or --org ORG, or list repositories in "
                "event_sources.poll.repositories");
    return;
  }
  for (const auto& repo : targets.repos) {
    checkScopeHook(config, client, "repos/" + repo, "--repo " + repo, path, report);
  }
  for (const auto& org : targets.orgs) {
    checkScopeHook(config, client, "orgs/" + org, "--org " + org, path, report);
  }
}

void checkRunnerGroups(const config::Config& config, github::GithubClient& client,
                       const GithubTargets& targets, DoctorReport& report) {
  std::map<std::string, std::string> groups;  // group -> the first entry naming it
  for (const auto& entry : config.runnermap) {
    if (entry.runner_group.empty() || entry.runner_scope == config::RunnerScope::Repo) continue;
    groups.emplace(entry.runner_group, entry.name);
  }
  if (groups.empty()) return;
  if (targets.orgs.empty()) {
    report.warn("runner groups", "not checked: no organisation to look in",
                "pass --org ORG to check that the runnermap's runner groups exist there");
    return;
  }
  github::RunnerGroups lookup(client);
  for (const auto& org : targets.orgs) {
    for (const auto& [group, entry] : groups) {
      const std::string check = "runner group '" + group + "' of " + org;
      try {
        const uint64_t id = lookup.resolve(org, group, "", bounded());
        report.ok(check, "id " + std::to_string(id) + " (runnermap entry '" + entry + "')");
      } catch (const std::exception& e) {
        report.fail(check, e.what(),
                    "create the group (organisation settings > Actions > Runner groups) or "
                    "fix runner_group of runnermap entry '" +
                        entry + "'");
      }
    }
  }
}

}  // namespace lxdrunner::cli
