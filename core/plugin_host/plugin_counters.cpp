// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/plugin_counters.hpp"

namespace lxdrunner::plugin_host {
namespace {

bool goodName(std::string_view name) {
  if (name.empty() || name.size() > PluginCounters::kMaxNameLength) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace

std::string PluginCounters::add(const std::string& plugin, std::string_view name, uint64_t delta) {
  if (!goodName(name)) {
    return "counter name must be 1-64 of [a-z0-9_] (got " + std::to_string(name.size()) + " bytes)";
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto& names = by_plugin_[plugin];
  auto it = names.find(name);
  if (it == names.end()) {
    if (names.size() >= kMaxNamesPerPlugin) {
      return "plugin " + plugin + " already has " + std::to_string(kMaxNamesPerPlugin) +
             " counters; '" + std::string(name) + "' is not counted";
    }
    it = names.emplace(std::string(name), 0).first;
  }
  it->second += delta;
  return {};
}

std::vector<PluginCounters::Count> PluginCounters::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<Count> out;
  for (const auto& [plugin, names] : by_plugin_) {
    for (const auto& [name, value] : names) out.push_back({plugin, name, value});
  }
  return out;
}

}  // namespace lxdrunner::plugin_host
