// SPDX-License-Identifier: Apache-2.0
#include "config/device_identity.hpp"

#include "config/detail/text.hpp"

namespace lxdrunner::config {

namespace {

// "0x0403" and "0403" name the same id; case does not matter.
std::string normalHex(const std::string& text) {
  std::string out = detail::toLower(text);
  if (out.rfind("0x", 0) == 0) out.erase(0, 2);
  return out;
}

// "001" and "1" are bus 1; anything that is not a number is compared as written.
std::string normalNumber(const std::string& text) {
  const auto first = text.find_first_not_of('0');
  if (first == std::string::npos) return text.empty() ? text : "0";
  return text.substr(first);
}

}  // namespace

std::string normalPciAddress(const std::string& address) {
  std::string out = detail::toLower(address);
  // "41:00.0" (bus:device.function) has one colon; the full form has the domain in front.
  if (out.find(':') == out.rfind(':')) out = "0000:" + out;
  return out;
}

bool sameHexId(const std::string& a, const std::string& b) {
  return normalHex(a) == normalHex(b);
}

bool usbMatches(const DevicePoolItem& item, const UsbDeviceFacts& device) {
  if (const auto* v = item.setting("vendorid"); v && !sameHexId(*v, device.vendor_id)) return false;
  if (const auto* p = item.setting("productid"); p && !sameHexId(*p, device.product_id))
    return false;
  if (const auto* s = item.setting("serial"); s && device.serial && *s != *device.serial)
    return false;
  if (const auto* b = item.setting("busnum"); b && normalNumber(*b) != normalNumber(device.bus))
    return false;
  if (const auto* d = item.setting("devnum"); d && normalNumber(*d) != normalNumber(device.device))
    return false;
  return true;
}

std::string keysText(const DevicePoolItem& item, std::initializer_list<const char*> keys) {
  std::string text;
  for (const char* key : keys) {
    if (const auto* value = item.setting(key)) {
      if (!text.empty()) text += ", ";
      text += std::string(key) + "=" + *value;
    }
  }
  return text;
}

std::string usbIdentity(const DevicePoolItem& item) {
  return keysText(item, {"vendorid", "productid", "serial", "busnum", "devnum"});
}

}  // namespace lxdrunner::config
