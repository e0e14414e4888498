// SPDX-License-Identifier: Apache-2.0
#include "config/model.hpp"

#include <algorithm>

namespace lxdrunner::config {

const Remote* Config::findRemote(std::string_view name) const {
  const auto found = std::find_if(remotes.begin(), remotes.end(),
                                  [name](const Remote& remote) { return remote.name == name; });
  return found == remotes.end() ? nullptr : &*found;
}

const DevicePool* Config::findDevicePool(std::string_view name) const {
  const auto found = std::find_if(device_pools.begin(), device_pools.end(),
                                  [name](const DevicePool& pool) { return pool.name == name; });
  return found == device_pools.end() ? nullptr : &*found;
}

std::string DevicePoolItem::id() const {
  std::string text;
  for (const auto& [key, value] : settings) {
    if (!text.empty()) text += ',';
    text += key + "=" + value;
  }
  return text;
}

const std::string* DevicePoolItem::setting(const std::string& key) const {
  const auto it = settings.find(key);
  return it == settings.end() ? nullptr : &it->second;
}

std::string deviceItemKey(const std::string& pool, const std::string& remote,
                          const std::string& item) {
  return pool + " " + remote + " " + item;
}

const Secret& Config::hooksecretFor(std::string_view source) const {
  for (const auto& s : event_sources) {
    if (s.name == source && !s.hooksecret.empty()) return s.hooksecret;
  }
  return hooksecret;
}

std::vector<NamedSecret> Config::secrets() const {
  std::vector<NamedSecret> all;
  const auto add = [&all](std::string key, const Secret& secret) {
    if (!secret.empty()) all.push_back({std::move(key), &secret});
  };
  add("pat", pat);
  if (github_app) add("github_app.private_key", github_app->private_key);
  add("hooksecret", hooksecret);
  for (const auto& s : event_sources) add("event_sources." + s.name + ".hooksecret", s.hooksecret);
  add("operator_api.token", operator_api.token);
  for (const auto& r : remotes) add("remotes." + r.name + ".client_key", r.tls.client_key);
  return all;
}

}  // namespace lxdrunner::config
