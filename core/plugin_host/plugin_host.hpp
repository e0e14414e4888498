// SPDX-License-Identifier: Apache-2.0
// Owns the plugin registry, the shared host services and every created plugin instance.
// Instances are destroyed in reverse creation order; libraries are never unloaded.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "plugin_host/host_services.hpp"
#include "plugin_host/plugin_instance.hpp"
#include "plugin_host/plugin_registry.hpp"

namespace lxdrunner::plugin_host {

class PluginHost {
 public:
  PluginHost() = default;
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  // Scans the configured directories (which must exist), then $LXDRUNNER_PLUGIN_PATH and
  // the installed plugin directory.
  void scan(const std::vector<std::string>& configured_dirs);

  // Creates an instance of the plugin `name`, which must be of `kind`. Backends are also
  // registered for instance-operation routing. nullptr + one-line `error` on failure.
  PluginInstance* instantiate(const std::string& name, lxdr_plugin_kind kind,
                              const std::string& config_json, std::string& error);

  // Destroys every instance (reverse order). Safe to call twice.
  void destroyAll();

  PluginRegistry& registry() noexcept { return registry_; }
  const PluginRegistry& registry() const noexcept { return registry_; }
  HostServices& services() noexcept { return services_; }
  const std::vector<std::unique_ptr<PluginInstance>>& instances() const noexcept {
    return instances_;
  }

 private:
  PluginRegistry registry_;
  HostServices services_;
  std::vector<std::unique_ptr<PluginInstance>> instances_;
};

}  // namespace lxdrunner::plugin_host
