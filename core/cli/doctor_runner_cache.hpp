// SPDX-License-Identifier: Apache-2.0
// The doctor's runner cache check: each platform the runnermap uses has a verified package
// under runner_cache_dir, and it is the version GitHub lists as the latest. Read-only: the
// cache is inspected through its `current` links, never through a RunnerCache (whose
// constructor cleans up, which must not race a running daemon's download).
#pragma once

#include <string>

#include "cli/doctor_report.hpp"
#include "config/config.hpp"
#include "github/github_client.hpp"

namespace lxdrunner::cli {

// `client` may be null (credentials unusable): versions are then not compared. `scope` is
// "repos/OWNER/REPO" or "orgs/ORG" to ask for the latest version; empty = do not ask.
void checkRunnerCache(const config::Config& config, github::GithubClient* client,
                      const std::string& scope, DoctorReport& report);

}  // namespace lxdrunner::cli
