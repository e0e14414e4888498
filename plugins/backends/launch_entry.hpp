// SPDX-License-Identifier: Apache-2.0
// The parts of a runnermap entry (LaunchRequest::entry_json) that decide how an instance is
// created.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "lxdrunner/lxd/types.hpp"

namespace lxdrunner::backends {

struct LaunchEntry {
  std::string name;
  std::string image;         // as written, for messages
  std::string image_remote;  // empty = the launching server's own images
  std::string image_alias;
  std::string type = "container";
  std::optional<std::vector<std::string>> profiles;  // absent = LXD's default
  std::vector<std::string> remotes;                  // where to launch; never empty
  std::string target;                                // cluster member
  std::map<std::string, std::string> config;
  lxd::DeviceMap devices;
  bool ephemeral = true;
};

// Throws sdk::Error(INVALID_ARGUMENT) on JSON that is not an entry.
LaunchEntry parseLaunchEntry(const std::string& entry_json);

}  // namespace lxdrunner::backends
