// SPDX-License-Identifier: Apache-2.0
#include "app/plugin_host_subsystem.hpp"

#include <Poco/Logger.h>

namespace lxdrunner::app {

void PluginHostSubsystem::initialize(Poco::Util::Application&) {}

void PluginHostSubsystem::scan(const std::vector<std::string>& configured_dirs) {
  host_.scan(configured_dirs);
  auto& log = Poco::Logger::get("plugin_host");
  for (const auto* p : host_.registry().all()) {
    log.debug("found %s plugin '%s' %s in %s", std::string(plugin_host::kindName(p->kind)), p->name,
              p->version, p->file);
  }
  for (const auto& w : host_.registry().warnings()) log.warning(w);
}

void PluginHostSubsystem::uninitialize() {
  host_.destroyAll();
}

}  // namespace lxdrunner::app
