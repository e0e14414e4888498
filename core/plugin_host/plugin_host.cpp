// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/plugin_host.hpp"

#include <utility>

namespace lxdrunner::plugin_host {

PluginHost::~PluginHost() {
  destroyAll();
}

void PluginHost::scan(const std::vector<std::string>& configured_dirs) {
  std::vector<std::string> dirs = pluginSearchPath(configured_dirs);
  for (size_t i = 0; i < dirs.size(); ++i) {
    registry_.scanDirectory(dirs[i], /*must_exist=*/i < configured_dirs.size());
  }
}

PluginInstance* PluginHost::instantiate(const std::string& name, lxdr_plugin_kind kind,
                                        const std::string& config_json, std::string& error) {
  const PluginInfo* info = registry_.find(name);
  if (info == nullptr) {
    std::string where;
    for (const auto& d : registry_.searched()) where += (where.empty() ? "" : ", ") + d;
    error = std::string(kindName(kind)) + " plugin '" + name +
            "' is not installed (searched: " + where +
            "): install it or add its directory to plugin_dirs";
    return nullptr;
  }
  if (info->kind != kind) {
    error = "plugin '" + name + "' (" + info->file + ") is a " + kindName(info->kind) + ", not a " +
            kindName(kind);
    return nullptr;
  }
  auto instance = PluginInstance::create(*info, services_, config_json, error);
  if (!instance) return nullptr;
  PluginInstance* raw = instance.get();
  instances_.push_back(std::move(instance));
  if (kind == LXDR_KIND_BACKEND) services_.addBackend(name, raw);
  return raw;
}

void PluginHost::destroyAll() {
  services_.shutting_down = true;
  while (!instances_.empty()) {
    const std::string name = instances_.back()->info().name;
    if (instances_.back()->info().kind == LXDR_KIND_BACKEND) services_.addBackend(name, nullptr);
    instances_.pop_back();
  }
}

}  // namespace lxdrunner::plugin_host
