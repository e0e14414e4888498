// SPDX-License-Identifier: Apache-2.0
// What the host knows about one plugin after checking its descriptor.
#pragma once

#include <optional>
#include <string>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/plugin_checks.hpp"

namespace lxdrunner::plugin_host {

// The descriptor's fields as the SDK's shared checks read them (sdk/plugin_checks.hpp), and
// the library they came from.
struct PluginInfo : sdk::CheckedPlugin {
  std::string file;  // absolute path of the library it came from
};

const char* kindName(lxdr_plugin_kind kind) noexcept;
std::optional<lxdr_plugin_kind> kindFromName(const std::string& name) noexcept;

}  // namespace lxdrunner::plugin_host
