// SPDX-License-Identifier: Apache-2.0
#include "config/device_resources.hpp"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>

namespace lxdrunner::config {

namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

std::string text(const Object::Ptr& object, const char* key) {
  if (!object || !object->has(key) || object->isNull(key)) return {};
  return object->getValue<std::string>(key);
}

std::string number(const Object::Ptr& object, const char* key) {
  if (!object || !object->has(key) || object->isNull(key)) return {};
  return object->get(key).convert<std::string>();
}

// The list under section.key ("gpu"."cards"), or nullopt when the section is not there.
std::optional<Array::Ptr> listOf(const Object::Ptr& root, const char* section, const char* key) {
  const Object::Ptr part = root->getObject(section);
  if (!part) return std::nullopt;
  const Array::Ptr list = part->getArray(key);
  return list ? list : Array::Ptr(new Array());  // "devices": null when there are none
}

void addGpu(const Object::Ptr& card, std::vector<ResourcesGpu>& out) {
  if (!card) return;
  ResourcesGpu gpu;
  gpu.pci_address = normalPciAddress(text(card, "pci_address"));
  gpu.vendor_id = text(card, "vendor_id");
  gpu.product_id = text(card, "product_id");
  if (const Object::Ptr drm = card->getObject("drm"); drm && drm->has("id")) {
    gpu.drm_id = drm->getValue<uint64_t>("id");
  }
  out.push_back(std::move(gpu));
  // SR-IOV virtual functions are GPUs of their own, with their own PCI address.
  if (const Object::Ptr sriov = card->getObject("sriov")) {
    if (const Array::Ptr vfs = sriov->getArray("vfs")) {
      for (size_t i = 0; i < vfs->size(); ++i)
        addGpu(vfs->getObject(static_cast<unsigned>(i)), out);
    }
  }
}

bool gpuMatches(const DevicePoolItem& item, const ResourcesGpu& gpu) {
  if (const auto* pci = item.setting("pci"); pci && normalPciAddress(*pci) != gpu.pci_address)
    return false;
  if (const auto* v = item.setting("vendorid"); v && !sameHexId(*v, gpu.vendor_id)) return false;
  if (const auto* p = item.setting("productid"); p && !sameHexId(*p, gpu.product_id)) return false;
  if (const auto* id = item.setting("id");
      id && (!gpu.drm_id || *id != std::to_string(*gpu.drm_id)))
    return false;
  return true;
}

std::string gpuIdentity(const DevicePoolItem& item) {
  return keysText(item, {"pci", "id", "vendorid", "productid"});
}

}  // namespace

LxdResources parseLxdResources(const std::string& metadata_json) {
  Object::Ptr root;
  try {
    Poco::JSON::Parser parser;
    root = parser.parse(metadata_json).extract<Object::Ptr>();
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("LXD's resources are not a JSON object: " + e.displayText());
  }
  if (!root) throw std::runtime_error("LXD's resources are not a JSON object");
  LxdResources out;
  try {
    if (auto cards = listOf(root, "gpu", "cards")) {
      out.gpus.emplace();
      for (size_t i = 0; i < (*cards)->size(); ++i)
        addGpu((*cards)->getObject(static_cast<unsigned>(i)), *out.gpus);
    }
    if (auto devices = listOf(root, "pci", "devices")) {
      out.pci_addresses.emplace();
      for (size_t i = 0; i < (*devices)->size(); ++i) {
        out.pci_addresses->push_back(
            normalPciAddress(text((*devices)->getObject(static_cast<unsigned>(i)), "pci_address")));
      }
    }
    if (auto devices = listOf(root, "usb", "devices")) {
      out.usb.emplace();
      for (size_t i = 0; i < (*devices)->size(); ++i) {
        const Object::Ptr device = (*devices)->getObject(static_cast<unsigned>(i));
        if (!device) continue;
        UsbDeviceFacts facts;
        facts.vendor_id = text(device, "vendor_id");
        facts.product_id = text(device, "product_id");
        if (device->has("serial")) facts.serial = text(device, "serial");
        facts.bus = number(device, "bus_address");
        facts.device = number(device, "device_address");
        out.usb->push_back(std::move(facts));
      }
    }
  } catch (const Poco::Exception& e) {
    throw std::runtime_error("LXD's resources have an unexpected shape: " + e.displayText());
  }
  return out;
}

bool checkableThroughResources(DevicePoolType type) {
  return type == DevicePoolType::Gpu || type == DevicePoolType::Pci || type == DevicePoolType::Usb;
}

std::optional<std::string> missingFromResources(const DevicePool& pool, const DevicePoolItem& item,
                                                const LxdResources& resources) {
  const std::string where = " on remote '" + item.remote + "'";
  switch (pool.type) {
    case DevicePoolType::Gpu: {
      if (!resources.gpus) return std::nullopt;
      for (const auto& gpu : *resources.gpus) {
        if (gpuMatches(item, gpu)) return std::nullopt;
      }
      return "no GPU with " + gpuIdentity(item) + where;
    }
    case DevicePoolType::Pci: {
      const auto* const address = item.setting("address");
      if (address == nullptr || !resources.pci_addresses) return std::nullopt;
      for (const auto& present : *resources.pci_addresses) {
        if (present == normalPciAddress(*address)) return std::nullopt;
      }
      return "PCI address " + *address + " is not" + where;
    }
    case DevicePoolType::Usb: {
      if (!resources.usb) return std::nullopt;
      for (const auto& device : *resources.usb) {
        if (usbMatches(item, device)) return std::nullopt;
      }
      return "no USB device with " + usbIdentity(item) + where;
    }
    case DevicePoolType::UnixChar:
    case DevicePoolType::UnixBlock:
    case DevicePoolType::Disk:
    case DevicePoolType::Nic:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace lxdrunner::config
