// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/plugin_info.hpp"

namespace lxdrunner::plugin_host {

const char* kindName(lxdr_plugin_kind kind) noexcept {
  return sdk::kindName(kind);
}

std::optional<lxdr_plugin_kind> kindFromName(const std::string& name) noexcept {
  if (name == "event-source") return LXDR_KIND_EVENT_SOURCE;
  if (name == "backend") return LXDR_KIND_BACKEND;
  if (name == "provisioner") return LXDR_KIND_PROVISIONER;
  return std::nullopt;
}

}  // namespace lxdrunner::plugin_host
