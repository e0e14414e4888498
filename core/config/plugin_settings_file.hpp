// SPDX-License-Identifier: Apache-2.0
// Plugin settings read from a file of their own, for `lxdrunner plugin-check --settings`:
// either a mapping of plugin name -> settings, as under `plugins:` in config.yml, or a whole
// config.yml (its `plugins:` section is read). Values convert to JSON exactly as the
// configuration's plugin settings do (YAML 1.2 core schema).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "config/diagnostic.hpp"

namespace lxdrunner::config {

struct PluginSettingsFile {
  std::map<std::string, std::string> settings;  // plugin name -> settings as a JSON object
  std::vector<Diagnostic> diagnostics;
  bool ok() const;
};

PluginSettingsFile loadPluginSettingsFile(const std::string& path);

}  // namespace lxdrunner::config
