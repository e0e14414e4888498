// SPDX-License-Identifier: Apache-2.0
#include "config/device_hotplug.hpp"

namespace lxdrunner::config {

namespace {

// What LXD's device documentation says of each type (lxd/doc/reference/devices_*.md):
// containers take every type but pci (a VM-only type) while running; VMs take disk, usb and
// nic devices, but not a physical GPU, a PCI device or the container-only unix devices.
bool typeHotPluggable(DevicePoolType type, InstanceType instance) {
  const bool container = instance == InstanceType::Container;
  switch (type) {
    case DevicePoolType::Gpu:
    case DevicePoolType::UnixChar:
    case DevicePoolType::UnixBlock:
      return container;
    case DevicePoolType::Usb:
    case DevicePoolType::Disk:
    case DevicePoolType::Nic:
      return true;
    case DevicePoolType::Pci:
      return false;
  }
  return false;
}

// The one nic type LXD cannot hot-plug, in either instance type.
bool isIpvlan(const std::map<std::string, std::string>& keys) {
  const auto it = keys.find("nictype");
  return it != keys.end() && it->second == "ipvlan";
}

}  // namespace

std::optional<std::string> whyNotHotPluggable(const Config& config, const RunnerEntry& entry) {
  for (const auto& [device, pool_name] : entry.device_pools) {
    const DevicePool* const pool = config.findDevicePool(pool_name);
    if (pool == nullptr) continue;
    const std::string what =
        device + " (pool " + pool_name + ", type " + std::string(toString(pool->type)) + ")";
    if (!typeHotPluggable(pool->type, entry.type)) {
      return what + " cannot be hot-plugged into a " + std::string(toString(entry.type));
    }
    if (pool->type != DevicePoolType::Nic) continue;
    const auto own = entry.devices.find(device);
    bool ipvlan = own != entry.devices.end() && isIpvlan(own->second);
    for (const auto& item : pool->items) ipvlan = ipvlan || isIpvlan(item.settings);
    if (ipvlan) return what + " is an ipvlan nic, which LXD cannot hot-plug";
  }
  return std::nullopt;
}

}  // namespace lxdrunner::config
