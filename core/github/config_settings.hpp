// SPDX-License-Identifier: Apache-2.0
// The GitHub client's settings from the configuration, shared by the daemon and the commands
// that talk to GitHub (doctor, webhook install), so they never disagree on credentials.
#pragma once

#include "config/model.hpp"
#include "github/github_client.hpp"

namespace lxdrunner::github {

// PAT or GitHub App credentials and the API URL; installation tokens learned at run time are
// registered with the log redactor.
ClientSettings settingsFromConfig(const config::Config& config);

}  // namespace lxdrunner::github
