// SPDX-License-Identifier: Apache-2.0
// What the host knows about one plugin after checking its descriptor.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "lxdrunner/plugin_abi.h"

namespace lxdrunner::plugin_host {

struct PluginInfo {
  std::string name;
  std::string version;
  std::string description;
  std::string config_schema;  // empty when the plugin publishes none
  lxdr_plugin_kind kind = LXDR_KIND_PROVISIONER;
  uint16_t abi_major = 0;
  uint16_t abi_minor = 0;
  std::string file;  // absolute path of the library it came from
  // The descriptor as this host reads it: fields the plugin did not know are zero.
  lxdr_plugin_descriptor descriptor{};
};

const char* kindName(lxdr_plugin_kind kind) noexcept;
std::optional<lxdr_plugin_kind> kindFromName(const std::string& name) noexcept;

// Checks a descriptor against this host's ABI and fills `out`. Returns the reason it is
// refused (one sentence saying what to do), or nullopt when it is usable.
std::optional<std::string> checkDescriptor(const lxdr_plugin_descriptor* descriptor,
                                           PluginInfo& out);

}  // namespace lxdrunner::plugin_host
