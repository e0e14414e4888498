// SPDX-License-Identifier: Apache-2.0
#include "cli/doctor.hpp"

#include "cli/doctor_devices.hpp"
#include "cli/doctor_github.hpp"
#include "cli/doctor_lxd.hpp"
#include "cli/doctor_report.hpp"
#include "cli/doctor_runner_cache.hpp"

namespace lxdrunner::cli {
namespace {

// Where to ask for the latest runner version: the configured scope, else a target.
std::string downloadsScope(const config::Config& config, const GithubTargets& targets) {
  const auto& configured = config.dispatcher.runner_downloads_scope;
  if (!configured.empty()) {
    return (configured.find('/') == std::string::npos ? "orgs/" : "repos/") + configured;
  }
  if (!targets.repos.empty()) return "repos/" + targets.repos.front();
  if (!targets.orgs.empty()) return "orgs/" + targets.orgs.front();
  return {};
}

}  // namespace

int runDoctor(const config::Config& config, plugin_host::PluginHost& plugins,
              const DoctorOptions& options, std::ostream& out) {
  DoctorReport report;
  checkBackends(config, plugins, report);
  checkLxdRemotes(config, report);
  checkDevicePools(config, report);
  const auto targets = githubTargets(config, options.repos, options.orgs);
  auto client = checkGithubCredentials(config, targets, report);
  if (client) {
    checkWebhooks(config, *client, targets, report);
    checkRunnerGroups(config, *client, targets, report);
  } else if (!webhookPath(config).empty()) {
    report.warn("webhook", "not checked: the GitHub credentials are unusable",
                "fix the credentials (see above), then run the doctor again");
  }
  checkRunnerCache(config, client.get(), downloadsScope(config, targets), report);
  plugins.destroyAll();
  if (options.json) {
    report.printJson(out);
  } else {
    report.printText(out);
  }
  return report.exitCode();
}

}  // namespace lxdrunner::cli
