// SPDX-License-Identifier: Apache-2.0
// Decides the order in which an entry's remotes are tried: most free capacity first (where
// a remote has max_instances), round robin among equals, so launches spread over hosts.
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace lxdrunner::backends {

class RemotePicker {
 public:
  // free_slots(remote): how many more instances fit there; nullopt = no limit. Remotes
  // without room are left out; throws sdk::Error(TRANSIENT) when none has room.
  std::vector<std::string> order(
      const std::string& entry, const std::vector<std::string>& remotes,
      const std::function<std::optional<long>(const std::string&)>& free_slots);

 private:
  std::atomic<size_t> turn_{0};
};

}  // namespace lxdrunner::backends
