// SPDX-License-Identifier: Apache-2.0
#include "launch_entry.hpp"

#include "lxdrunner/lxd/json.hpp"
#include "lxdrunner/sdk/error.hpp"

namespace lxdrunner::backends {

namespace json = lxd::json;

LaunchEntry parseLaunchEntry(const std::string& entry_json) {
  Poco::JSON::Object::Ptr root = json::parseObject(entry_json, "the runnermap entry");
  LaunchEntry e;
  e.name = json::text(root, "name");
  e.image = json::text(root, "image");
  e.image_remote = json::text(root, "image_remote");
  e.image_alias = json::text(root, "image_alias");
  // Entries written by hand (tests, older daemons) may carry only `image`.
  if (e.image_alias.empty()) {
    auto colon = e.image.find(':');
    e.image_alias = colon == std::string::npos ? e.image : e.image.substr(colon + 1);
    if (colon != std::string::npos && e.image_remote.empty()) {
      e.image_remote = e.image.substr(0, colon);
    }
  }
  if (e.image_alias.empty()) {
    throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                     "runnermap entry '" + e.name + "' has no image: set runnermap[].image");
  }
  e.type = json::text(root, "type", "container");
  if (root->has("profiles") && !root->isNull("profiles")) {
    e.profiles = json::stringList(json::array(root, "profiles"));
  }
  e.remotes = json::stringList(json::array(root, "remotes"));
  if (e.remotes.empty()) {
    std::string single = json::text(root, "remote");
    e.remotes.push_back(single.empty() ? "main" : single);
  }
  e.target = json::text(root, "target");
  e.config = json::stringMap(json::object(root, "config"));
  Poco::JSON::Object::Ptr devices = json::object(root, "devices");
  if (!devices.isNull()) {
    for (const auto& [name, value] : *devices) {
      e.devices[name] = json::stringMap(json::asObject(value));
    }
  }
  e.ephemeral = json::boolean(root, "ephemeral", true);
  return e;
}

}  // namespace lxdrunner::backends
