// SPDX-License-Identifier: Apache-2.0
#include "dispatch/device_pools.hpp"

#include <map>

namespace lxdrunner::dispatch {

namespace {

// Items of `pool` on `remote` that are neither held nor unavailable nor `taken` already by
// this same pick (an entry may take two devices from one pool).
const config::DevicePoolItem* firstFree(const config::DevicePool& pool, const std::string& remote,
                                        const std::set<std::string>& taken) {
  for (const auto& item : pool.items) {
    if (item.remote != remote) continue;
    if (taken.count(deviceItemKey(pool.name, remote, item.id())) == 0) return &item;
  }
  return nullptr;
}

}  // namespace

std::optional<std::vector<jobs::DeviceHold>> pickDevices(const config::Config& config,
                                                         const config::RunnerEntry& entry,
                                                         const std::vector<jobs::DeviceHold>& held,
                                                         const std::set<std::string>& unavailable) {
  if (entry.device_pools.empty()) return std::vector<jobs::DeviceHold>{};
  std::set<std::string> taken = unavailable;
  for (const auto& hold : held) taken.insert(deviceItemKey(hold.pool, hold.remote, hold.item));
  for (const auto& remote : entry.remotes) {
    std::set<std::string> picked = taken;
    std::vector<jobs::DeviceHold> holds;
    for (const auto& [device, pool_name] : entry.device_pools) {
      const config::DevicePool* const pool = config.findDevicePool(pool_name);
      if (pool == nullptr) return std::nullopt;  // check-config refuses this
      const config::DevicePoolItem* const item = firstFree(*pool, remote, picked);
      if (item == nullptr) break;
      picked.insert(deviceItemKey(pool->name, remote, item->id()));
      jobs::DeviceHold hold;
      hold.pool = pool->name;
      hold.remote = remote;
      hold.item = item->id();
      hold.device = device;
      holds.push_back(std::move(hold));
    }
    if (holds.size() == entry.device_pools.size()) return holds;
  }
  return std::nullopt;
}

std::map<std::string, std::vector<jobs::DeviceHold>> pickDevicesByRemote(
    const config::Config& config, const config::RunnerEntry& entry,
    const std::vector<jobs::DeviceHold>& held, const std::set<std::string>& unavailable) {
  std::map<std::string, std::vector<jobs::DeviceHold>> out;
  config::RunnerEntry on_one = entry;
  for (const auto& remote : entry.remotes) {
    on_one.remotes = {remote};
    if (auto holds = pickDevices(config, on_one, held, unavailable)) out[remote] = *holds;
  }
  return out;
}

std::optional<std::vector<jobs::DeviceHold>> firstRemotePick(
    const config::RunnerEntry& entry,
    const std::map<std::string, std::vector<jobs::DeviceHold>>& by_remote) {
  for (const auto& remote : entry.remotes) {
    const auto found = by_remote.find(remote);
    if (found != by_remote.end()) return found->second;
  }
  return std::nullopt;
}

config::RunnerEntry withoutPoolDevices(const config::RunnerEntry& entry) {
  config::RunnerEntry launch = entry;
  for (const auto& [device, pool] : entry.device_pools) launch.devices.erase(device);
  return launch;
}

config::RunnerEntry withHeldDevices(const config::Config& config, const config::RunnerEntry& entry,
                                    const std::vector<jobs::DeviceHold>& holds) {
  config::RunnerEntry launch = entry;
  for (const auto& hold : holds) {
    const config::DevicePool* const pool = config.findDevicePool(hold.pool);
    if (pool == nullptr) continue;
    auto& device = launch.devices[hold.device];
    for (const auto& item : pool->items) {
      if (item.remote != hold.remote || item.id() != hold.item) continue;
      for (const auto& [key, value] : item.settings) device[key] = value;
    }
    device["type"] = std::string(config::toString(pool->type));
    launch.remotes = {hold.remote};
  }
  return launch;
}

std::vector<DeviceItemStatus> deviceItemStatus(
    const config::Config& config, const std::vector<jobs::DeviceHold>& holds,
    const std::map<std::string, std::string>& unavailable) {
  std::map<std::string, const jobs::DeviceHold*> by_key;
  for (const auto& hold : holds) by_key[deviceItemKey(hold.pool, hold.remote, hold.item)] = &hold;
  std::vector<DeviceItemStatus> out;
  auto add = [&out, &unavailable](const std::string& pool, const std::string& remote,
                                  const std::string& item, const jobs::DeviceHold* hold) {
    DeviceItemStatus s;
    s.pool = pool;
    s.remote = remote;
    s.item = item;
    if (hold != nullptr) {
      s.held = true;
      s.instance = hold->instance;
      s.device = hold->device;
      s.held_at = hold->held_at;
    }
    const auto why = unavailable.find(deviceItemKey(pool, remote, item));
    if (why != unavailable.end()) s.unavailable = why->second;
    out.push_back(std::move(s));
  };
  for (const auto& pool : config.device_pools) {
    for (const auto& item : pool.items) {
      const auto key = deviceItemKey(pool.name, item.remote, item.id());
      const auto found = by_key.find(key);
      add(pool.name, item.remote, item.id(), found == by_key.end() ? nullptr : found->second);
      if (found != by_key.end()) by_key.erase(found);
    }
  }
  for (const auto& [key, hold] : by_key) add(hold->pool, hold->remote, hold->item, hold);
  return out;
}

}  // namespace lxdrunner::dispatch
