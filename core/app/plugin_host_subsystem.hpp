// SPDX-License-Identifier: Apache-2.0
// The plugin host as a Poco subsystem: plugins are scanned in initialize(), which Poco runs
// after ServerApplication has daemonised, so no plugin thread is lost to fork().
#pragma once

#include <Poco/Util/Subsystem.h>

#include <string>
#include <vector>

#include "plugin_host/plugin_host.hpp"

namespace lxdrunner::app {

class PluginHostSubsystem : public Poco::Util::Subsystem {
 public:
  const char* name() const override { return "lxdrunner.plugin_host"; }

  // Directories from the configuration, set before initialize().
  void setConfiguredDirs(std::vector<std::string> dirs) { configured_dirs_ = std::move(dirs); }
  plugin_host::PluginHost& host() noexcept { return host_; }

 protected:
  void initialize(Poco::Util::Application& app) override;
  void uninitialize() override;

 private:
  std::vector<std::string> configured_dirs_;
  plugin_host::PluginHost host_;
};

}  // namespace lxdrunner::app
