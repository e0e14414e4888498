// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/plugin_registry.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "plugin_host/path_trust.hpp"
#include "plugin_host/plugin_library.hpp"

namespace lxdrunner::plugin_host {

std::string installedPluginDir() {
  return LXDRUNNER_INSTALLED_PLUGIN_DIR;
}

std::vector<std::string> pluginSearchPath(const std::vector<std::string>& configured_dirs) {
  std::vector<std::string> dirs = configured_dirs;
  if (const char* env = std::getenv("LXDRUNNER_PLUGIN_PATH"); env != nullptr && *env != '\0') {
    std::string all(env);
    size_t start = 0;
    while (start <= all.size()) {
      size_t end = all.find(':', start);
      if (end == std::string::npos) end = all.size();
      if (end > start) dirs.push_back(all.substr(start, end - start));
      start = end + 1;
    }
  }
  // Tests set LXDRUNNER_NO_INSTALLED_PLUGINS: a copy installed on the machine (cmake --install,
  // the Debian package) must not stand in for a plugin a test expects to be missing.
  if (const char* off = std::getenv("LXDRUNNER_NO_INSTALLED_PLUGINS");
      off == nullptr || *off == '\0') {
    dirs.push_back(installedPluginDir());
  }
  return dirs;
}

void PluginRegistry::scanDirectory(const std::string& dir, bool must_exist) {
  searched_.push_back(dir);
  // One line for a directory someone else could add plugins to, not one per file in it.
  if (auto problem = pluginDirectoryProblem(dir)) {
    errors_.push_back("plugin directory " + dir + ": " + *problem);
    return;
  }
  DIR* handle = ::opendir(dir.c_str());
  if (handle == nullptr) {
    if (must_exist)
      errors_.push_back("plugin directory " + dir + ": cannot be opened: check plugin_dirs");
    return;
  }
  std::vector<std::string> files;
  while (dirent* e = ::readdir(handle)) {
    std::string name = e->d_name;
    if (looksLikePlugin(name)) files.push_back(dir + "/" + name);
  }
  ::closedir(handle);
  std::sort(files.begin(), files.end());
  for (const auto& f : files) loadFile(f);
}

void PluginRegistry::loadFile(const std::string& path) {
  LibraryLoad load = loadLibrary(path);
  for (auto& e : load.errors) errors_.push_back(std::move(e));
  for (auto& p : load.plugins) add(std::move(p));
}

void PluginRegistry::add(PluginInfo info) {
  auto it = plugins_.find(info.name);
  if (it != plugins_.end()) {
    warnings_.push_back("plugin '" + info.name + "' in " + info.file +
                        " is shadowed by the one in " + it->second.file +
                        " (earlier in the search path)");
    return;
  }
  std::string name = info.name;
  plugins_.emplace(std::move(name), std::move(info));
}

const PluginInfo* PluginRegistry::find(const std::string& name) const {
  auto it = plugins_.find(name);
  return it == plugins_.end() ? nullptr : &it->second;
}

const PluginInfo* PluginRegistry::find(const std::string& name, lxdr_plugin_kind kind) const {
  const PluginInfo* p = find(name);
  return p != nullptr && p->kind == kind ? p : nullptr;
}

std::vector<const PluginInfo*> PluginRegistry::all() const {
  std::vector<const PluginInfo*> out;
  for (const auto& [name, info] : plugins_) out.push_back(&info);
  return out;
}

}  // namespace lxdrunner::plugin_host
