// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace lxdrunner::config {

// Finds the configuration file. An explicit path (--config), when given, is the only candidate;
// otherwise $LXDRUNNER_CONFIG, when set, is the only candidate. Without either the search is
// ./config.yml, $XDG_CONFIG_HOME/lxdrunner/config.yml (XDG default ~/.config), then
// /etc/lxdrunner/config.yml. Returns the first candidate that exists and is not a directory.
// `tried` receives every path looked at, in order, for the "no configuration found" message.
std::optional<std::string> findConfigFile(const std::optional<std::string>& explicit_path,
                                          std::vector<std::string>& tried);

}  // namespace lxdrunner::config
