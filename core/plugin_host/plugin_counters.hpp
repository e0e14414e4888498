// SPDX-License-Identifier: Apache-2.0
// Counters plugins keep through the counter_add host service (ABI 1.1), for /metrics. Names
// are checked and capped per plugin so that no plugin can grow the exposition without bound.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace lxdrunner::plugin_host {

class PluginCounters {
 public:
  static constexpr std::size_t kMaxNamesPerPlugin = 64;
  static constexpr std::size_t kMaxNameLength = 64;

  struct Count {
    std::string plugin;
    std::string name;
    uint64_t value = 0;
  };

  // Empty when added, else why nothing was counted (a bad name, one name too many).
  std::string add(const std::string& plugin, std::string_view name, uint64_t delta);
  // Every counter, by plugin then name.
  std::vector<Count> snapshot() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, std::map<std::string, uint64_t, std::less<>>> by_plugin_;
};

}  // namespace lxdrunner::plugin_host
