// SPDX-License-Identifier: Apache-2.0
// Loading one plugin library file and reading its descriptors.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "plugin_host/plugin_info.hpp"

namespace lxdrunner::plugin_host {

struct LibraryLoad {
  std::string file;
  std::vector<PluginInfo> plugins;  // the usable descriptors
  std::vector<std::string> errors;  // one line each, naming the file: why something was refused
};

// Loads `path` with RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE and checks every descriptor.
// Never throws. A library, once loaded, stays mapped until the process exits: plugin code
// may still run on threads or in thread-local destructors, so it is never unloaded.
LibraryLoad loadLibrary(const std::string& path);

// True when `path` names a file the loader would look at in a plugin directory.
bool looksLikePlugin(const std::string& path);

}  // namespace lxdrunner::plugin_host
