// SPDX-License-Identifier: Apache-2.0
// Whether a device pool item's host device is there (docs/custom-hardware.md). Only items on
// a remote that is this host's LXD (the local socket, or a unix socket path) can be checked:
// a source path must exist; a GPU's or PCI device's address must be in /sys/bus/pci/devices;
// a nic's parent in /sys/class/net. Items on other hosts, and USB devices, are taken as there.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "config/model.hpp"

namespace lxdrunner::config {

// Why the item cannot be used now ("/dev/ttyUSB3 does not exist"), or nullopt.
std::optional<std::string> deviceUnavailableReason(const Config& config, const DevicePool& pool,
                                                   const DevicePoolItem& item);

// Every configured item that cannot be used now: "POOL REMOTE ITEM" -> why.
std::map<std::string, std::string> unavailableDeviceItems(const Config& config);

}  // namespace lxdrunner::config
