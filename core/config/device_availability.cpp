// SPDX-License-Identifier: Apache-2.0
#include "config/device_availability.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <fstream>

#include "config/device_identity.hpp"

namespace lxdrunner::config {

namespace {

bool exists(const std::string& path) {
  struct stat info {};
  return ::stat(path.c_str(), &info) == 0;
}

std::optional<std::string> missingPath(const std::string& path) {
  if (exists(path)) return std::nullopt;
  return path + " does not exist";
}

std::optional<std::string> missingPci(const std::string& sysfs_root, const std::string& address) {
  if (exists(sysfs_root + "/bus/pci/devices/" + normalPciAddress(address))) return std::nullopt;
  return "PCI address " + address + " is not on this host";
}

// The first line of a sysfs attribute, or nullopt when the file is not there.
std::optional<std::string> readAttribute(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
  return line;
}

}  // namespace

bool isThisHost(const Config& config, const std::string& remote) {
  const Remote* const r = config.findRemote(remote);
  return r != nullptr && (r->addr.empty() || r->addr.front() == '/');
}

std::optional<std::string> usbMissingFromSysfs(const DevicePoolItem& item,
                                               const std::string& sysfs_root) {
  const std::string dir = sysfs_root + "/bus/usb/devices";
  const std::string wanted = usbIdentity(item);
  if (DIR* const listing = ::opendir(dir.c_str())) {
    bool found = false;
    while (const dirent* const entry = ::readdir(listing)) {
      const std::string name = entry->d_name;
      if (name.empty() || name[0] == '.') continue;
      const std::string device = dir + "/" + name;
      auto vendor = readAttribute(device + "/idVendor");
      if (!vendor) continue;  // an interface ("1-1:1.0"), not a device
      UsbDeviceFacts facts;
      facts.vendor_id = std::move(*vendor);
      facts.product_id = readAttribute(device + "/idProduct").value_or("");
      // sysfs has every serial there is: a device without one does not match an item
      // that asks for one.
      facts.serial = readAttribute(device + "/serial").value_or("");
      facts.bus = readAttribute(device + "/busnum").value_or("");
      facts.device = readAttribute(device + "/devnum").value_or("");
      if (usbMatches(item, facts)) {
        found = true;
        break;
      }
    }
    ::closedir(listing);
    if (found) return std::nullopt;
  }
  return "no USB device with " + wanted + " on this host";
}

std::optional<std::string> deviceUnavailableReason(const Config& config, const DevicePool& pool,
                                                   const DevicePoolItem& item,
                                                   const std::string& sysfs_root) {
  if (!isThisHost(config, item.remote)) return std::nullopt;
  switch (pool.type) {
    case DevicePoolType::UnixChar:
    case DevicePoolType::UnixBlock: {
      const std::string* source = item.setting("source");
      if (source == nullptr) source = item.setting("path");
      return source != nullptr ? missingPath(*source) : std::nullopt;
    }
    case DevicePoolType::Disk: {
      const std::string* const source = item.setting("source");
      // Anything else (a Ceph volume, a storage pool volume) is not a path here.
      if (source == nullptr || source->empty() || source->front() != '/') return std::nullopt;
      return missingPath(*source);
    }
    case DevicePoolType::Gpu: {
      const std::string* const pci = item.setting("pci");
      return pci != nullptr ? missingPci(sysfs_root, *pci) : std::nullopt;
    }
    case DevicePoolType::Pci: {
      const std::string* const address = item.setting("address");
      return address != nullptr ? missingPci(sysfs_root, *address) : std::nullopt;
    }
    case DevicePoolType::Nic: {
      const std::string* const parent = item.setting("parent");
      if (parent == nullptr || exists(sysfs_root + "/class/net/" + *parent)) return std::nullopt;
      return "network interface " + *parent + " is not on this host";
    }
    case DevicePoolType::Usb:
      return usbMissingFromSysfs(item, sysfs_root);
  }
  return std::nullopt;
}

std::map<std::string, std::string> unavailableDeviceItems(const Config& config,
                                                          const std::string& sysfs_root) {
  std::map<std::string, std::string> out;
  for (const auto& pool : config.device_pools) {
    for (const auto& item : pool.items) {
      if (auto reason = deviceUnavailableReason(config, pool, item, sysfs_root)) {
        out[deviceItemKey(pool.name, item.remote, item.id())] = std::move(*reason);
      }
    }
  }
  return out;
}

}  // namespace lxdrunner::config
