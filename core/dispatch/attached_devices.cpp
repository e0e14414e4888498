// SPDX-License-Identifier: Apache-2.0
#include "dispatch/attached_devices.hpp"

namespace lxdrunner::dispatch {

bool isPoolItem(const std::map<std::string, std::string>& device, const config::DevicePool& pool,
                const config::DevicePoolItem& item) {
  const auto type = device.find("type");
  if (type == device.end() || type->second != config::toString(pool.type)) return false;
  // check-config refuses an item with no key; were one to slip through, it must not match
  // every device of its type.
  if (item.settings.empty()) return false;
  for (const auto& [key, value] : item.settings) {
    const auto found = device.find(key);
    if (found == device.end() || found->second != value) return false;
  }
  return true;
}

std::vector<jobs::DeviceHold> attachedItems(const config::Config& config,
                                            const InstanceInfo& instance) {
  std::vector<jobs::DeviceHold> out;
  if (!instance.devices) return out;
  // A backend that does not name the remote lists the main one (as an instance_ref does).
  const std::string remote =
      instance.remote.empty() ? std::string(config::defaults::kMainRemote) : instance.remote;
  for (const auto& [name, device] : *instance.devices) {
    for (const auto& pool : config.device_pools) {
      for (const auto& item : pool.items) {
        if (item.remote != remote || !isPoolItem(device, pool, item)) continue;
        jobs::DeviceHold hold;
        hold.pool = pool.name;
        hold.remote = remote;
        hold.item = item.id();
        hold.device = name;
        hold.instance = instance.name;
        out.push_back(std::move(hold));
      }
    }
  }
  return out;
}

}  // namespace lxdrunner::dispatch
