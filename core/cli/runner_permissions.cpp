// SPDX-License-Identifier: Apache-2.0
#include "cli/runner_permissions.hpp"

namespace lxdrunner::cli {
namespace {

struct ScopesUsed {
  bool repo = false;           // an entry with runner_scope repo
  bool org = false;            // an entry with runner_scope org
  bool autos = false;          // an entry with runner_scope auto
  bool downloads_org = false;  // runner_downloads_scope names an organisation
  bool orgRunners() const { return org || autos; }
};

ScopesUsed scopesUsed(const config::Config& config) {
  ScopesUsed used;
  for (const auto& entry : config.runnermap) {
    used.repo = used.repo || entry.runner_scope == config::RunnerScope::Repo;
    used.org = used.org || entry.runner_scope == config::RunnerScope::Org;
    used.autos = used.autos || entry.runner_scope == config::RunnerScope::Auto;
  }
  const auto& downloads = config.dispatcher.runner_downloads_scope;
  used.downloads_org = !downloads.empty() && downloads.find('/') == std::string::npos;
  return used;
}

}  // namespace

PermissionNeeds patScopeNeeds(const config::Config& config, const std::set<std::string>& scopes) {
  const ScopesUsed used = scopesUsed(config);
  PermissionNeeds needs;
  if (scopes.count("repo") == 0) needs.missing.push_back("repo");
  const bool org_scope = scopes.count("admin:org") > 0 || scopes.count("manage_runners:org") > 0;
  if ((used.orgRunners() || used.downloads_org) && !org_scope) {
    needs.missing.push_back(used.orgRunners()
                                ? "admin:org or manage_runners:org (organisation runners: "
                                  "runner_scope org or auto)"
                                : "admin:org (runner_downloads_scope is an organisation)");
  }
  return needs;
}

PermissionNeeds appPermissionNeeds(
    const config::Config& config,
    const std::function<std::string(const std::string&)>& permission) {
  const ScopesUsed used = scopesUsed(config);
  PermissionNeeds needs;
  const bool administration = permission("administration") == "write";
  if (used.repo && !administration) {
    needs.missing.push_back("administration: write (repository runners: runner_scope repo)");
  } else if (!used.orgRunners() && !administration) {
    needs.missing.push_back("administration: write");
  } else if (used.autos && !administration) {
    needs.advice.push_back(
        "administration: write, for jobs of repositories outside an organisation (runner_scope "
        "auto registers those in the repository)");
  }
  const std::string org_runners = permission("organization_self_hosted_runners");
  if (used.orgRunners() && org_runners != "write") {
    needs.missing.push_back(
        "organization_self_hosted_runners: write (organisation runners: runner_scope org or "
        "auto)");
  } else if (used.downloads_org && org_runners.empty()) {
    needs.missing.push_back(
        "organization_self_hosted_runners: read (runner_downloads_scope is an organisation)");
  }
  return needs;
}

}  // namespace lxdrunner::cli
