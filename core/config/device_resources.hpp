// SPDX-License-Identifier: Apache-2.0
// Whether a device pool item on another host is there, from that host's LXD resources API
// (GET /1.0/resources): GPUs by their PCI address (and vendor, product, DRM id), PCI devices
// by address, USB devices by vendor, product, bus and device number (and serial, where LXD
// reports one). Other types cannot be seen through the API: taken as there.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/device_identity.hpp"
#include "config/model.hpp"

namespace lxdrunner::config {

struct ResourcesGpu {
  std::string pci_address;  // normalPciAddress form
  std::string vendor_id;
  std::string product_id;
  std::optional<uint64_t> drm_id;  // the card's DRM id (a gpu item's `id`)
};

// What /1.0/resources lists; a section LXD did not send (an older server) is nullopt: what
// it would show is unknown, not missing.
struct LxdResources {
  std::optional<std::vector<ResourcesGpu>> gpus;  // cards and their SR-IOV functions
  std::optional<std::vector<std::string>> pci_addresses;
  std::optional<std::vector<UsbDeviceFacts>> usb;
};

// Reads the metadata of LXD's answer to GET /1.0/resources (a JSON object). Throws
// std::runtime_error when it is not one.
LxdResources parseLxdResources(const std::string& metadata_json);

// Whether an item of this type is checked through the resources API.
bool checkableThroughResources(DevicePoolType type);

// Why the item's device is not on the host `remote` names, or nullopt when it is there or
// cannot be known.
std::optional<std::string> missingFromResources(const DevicePool& pool, const DevicePoolItem& item,
                                                const LxdResources& resources);

}  // namespace lxdrunner::config
