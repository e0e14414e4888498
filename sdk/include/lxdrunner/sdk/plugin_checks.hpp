// SPDX-License-Identifier: Apache-2.0
// The checks a host runs on what a plugin library's entry point hands out: the plugin list
// and each descriptor. One implementation, used by the daemon's loader, by the test kit
// (lxdrunner/testkit/plugin_file.hpp) and by `lxdrunner plugin-check`, so a plugin that
// passes its author's tests is read the same way by the daemon.
//
// Nothing past a struct_size is read before that struct_size says it is there, and every
// refusal is one sentence saying what is wrong and what to do.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "lxdrunner/plugin_abi.h"

namespace lxdrunner::sdk {

// One usable descriptor, as this SDK's ABI reads it.
struct CheckedPlugin {
  std::string name;
  std::string version;
  std::string description;
  std::string config_schema;  // empty when the plugin publishes none
  lxdr_plugin_kind kind = LXDR_KIND_PROVISIONER;
  uint16_t abi_major = 0;
  uint16_t abi_minor = 0;
  // The descriptor as this host reads it: fields the plugin did not know are zero.
  lxdr_plugin_descriptor descriptor{};
};

// What an entry point handed out: the usable plugins, and one line per refusal.
struct PluginListCheck {
  std::vector<CheckedPlugin> plugins;
  std::vector<const lxdr_plugin_descriptor*> originals;  // parallel to plugins
  std::vector<std::string> errors;
};

namespace plugin_checks_detail {

inline constexpr size_t kMaxNameLength = 64;

inline std::string abiText(unsigned major, unsigned minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

// struct_size, abi_major and abi_minor open the descriptor in every ABI generation: readable
// before anything else is trusted.
inline constexpr size_t kVersionPrefixSize =
    offsetof(lxdr_plugin_descriptor, abi_minor) + sizeof(uint16_t);
// Bytes up to and including these fields must be present in any ABI-1 descriptor.
inline constexpr size_t kMinimumDescriptorSize =
    offsetof(lxdr_plugin_descriptor, ops) + sizeof(void*);

inline bool validName(const char* name) {
  if (name == nullptr) return false;
  const size_t length = ::strnlen(name, kMaxNameLength + 1);
  if (length == 0 || length > kMaxNameLength) return false;
  for (const char* p = name; *p != '\0'; ++p) {
    const bool ok = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_';
    if (!ok) return false;
  }
  return true;
}

// A refused name as it can be shown on one log line: printable ASCII kept, anything else as
// \xNN, cut after the longest valid length so a missing terminator cannot run on.
inline std::string printableName(const char* name) {
  if (name == nullptr) return "NULL";
  const size_t length = ::strnlen(name, kMaxNameLength + 1);
  if (length == 0) return "'' (empty)";
  std::string out = "'";
  for (size_t i = 0; i < length && i < kMaxNameLength; ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      constexpr const char* kHex = "0123456789abcdef";
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xf];
    }
  }
  out += "'";
  if (length > kMaxNameLength) out += "... (longer than 64 characters)";
  return out;
}

// The size of each kind's ABI 1.0 operations table: every ABI-1 plugin has at least these
// operations, so a shorter table is broken, not old. 0 for a kind this host does not know.
inline size_t minimumOpsSize(uint32_t kind) {
  switch (kind) {
    case LXDR_KIND_EVENT_SOURCE:
      return offsetof(lxdr_event_source_ops, stop) + sizeof(void*);
    case LXDR_KIND_BACKEND:
      return offsetof(lxdr_backend_ops, attach_device) + sizeof(void*);
    case LXDR_KIND_PROVISIONER:
      return offsetof(lxdr_provisioner_ops, provision) + sizeof(void*);
    default:
      return 0;
  }
}

// Why a plugin list is unusable, or "" (only struct_size is read before it is checked).
inline std::string listProblem(const lxdr_plugin_list& list) {
  if (list.struct_size < sizeof(lxdr_plugin_list)) {
    return "its plugin list is malformed: struct_size " + std::to_string(list.struct_size) +
           ", less than the " + std::to_string(sizeof(lxdr_plugin_list)) + " ABI " +
           std::to_string(LXDR_ABI_MAJOR) + " requires";
  }
  if (list.count == 0) return "its plugin list is empty (count 0)";
  if (list.descriptors == nullptr) {
    return "its plugin list is malformed: count " + std::to_string(list.count) +
           " but descriptors is NULL";
  }
  return {};
}

}  // namespace plugin_checks_detail

inline const char* kindName(lxdr_plugin_kind kind) noexcept {
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

// Checks a descriptor against this SDK's ABI and fills `out`. Returns the reason it is
// refused (one sentence saying what to do), or nullopt when it is usable.
inline std::optional<std::string> checkDescriptor(const lxdr_plugin_descriptor* in,
                                                  CheckedPlugin& out) {
  using namespace plugin_checks_detail;
  if (in == nullptr) return "its plugin list holds a NULL descriptor: the plugin is broken";
  // Nothing past struct_size is read before struct_size says it is there: a short descriptor
  // may sit at the end of a mapping.
  if (in->struct_size < kVersionPrefixSize) {
    return "a descriptor of " + std::to_string(in->struct_size) +
           " bytes is too short to hold its ABI version: the plugin is broken";
  }
  const std::string abi = abiText(in->abi_major, in->abi_minor);
  if (in->abi_major != LXDR_ABI_MAJOR) {
    // A descriptor of another major may have another layout: its name is not read either.
    return "a plugin in it was built for plugin ABI " + abi + " but this lxdrunner speaks ABI " +
           abiText(LXDR_ABI_MAJOR, LXDR_ABI_MINOR) +
           " (major versions differ): rebuild it against lxdrunner-sdk " +
           std::to_string(LXDR_ABI_MAJOR) + ".x";
  }
  if (in->struct_size < kMinimumDescriptorSize) {
    return "a descriptor of " + std::to_string(in->struct_size) + " bytes, less than the " +
           std::to_string(kMinimumDescriptorSize) + " ABI " + std::to_string(LXDR_ABI_MAJOR) +
           " requires: the plugin is broken";
  }
  // Append-only rule: copy what both sides know, leave the rest zero.
  lxdr_plugin_descriptor d{};
  std::memcpy(&d, in, in->struct_size < sizeof(d) ? in->struct_size : sizeof(d));
  if (!validName(d.name)) {
    return "plugin name " + printableName(d.name) +
           " is not 1-64 characters of [a-z0-9_-]: the plugin is broken";
  }
  const std::string name = d.name;
  if (d.abi_minor > LXDR_ABI_MINOR) {
    return "'" + name + "' needs plugin ABI " + abi + " but this lxdrunner speaks ABI " +
           abiText(LXDR_ABI_MAJOR, LXDR_ABI_MINOR) +
           ": upgrade lxdrunner, or rebuild the plugin against lxdrunner-sdk " +
           abiText(LXDR_ABI_MAJOR, LXDR_ABI_MINOR);
  }
  if (d.version == nullptr || *d.version == '\0') return "'" + name + "' has no version string";
  const size_t ops_size = minimumOpsSize(d.kind);
  if (ops_size == 0) {
    return "'" + name + "' declares unknown kind " + std::to_string(d.kind) +
           ": it may need a newer lxdrunner";
  }
  if (d.create == nullptr || d.destroy == nullptr || d.last_error == nullptr || d.ops == nullptr) {
    return "'" + name + "' leaves create, destroy, last_error or ops NULL: the plugin is broken";
  }
  // Every kind's ops start with struct_size; calls copy min(struct_size, sizeof) bytes, so a
  // table shorter than its 1.0 operations would be read past its end.
  const uint32_t ops_struct_size = *static_cast<const uint32_t*>(d.ops);
  if (ops_struct_size < ops_size) {
    return "'" + name + "' has a " + kindName(static_cast<lxdr_plugin_kind>(d.kind)) +
           " operations table of " + std::to_string(ops_struct_size) + " bytes, less than the " +
           std::to_string(ops_size) + " of ABI " + std::to_string(LXDR_ABI_MAJOR) +
           ".0: the plugin is broken";
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

// Calls a library's entry point as the daemon does and checks what it hands out. The entry
// point is called once, with this SDK's ABI version; a C++ exception escaping it is caught.
inline PluginListCheck checkPluginList(lxdr_plugin_entry_fn entry) {
  using namespace plugin_checks_detail;
  PluginListCheck result;
  const lxdr_plugin_list* list = nullptr;
  try {
    list = entry(LXDR_ABI_MAJOR, LXDR_ABI_MINOR);
  } catch (...) {
    // A C function must not throw; a broken C++ plugin might anyway.
    result.errors.emplace_back("its entry point threw an exception: the plugin is broken");
    return result;
  }
  if (list == nullptr) {
    result.errors.push_back(
        "its entry point returned no plugin list: it refuses to load into plugin ABI " +
        abiText(LXDR_ABI_MAJOR, LXDR_ABI_MINOR));
    return result;
  }
  // Only struct_size is read before it is known to cover the rest.
  if (list->struct_size < sizeof(lxdr_plugin_list)) {
    result.errors.push_back(listProblem(*list));
    return result;
  }
  lxdr_plugin_list copied{};
  std::memcpy(&copied, list, sizeof(copied));
  if (std::string why = listProblem(copied); !why.empty()) {
    result.errors.push_back(why);
    return result;
  }
  std::set<const lxdr_plugin_descriptor*> listed;
  for (uint32_t i = 0; i < copied.count; ++i) {
    const lxdr_plugin_descriptor* descriptor = copied.descriptors[i];
    CheckedPlugin plugin;
    std::optional<std::string> why = checkDescriptor(descriptor, plugin);
    if (!why && !listed.insert(descriptor).second) {
      why = "'" + plugin.name + "' appears twice in its plugin list: the plugin is broken";
    }
    if (why) {
      result.errors.push_back(*why);
      continue;
    }
    result.plugins.push_back(std::move(plugin));
    result.originals.push_back(descriptor);
  }
  return result;
}

}  // namespace lxdrunner::sdk
