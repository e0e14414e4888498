// SPDX-License-Identifier: Apache-2.0
// The plugin host as a Poco subsystem: instances are destroyed in uninitialize(). Plugins are
// scanned only when a command asks for them (scan()), since loading one runs its code.
#pragma once

#include <Poco/Util/Subsystem.h>

#include <string>
#include <vector>

#include "plugin_host/plugin_host.hpp"

namespace lxdrunner::app {

class PluginHostSubsystem : public Poco::Util::Subsystem {
 public:
  const char* name() const override { return "lxdrunner.plugin_host"; }

  // Loads every plugin of the configured directories, $LXDRUNNER_PLUGIN_PATH and the
  // installed directory; logs what was found.
  void scan(const std::vector<std::string>& configured_dirs);
  plugin_host::PluginHost& host() noexcept { return host_; }

 protected:
  void initialize(Poco::Util::Application& app) override;
  void uninitialize() override;

 private:
  plugin_host::PluginHost host_;
};

}  // namespace lxdrunner::app
