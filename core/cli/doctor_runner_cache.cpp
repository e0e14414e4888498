// SPDX-License-Identifier: Apache-2.0
#include "cli/doctor_runner_cache.hpp"

#include <chrono>
#include <set>
#include <utility>

#include "runner_cache/platform_dir.hpp"

namespace lxdrunner::cli {
namespace {

// "actions-runner-linux-x64-2.311.0.tar.gz" -> "2.311.0"; empty when the name has another form.
std::string versionInFilename(const std::string& filename, const std::string& os,
                              const std::string& arch) {
  const std::string prefix = "actions-runner-" + os + "-" + arch + "-";
  if (filename.rfind(prefix, 0) != 0) return {};
  std::string rest = filename.substr(prefix.size());
  for (const char* suffix : {".tar.gz", ".zip"}) {
    const std::string s(suffix);
    if (rest.size() > s.size() && rest.compare(rest.size() - s.size(), s.size(), s) == 0) {
      return rest.substr(0, rest.size() - s.size());
    }
  }
  return {};
}

}  // namespace

void checkRunnerCache(const config::Config& config, github::GithubClient* client,
                      const std::string& scope, DoctorReport& report) {
  std::set<std::pair<std::string, std::string>> platforms;
  for (const auto& entry : config.runnermap) {
    platforms.insert({std::string(config::toString(entry.runner_os)),
                      std::string(config::toString(entry.runner_arch))});
  }
  std::vector<github::RunnerDownload> listed;
  std::string listing_problem;
  if (client == nullptr) {
    listing_problem = "GitHub credentials unusable (see above)";
  } else if (scope.empty()) {
    listing_problem = "no repository known to ask (set runner_downloads_scope or pass --repo)";
  } else {
    try {
      github::RequestOptions options;
      options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      listed = client->runnerDownloads(scope, options);
    } catch (const github::GithubError& e) {
      listing_problem = std::string("cannot list runner downloads: ") + e.what();
    }
  }

  for (const auto& [os, arch] : platforms) {
    const std::string check = "runner cache " + os + "/" + arch;
    runner_cache::PlatformDir dir(std::filesystem::path(config.runner_cache_dir) /
                                  (os + "-" + arch));
    const std::string version = dir.currentVersion();
    if (version.empty()) {
      report.warn(check, "nothing cached yet in " + dir.path().string(),
                  "start the daemon with GitHub reachable: it downloads the runner package at "
                  "start (runners cannot start until it has)");
      continue;
    }
    const std::string file = runner_cache::PlatformDir::packageFileIn(dir.versionDir(version));
    if (file.empty()) {
      report.fail(check,
                  "version " + version + " in " + dir.path().string() +
                      " has no package file (damaged outside lxdrunner)",
                  "remove " + dir.versionDir(version).string() +
                      " and the 'current' link; the daemon downloads it again");
      continue;
    }
    std::string latest;
    for (const auto& d : listed) {
      if (d.os == os && d.architecture == arch) latest = versionInFilename(d.filename, os, arch);
    }
    if (!listing_problem.empty()) {
      report.warn(
          check,
          "runner " + version + " cached; the latest version was not checked: " + listing_problem,
          "fix the problem named, then run the doctor again");
    } else if (latest.empty()) {
      report.warn(check,
                  "runner " + version + " cached, but GitHub lists no " + os + "/" + arch +
                      " package for " + scope,
                  "check runner_downloads_scope");
    } else if (latest != version) {
      report.warn(check, "runner " + version + " cached; GitHub lists " + latest,
                  "the daemon switches at its next daily refresh; restart it to switch now");
    } else {
      report.ok(check, "runner " + version + " cached and current (" + file + ")");
    }
  }
}

}  // namespace lxdrunner::cli
