// SPDX-License-Identifier: Apache-2.0
// How a device pool item's keys are compared with what a host reports about its devices
// (sysfs here, LXD's resources API on another host): one set of rules for both.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>

#include "config/model.hpp"

namespace lxdrunner::config {

// "0000:41:00.0" in lower case; "41:00.0" gets the domain LXD and sysfs write ("0000:").
std::string normalPciAddress(const std::string& address);

// Whether two vendor or product ids are the same: hex, any case, "0x" or not.
bool sameHexId(const std::string& a, const std::string& b);

// What a host says about one USB device. Ids as written there (hex), bus and device numbers
// in decimal with or without leading zeros.
struct UsbDeviceFacts {
  std::string vendor_id;
  std::string product_id;
  std::optional<std::string> serial;  // nullopt: the host does not report serials (unknown)
  std::string bus;
  std::string device;
};

// Whether the device has every key the item gives among vendorid, productid, serial, busnum
// and devnum; a serial the host does not report is not compared.
bool usbMatches(const DevicePoolItem& item, const UsbDeviceFacts& device);

// The item's values of `keys` (those it gives, in that order), for messages:
// "vendorid=0403, productid=6001".
std::string keysText(const DevicePoolItem& item, std::initializer_list<const char*> keys);

// The keys usbMatches compares, as keysText writes them.
std::string usbIdentity(const DevicePoolItem& item);

}  // namespace lxdrunner::config
