// SPDX-License-Identifier: Apache-2.0
#include "config/device_availability.hpp"

#include <sys/stat.h>

namespace lxdrunner::config {

namespace {

bool exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

const std::string* keyOf(const DevicePoolItem& item, const char* key) {
  const auto it = item.settings.find(key);
  return it == item.settings.end() ? nullptr : &it->second;
}

bool onThisHost(const Config& config, const std::string& remote) {
  const Remote* const r = config.findRemote(remote);
  return r != nullptr && (r->addr.empty() || r->addr.front() == '/');
}

std::optional<std::string> missingPath(const std::string& path) {
  if (exists(path)) return std::nullopt;
  return path + " does not exist";
}

std::optional<std::string> missingPci(const std::string& address) {
  if (exists("/sys/bus/pci/devices/" + address)) return std::nullopt;
  return "PCI address " + address + " is not on this host";
}

}  // namespace

std::optional<std::string> deviceUnavailableReason(const Config& config, const DevicePool& pool,
                                                   const DevicePoolItem& item) {
  if (!onThisHost(config, item.remote)) return std::nullopt;
  switch (pool.type) {
    case DevicePoolType::UnixChar:
    case DevicePoolType::UnixBlock: {
      const std::string* source = keyOf(item, "source");
      if (source == nullptr) source = keyOf(item, "path");
      return source != nullptr ? missingPath(*source) : std::nullopt;
    }
    case DevicePoolType::Disk: {
      const std::string* const source = keyOf(item, "source");
      // Anything else (a Ceph volume, a storage pool volume) is not a path here.
      if (source == nullptr || source->empty() || source->front() != '/') return std::nullopt;
      return missingPath(*source);
    }
    case DevicePoolType::Gpu: {
      const std::string* const pci = keyOf(item, "pci");
      return pci != nullptr ? missingPci(*pci) : std::nullopt;
    }
    case DevicePoolType::Pci: {
      const std::string* const address = keyOf(item, "address");
      return address != nullptr ? missingPci(*address) : std::nullopt;
    }
    case DevicePoolType::Nic: {
      const std::string* const parent = keyOf(item, "parent");
      if (parent == nullptr || exists("/sys/class/net/" + *parent)) return std::nullopt;
      return "network interface " + *parent + " is not on this host";
    }
    case DevicePoolType::Usb:
      return std::nullopt;
  }
  return std::nullopt;
}

std::map<std::string, std::string> unavailableDeviceItems(const Config& config) {
  std::map<std::string, std::string> out;
  for (const auto& pool : config.device_pools) {
    for (const auto& item : pool.items) {
      if (auto reason = deviceUnavailableReason(config, pool, item)) {
        out[pool.name + " " + item.remote + " " + item.id()] = std::move(*reason);
      }
    }
  }
  return out;
}

}  // namespace lxdrunner::config
