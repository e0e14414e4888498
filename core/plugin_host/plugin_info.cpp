// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/plugin_info.hpp"

#include <cstring>
#include <string>

namespace lxdrunner::plugin_host {
namespace {

std::string abiText(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// Bytes up to and including these fields must be present in any ABI-1 descriptor.
constexpr size_t kMinimumDescriptorSize = offsetof(lxdr_plugin_descriptor, ops) + sizeof(void*);

bool validName(const char* name) {
  if (name == nullptr || *name == '\0' || std::strlen(name) > 64) return false;
  for (const char* p = name; *p != '\0'; ++p) {
    bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_';
    if (!ok) return false;
  }
  return true;
}

size_t opsSizeFor(uint32_t kind) {
  switch (kind) {
    case LXDR_KIND_EVENT_SOURCE:
      return sizeof(lxdr_event_source_ops);
    case LXDR_KIND_BACKEND:
      return sizeof(lxdr_backend_ops);
    case LXDR_KIND_PROVISIONER:
      return sizeof(lxdr_provisioner_ops);
    default:
      return 0;
  }
}

}  // namespace

const char* kindName(lxdr_plugin_kind kind) noexcept {
  switch (kind) {
    case LXDR_KIND_EVENT_SOURCE:
      return "event-source";
    case LXDR_KIND_BACKEND:
      return "backend";
    case LXDR_KIND_PROVISIONER:
      return "provisioner";
  }
  return "unknown";
}

std::optional<lxdr_plugin_kind> kindFromName(const std::string& name) noexcept {
  if (name == "event-source") return LXDR_KIND_EVENT_SOURCE;
  if (name == "backend") return LXDR_KIND_BACKEND;
  if (name == "provisioner") return LXDR_KIND_PROVISIONER;
  return std::nullopt;
}

std::optional<std::string> checkDescriptor(const lxdr_plugin_descriptor* in, PluginInfo& out) {
  if (in == nullptr) return "its plugin list holds a NULL descriptor: the plugin is broken";
  // The version fields come first in every ABI generation, so they are safe to read before
  // trusting struct_size.
  const std::string name = validName(in->name) ? in->name : "?";
  if (in->abi_major != LXDR_ABI_MAJOR) {
    return "'" + name + "' was built for plugin ABI " + abiText(in->abi_major, in->abi_minor) +
           " but this lxdrunner speaks ABI " + abiText(LXDR_ABI_MAJOR, LXDR_ABI_MINOR) +
           " (major versions differ): rebuild it against lxdrunner-sdk " +
           std::to_string(LXDR_ABI_MAJOR) + ".x";
  }
  if (in->abi_minor > LXDR_ABI_MINOR) {
    return "'" + name + "' needs plugin ABI " + abiText(in->abi_major, in->abi_minor) +
           " but this lxdrunner speaks ABI " + abiText(LXDR_ABI_MAJOR, LXDR_ABI_MINOR) +
           ": upgrade lxdrunner, or rebuild the plugin against lxdrunner-sdk " +
           abiText(LXDR_ABI_MAJOR, LXDR_ABI_MINOR);
  }
  if (in->struct_size < kMinimumDescriptorSize) {
    return "'" + name + "' has a descriptor of " + std::to_string(in->struct_size) +
           " bytes, less than ABI " + std::to_string(LXDR_ABI_MAJOR) + " requires (" +
           std::to_string(kMinimumDescriptorSize) + "): the plugin is broken";
  }
  // Append-only rule: copy what both sides know, leave the rest zero.
  lxdr_plugin_descriptor d{};
  std::memcpy(&d, in, in->struct_size < sizeof(d) ? in->struct_size : sizeof(d));
  if (!validName(d.name)) {
    return "a plugin name must be 1-64 characters of [a-z0-9-_]: the plugin is broken";
  }
  if (d.version == nullptr || *d.version == '\0') return "'" + name + "' has no version string";
  size_t ops_size = opsSizeFor(d.kind);
  if (ops_size == 0) {
    return "'" + name + "' declares unknown kind " + std::to_string(d.kind) +
           ": it may need a newer lxdrunner";
  }
  if (d.create == nullptr || d.destroy == nullptr || d.last_error == nullptr || d.ops == nullptr) {
    return "'" + name + "' leaves create, destroy, last_error or ops NULL: the plugin is broken";
  }
  // Every kind's ops start with struct_size; the host checks it before use.
  const auto* ops_size_field = static_cast<const uint32_t*>(d.ops);
  if (*ops_size_field < sizeof(uint32_t) + sizeof(void*)) {
    return "'" + name + "' has an operations table too small to hold any operation";
  }

  out.name = d.name;
  out.version = d.version;
  out.description = d.description != nullptr ? d.description : "";
  out.config_schema = d.config_schema != nullptr ? d.config_schema : "";
  out.kind = static_cast<lxdr_plugin_kind>(d.kind);
  out.abi_major = d.abi_major;
  out.abi_minor = d.abi_minor;
  out.descriptor = d;
  return std::nullopt;
}

}  // namespace lxdrunner::plugin_host
