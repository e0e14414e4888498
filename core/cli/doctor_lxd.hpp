// SPDX-License-Identifier: Apache-2.0
// The doctor's LXD checks: each backend plugin lists its instances; each LXD remote the
// runnermap launches on answers with its version and has a storage pool; each runnermap
// entry's image and profiles exist there and give instances a root disk.
#pragma once

#include "cli/doctor_report.hpp"
#include "config/config.hpp"
#include "plugin_host/plugin_host.hpp"

namespace lxdrunner::cli {

// The JSON a backend plugin's create() receives, as the daemon builds it: the plugin's own
// settings plus `manager` and `remotes` from the daemon-wide configuration.
std::string backendPluginConfig(const config::Config& config, const std::string& backend);

void checkBackends(const config::Config& config, plugin_host::PluginHost& plugins,
                   DoctorReport& report);
void checkLxdRemotes(const config::Config& config, DoctorReport& report);

}  // namespace lxdrunner::cli
