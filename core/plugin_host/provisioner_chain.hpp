// SPDX-License-Identifier: Apache-2.0
// The rule for an entry's chain of provisioners (`provisioners: [steps..., runner]`): every
// one but the last is a step (LXDR_PROVISIONER_STEP), the last starts the runner. The daemon
// checks it on the instances it created, check-config on the descriptors it loaded.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plugin_host/plugin_info.hpp"

namespace lxdrunner::plugin_host {

// True when the provisioner's operations table carries LXDR_PROVISIONER_STEP.
bool isStep(const PluginInfo& provisioner);

// Why the chain of runnermap entry `entry` cannot run, in one line, or nullopt. `is_step`
// says whether a provisioner is a step, or nullopt for one that is not loaded (its absence
// is reported where plugins are looked up).
std::optional<std::string> chainProblem(
    const std::string& entry, const std::vector<std::string>& chain,
    const std::function<std::optional<bool>(const std::string&)>& is_step);

}  // namespace lxdrunner::plugin_host
