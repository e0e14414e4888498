// SPDX-License-Identifier: Apache-2.0
// Whether a device pool item's host device is there (docs/custom-hardware.md), for items on a
// remote that is this host's LXD (the local socket, or a unix socket path): a source path must
// exist; a GPU's or PCI device's address must be in /sys/bus/pci/devices; a nic's parent in
// /sys/class/net; a USB device in /sys/bus/usb/devices with the item's ids. Items on other
// hosts are checked through their LXD (device_resources.hpp) by the daemon and the doctor;
// here they are taken as there.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "config/model.hpp"

namespace lxdrunner::config {

// Where sysfs is: "/sys", or a fake tree in tests.
inline constexpr const char* kSysfsRoot = "/sys";

// Whether `remote` is this host's LXD (addr empty or a unix socket path).
bool isThisHost(const Config& config, const std::string& remote);

// Why the item cannot be used now ("/dev/ttyUSB3 does not exist"), or nullopt.
std::optional<std::string> deviceUnavailableReason(const Config& config, const DevicePool& pool,
                                                   const DevicePoolItem& item,
                                                   const std::string& sysfs_root = kSysfsRoot);

// Why no USB device under SYSFS/bus/usb/devices matches the item's vendorid, productid,
// serial, busnum and devnum (those it gives; ids as case-insensitive hex), or nullopt.
std::optional<std::string> usbMissingFromSysfs(const DevicePoolItem& item,
                                               const std::string& sysfs_root = kSysfsRoot);

// Every configured item on this host that cannot be used now: "POOL REMOTE ITEM" -> why.
std::map<std::string, std::string> unavailableDeviceItems(
    const Config& config, const std::string& sysfs_root = kSysfsRoot);

}  // namespace lxdrunner::config
