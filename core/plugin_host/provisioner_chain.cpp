// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/provisioner_chain.hpp"

#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::plugin_host {

bool isStep(const PluginInfo& provisioner) {
  if (provisioner.kind != LXDR_KIND_PROVISIONER || provisioner.descriptor.ops == nullptr) {
    return false;
  }
  const auto ops =
      sdk::readVersioned(static_cast<const lxdr_provisioner_ops*>(provisioner.descriptor.ops));
  return (ops.flags & LXDR_PROVISIONER_STEP) != 0;
}

std::optional<std::string> chainProblem(
    const std::string& entry, const std::vector<std::string>& chain,
    const std::function<std::optional<bool>(const std::string&)>& is_step) {
  for (size_t i = 0; i < chain.size(); ++i) {
    const std::optional<bool> step = is_step(chain[i]);
    if (!step) continue;
    const bool last = i + 1 == chain.size();
    if (last && *step) {
      return "runnermap entry '" + entry + "': provisioner '" + chain[i] +
             "' is a step and starts no runner: list one that does (bash, image, disk-mount) "
             "last in provisioners";
    }
    if (!last && !*step) {
      return "runnermap entry '" + entry + "': provisioner '" + chain[i] +
             "' starts a runner, so it can only be the last of provisioners (only steps may "
             "come before it)";
    }
  }
  return std::nullopt;
}

}  // namespace lxdrunner::plugin_host
