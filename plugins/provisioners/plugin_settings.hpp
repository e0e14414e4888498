// SPDX-License-Identifier: Apache-2.0
// A provisioner plugin's own configuration (the `plugins: <name>:` map, plus what the
// daemon injects): the GitHub web URL runners register against, and the default setup
// script. Read once at create(), so a bad path fails the daemon's start-up.
#pragma once

#include <string>

#include "lxdrunner/sdk/host.hpp"

namespace lxdrunner::provisioners {

struct PluginSettings {
  std::string github_url;            // e.g. https://github.com, without a trailing slash
  std::string default_setup_script;  // host path of config/runner-setup.sh as installed
  bool default_script_configured = false;
};

// Keys: github_url, default_setup_script. A configured script that cannot be read throws
// sdk::Error(LXDR_ERR_INVALID_ARGUMENT); the compiled-in fallback is checked per job.
PluginSettings readPluginSettings(const sdk::Host& host, const std::string& provisioner);

// The host path of the setup script a job uses: the entry's, else the default. Throws
// sdk::Error(LXDR_ERR_INVALID_ARGUMENT) naming the path and the key to fix when unreadable.
std::string setupScriptFor(const PluginSettings& plugin, const std::string& entry_script,
                           const std::string& provisioner);

}  // namespace lxdrunner::provisioners
