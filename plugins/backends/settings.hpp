// SPDX-License-Identifier: Apache-2.0
// The LXD backends' configuration: the object the daemon passes to every backend plus our
// own optional settings (documented with their defaults in docs/lxd-backends.md).
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "lxdrunner/lxd/remote_config.hpp"

namespace lxdrunner::backends {

struct RemoteSettings {
  lxd::RemoteConfig connection;
  int max_instances = 0;  // our instances on this remote at once; 0 = no limit
  // An image server anyone may read: the launching LXD fetches from it, we never connect.
  bool is_public = false;
  bool launchable() const { return connection.protocol == "lxd" && !is_public; }
};

struct BackendSettings {
  std::string manager = "lxdrunner";  // value of user.lxdrunner.manager on our instances
  std::map<std::string, RemoteSettings> remotes;  // always has "main"
  std::chrono::seconds launch_timeout{120};       // create + start + ready, per launch
  std::chrono::seconds ready_timeout{60};         // container: exec of `true` succeeds
  std::chrono::seconds vm_agent_timeout{300};     // VM: the LXD agent answers
  std::chrono::seconds destroy_timeout{60};
  std::chrono::seconds list_timeout{30};

  const RemoteSettings* remote(const std::string& name) const {
    auto it = remotes.find(name);
    return it == remotes.end() ? nullptr : &it->second;
  }
};

// Parses the plugin configuration JSON; throws sdk::Error(INVALID_ARGUMENT) naming the key.
BackendSettings parseSettings(const std::string& config_json);

}  // namespace lxdrunner::backends
