// SPDX-License-Identifier: Apache-2.0
// The doctor's GitHub checks: the credentials are accepted and carry the scopes or App
// permissions lxdrunner needs, and the webhook that feeds the daemon exists and delivers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "cli/doctor_report.hpp"
#include "config/config.hpp"
#include "github/github_client.hpp"

namespace lxdrunner::cli {

// The repositories and organisations whose webhooks and runners the doctor looks at:
// --repo / --org when given, else event_sources.poll.repositories.
struct GithubTargets {
  std::vector<std::string> repos;  // OWNER/REPO
  std::vector<std::string> orgs;   // ORG
  bool empty() const { return repos.empty() && orgs.empty(); }
};

GithubTargets githubTargets(const config::Config& config, std::vector<std::string> repos,
                            std::vector<std::string> orgs);

// For a command-line check: the daemon's client settings, with fewer retries so it answers
// quickly.
github::ClientSettings cliGithubClientSettings(const config::Config& config);

// The path the webhook event source serves (event_sources.webhook.path), or empty when the
// webhook source is not enabled.
std::string webhookPath(const config::Config& config);

// Returns the client when the credentials work (nullptr otherwise, with the reason reported).
std::unique_ptr<github::GithubClient> checkGithubCredentials(const config::Config& config,
                                                             const GithubTargets& targets,
                                                             DoctorReport& report);

void checkWebhooks(const config::Config& config, github::GithubClient& client,
                   const GithubTargets& targets, DoctorReport& report);

// The runner groups the runnermap names exist in each --org organisation (one line per
// group and organisation); a warning without --org.
void checkRunnerGroups(const config::Config& config, github::GithubClient& client,
                       const GithubTargets& targets, DoctorReport& report);

}  // namespace lxdrunner::cli
