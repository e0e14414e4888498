// SPDX-License-Identifier: Apache-2.0
// All plugins the daemon found, by name. Directories are searched in order (configured
// plugin_dirs, then $LXDRUNNER_PLUGIN_PATH, then the installed plugin directory); the first
// plugin of a name wins, like PATH.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plugin_host/plugin_info.hpp"

namespace lxdrunner::plugin_host {

class PluginRegistry {
 public:
  // Loads every *.so in each directory (sorted by name, so the outcome is reproducible).
  // A missing directory is not an error for the installed one, but is for a configured one.
  void scanDirectory(const std::string& dir, bool must_exist);
  // Loads one library file explicitly.
  void loadFile(const std::string& path);

  const PluginInfo* find(const std::string& name) const;
  const PluginInfo* find(const std::string& name, lxdr_plugin_kind kind) const;
  std::vector<const PluginInfo*> all() const;
  const std::vector<std::string>& errors() const noexcept { return errors_; }
  const std::vector<std::string>& warnings() const noexcept { return warnings_; }
  const std::vector<std::string>& searched() const noexcept { return searched_; }

 private:
  void add(PluginInfo info);

  std::map<std::string, PluginInfo> plugins_;
  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;
  std::vector<std::string> searched_;
};

// The directories to search, in order: the configured ones, $LXDRUNNER_PLUGIN_PATH, and the
// installed directory unless $LXDRUNNER_NO_INSTALLED_PLUGINS is set (tests set it).
std::vector<std::string> pluginSearchPath(const std::vector<std::string>& configured_dirs);
// The compiled-in installed plugin directory (${libdir}/lxdrunner/plugins).
std::string installedPluginDir();

}  // namespace lxdrunner::plugin_host
