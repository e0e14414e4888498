// SPDX-License-Identifier: Apache-2.0
#include "config/device_identity.hpp"

#include <array>
#include <cctype>

namespace lxdrunner::config {

namespace {

constexpr std::array<const char*, 5> kUsbKeys{"vendorid", "productid", "serial", "busnum",
                                              "devnum"};

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// "0x0403" and "0403" name the same id; case does not matter.
std::string normalHex(const std::string& text) {
  std::string out = lower(text);
  if (out.rfind("0x", 0) == 0) out.erase(0, 2);
  return out;
}

// "001" and "1" are bus 1; anything that is not a number is compared as written.
std::string normalNumber(const std::string& text) {
  const auto first = text.find_first_not_of('0');
  if (first == std::string::npos) return text.empty() ? text : "0";
  return text.substr(first);
}

const std::string* keyOf(const DevicePoolItem& item, const char* key) {
  const auto it = item.settings.find(key);
  return it == item.settings.end() ? nullptr : &it->second;
}

}  // namespace

std::string normalPciAddress(const std::string& address) {
  std::string out = lower(address);
  // "41:00.0" (bus:device.function) has one colon; the full form has the domain in front.
  if (out.find(':') == out.rfind(':')) out = "0000:" + out;
  return out;
}

bool sameHexId(const std::string& a, const std::string& b) {
  return normalHex(a) == normalHex(b);
}

bool usbMatches(const DevicePoolItem& item, const UsbDeviceFacts& device) {
  if (const auto* v = keyOf(item, "vendorid"); v && !sameHexId(*v, device.vendor_id)) return false;
  if (const auto* p = keyOf(item, "productid"); p && !sameHexId(*p, device.product_id))
    return false;
  if (const auto* s = keyOf(item, "serial"); s && device.serial && *s != *device.serial)
    return false;
  if (const auto* b = keyOf(item, "busnum"); b && normalNumber(*b) != normalNumber(device.bus))
    return false;
  if (const auto* d = keyOf(item, "devnum"); d && normalNumber(*d) != normalNumber(device.device))
    return false;
  return true;
}

std::string usbIdentity(const DevicePoolItem& item) {
  std::string text;
  for (const char* key : kUsbKeys) {
    if (const auto* value = keyOf(item, key)) {
      if (!text.empty()) text += ", ";
      text += std::string(key) + "=" + *value;
    }
  }
  return text;
}

}  // namespace lxdrunner::config
