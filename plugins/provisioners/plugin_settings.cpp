// SPDX-License-Identifier: Apache-2.0
#include "plugin_settings.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lxdrunner/sdk/error.hpp"

#ifndef LXDRUNNER_DEFAULT_SETUP_SCRIPT
#error "LXDRUNNER_DEFAULT_SETUP_SCRIPT must name the installed runner-setup.sh"
#endif

namespace lxdrunner::provisioners {

namespace {

// Empty when readable, else the reason.
std::string unreadableBecause(const std::string& path) {
  if (::access(path.c_str(), R_OK) == 0) return {};
  return std::strerror(errno);
}

}  // namespace

PluginSettings readPluginSettings(const sdk::Host& host, const std::string& provisioner) {
  PluginSettings s;
  s.github_url = host.config("github_url", "");
  while (!s.github_url.empty() && s.github_url.back() == '/') s.github_url.pop_back();
  if (auto configured = host.config("default_setup_script")) {
    s.default_setup_script = *configured;
    s.default_script_configured = true;
    std::string why = unreadableBecause(s.default_setup_script);
    if (!why.empty()) {
      throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                       "provisioner " + provisioner + ": default_setup_script " +
                           s.default_setup_script + " cannot be read (" + why + ")");
    }
  } else {
    s.default_setup_script = LXDRUNNER_DEFAULT_SETUP_SCRIPT;
  }
  return s;
}

std::string setupScriptFor(const PluginSettings& plugin, const std::string& entry_script,
                           const std::string& provisioner) {
  const bool from_entry = !entry_script.empty();
  const std::string& path = from_entry ? entry_script : plugin.default_setup_script;
  std::string why = unreadableBecause(path);
  if (why.empty()) return path;
  std::string fix = from_entry ? "fix the entry's setup_script"
                               : "install lxdrunner's runner-setup.sh or set plugins." +
                                     provisioner + ".default_setup_script";
  throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT, "provisioner " + provisioner + ": setup script " +
                                                  path + " cannot be read (" + why + "): " + fix);
}

}  // namespace lxdrunner::provisioners
