// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "config/model.hpp"

namespace lxdrunner::config {

// The settings a backend plugin receives: its own (`plugins.NAME`, as JSON) plus `manager`
// and the top-level remotes with their certificates (docs/lxd-backends.md). A remote under
// the plugin's own `remotes` overrides the top-level one of that name key by key; naming a
// certificate there replaces the top-level certificates of that remote as a whole. Throws
// Poco::Exception when plugin_settings_json is not a JSON object.
std::string backendSettingsJson(const Config& config, const std::string& plugin_settings_json);

}  // namespace lxdrunner::config
