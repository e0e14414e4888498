// SPDX-License-Identifier: Apache-2.0
// device_pools: and the entries' device_pools: (docs/custom-hardware.md).
#include <array>
#include <map>
#include <string_view>
#include <utility>

#include "config/detail/key_path.hpp"
#include "config/detail/names.hpp"
#include "config/detail/runner_entry.hpp"
#include "config/detail/schema.hpp"
#include "config/detail/sections.hpp"
#include "config/detail/value_readers.hpp"
#include "config/device_hotplug.hpp"

namespace lxdrunner::config::detail {

namespace {

// The keys that say which host device an item is: an item needs one of them, or LXD would
// pick a device of its own choosing (a gpu without any attaches every GPU).
struct IdentityKeys {
  DevicePoolType type;
  std::array<std::string_view, 4> keys;  // empty string_views are unused
  std::string_view example;
};

constexpr std::array<IdentityKeys, 7> kIdentityKeys{{
    {DevicePoolType::Gpu, {"pci", "id", "vendorid", "productid"}, "{pci: \"0000:41:00.0\"}"},
    {DevicePoolType::Usb,
     {"vendorid", "productid", "serial", "busnum"},
     "{vendorid: \"0403\", productid: \"6001\", serial: \"A10K1234\"}"},
    {DevicePoolType::UnixChar, {"source", "path", {}, {}}, "{source: /dev/ttyUSB0}"},
    {DevicePoolType::UnixBlock, {"source", "path", {}, {}}, "{source: /dev/sdb}"},
    {DevicePoolType::Disk, {"source", {}, {}, {}}, "{source: /srv/dataset-1, path: /data}"},
    {DevicePoolType::Nic, {"parent", {}, {}, {}}, "{nictype: physical, parent: enp5s0}"},
    {DevicePoolType::Pci, {"address", {}, {}, {}}, "{address: \"0000:42:00.0\"}"},
}};

const IdentityKeys& identityOf(DevicePoolType type) {
  for (const auto& identity : kIdentityKeys) {
    if (identity.type == type) return identity;
  }
  return kIdentityKeys.front();
}

std::string identityList(const IdentityKeys& identity) {
  std::string text;
  for (const auto key : identity.keys) {
    if (key.empty()) continue;
    if (!text.empty()) text += ", ";
    text += std::string(key);
  }
  return text;
}

bool hasIdentity(const IdentityKeys& identity, const std::map<std::string, std::string>& keys) {
  for (const auto key : identity.keys) {
    if (!key.empty() && keys.count(std::string(key)) > 0) return true;
  }
  return false;
}

bool isPoolName(const std::string& name) {
  if (name.empty()) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::optional<DevicePoolItem> parseItem(const Field& field, DevicePoolType type,
                                        const Config& config, DiagnosticSink& sink) {
  auto keys = readScalarMap(field, sink);
  if (!keys) return std::nullopt;
  DevicePoolItem item;
  if (const auto remote = keys->find("remote"); remote != keys->end()) {
    item.remote = remote->second;
    keys->erase(remote);
    const Remote* const configured = config.findRemote(item.remote);
    if (configured == nullptr) {
      sink.error(positionOf(field), childPath(field.path, "remote"),
                 "remote '" + item.remote + "' is not configured: add it under remotes");
      return std::nullopt;
    }
    if (configured->protocol != RemoteProtocol::Lxd) {
      sink.error(positionOf(field), childPath(field.path, "remote"),
                 "remote '" + item.remote + "' is an image server: devices are on LXD servers");
      return std::nullopt;
    }
  }
  if (const auto written = keys->find("type"); written != keys->end()) {
    if (written->second != toString(type)) {
      sink.error(positionOf(field), childPath(field.path, "type"),
                 "is '" + written->second + "' in a pool of type " + std::string(toString(type)) +
                     ": every item of a pool has the pool's type");
      return std::nullopt;
    }
    keys->erase(written);
  }
  const IdentityKeys& identity = identityOf(type);
  if (!hasIdentity(identity, *keys)) {
    sink.error(positionOf(field), field.path,
               "does not name a " + std::string(toString(type)) + " device: give one of " +
                   identityList(identity) + " (e.g. " + std::string(identity.example) + ")");
    return std::nullopt;
  }
  item.settings = std::move(*keys);
  return item;
}

DevicePool parsePool(const Field& field, const Config& config, DiagnosticSink& sink) {
  DevicePool pool;
  pool.name = field.name;
  if (!isPoolName(pool.name)) {
    sink.error(positionOf(field), field.path,
               "'" + pool.name + "' is not a valid pool name: use letters, digits, '-', '_', '.'");
  }
  if (!expectMapping(field, sink)) return pool;
  const MappingView view(field, schema::devicePoolKeys(), sink);
  const Field* const type = view.find("type");
  if (!isSet(type)) {
    sink.error(positionOf(field), childPath(field.path, "type"),
               "required key is missing: one of gpu, usb, unix-char, unix-block, disk, nic, pci");
    return pool;
  }
  const auto parsed_type = readEnum(*type, sink, kDevicePoolTypeNames);
  if (!parsed_type) return pool;
  pool.type = *parsed_type;
  const Field* const devices = view.find("devices");
  if (!isSet(devices) || !devices->value.IsSequence() || devices->value.size() == 0) {
    sink.error(positionOf(devices != nullptr ? *devices : field), childPath(field.path, "devices"),
               "must list the pool's devices, each a mapping of LXD device keys (e.g. " +
                   std::string(identityOf(pool.type).example) + ")");
    return pool;
  }
  std::size_t index = 0;
  for (const auto& node : devices->value) {
    const Field item_field{YAML::Node(), node, {}, indexPath(devices->path, index++)};
    if (auto item = parseItem(item_field, pool.type, config, sink)) {
      pool.items.push_back(std::move(*item));
    }
  }
  return pool;
}

// One host device in two places would be handed to two instances at once.
void checkItemsListedOnce(const Config& config, const Field& section, DiagnosticSink& sink) {
  std::map<std::string, std::string> seen;  // "remote type id" -> "pool[index]"
  for (const auto& pool : config.device_pools) {
    for (std::size_t i = 0; i < pool.items.size(); ++i) {
      const auto& item = pool.items[i];
      const std::string key =
          item.remote + " " + std::string(toString(pool.type)) + " " + item.id();
      const std::string where = pool.name + ".devices[" + std::to_string(i) + "]";
      const auto [it, inserted] = seen.emplace(key, where);
      if (!inserted) {
        sink.error(positionOf(section), childPath(section.path, where),
                   "lists the device " + item.id() + " on remote " + item.remote + " again (also " +
                       it->second +
                       "): each device can be held by one "
                       "instance only, so it is listed once");
      }
    }
  }
}

}  // namespace

void parseDevicePools(const MappingView& top, Config& config, DiagnosticSink& sink) {
  const Field* const field = top.find("device_pools");
  if (!isSet(field) || !expectMapping(*field, sink)) return;
  for (const auto& pool_field : mappingEntries(*field, sink)) {
    config.device_pools.push_back(parsePool(pool_field, config, sink));
  }
  checkItemsListedOnce(config, *field, sink);
}

void readEntryDevicePools(const Field& field, ParsedEntry& parsed, DiagnosticSink& sink) {
  if (!expectMapping(field, sink)) return;
  for (const auto& device : mappingEntries(field, sink)) {
    if (const auto pool = readString(device, sink)) {
      if (pool->empty()) {
        sink.error(positionOf(device), device.path, "must name a device pool");
        continue;
      }
      parsed.entry.device_pools[device.name] = *pool;
    }
  }
  parsed.device_pools = field;
}

void checkEntryDevicePools(const ParsedEntry& parsed, const Config& config, DiagnosticSink& sink) {
  if (!parsed.device_pools) return;
  const Field& field = *parsed.device_pools;
  const RunnerEntry& entry = parsed.entry;
  for (const auto& [device, pool_name] : entry.device_pools) {
    const std::string path = childPath(field.path, device);
    const DevicePool* const pool = config.findDevicePool(pool_name);
    if (pool == nullptr) {
      std::string known;
      for (const auto& p : config.device_pools) known += (known.empty() ? "" : ", ") + p.name;
      sink.error(positionOf(field), path,
                 "device pool '" + pool_name + "' is not configured" +
                     (known.empty() ? std::string(": add it under device_pools")
                                    : " (device_pools has: " + known + ")"));
      continue;
    }
    if (const auto own = entry.devices.find(device); own != entry.devices.end()) {
      const auto type = own->second.find("type");
      if (type != own->second.end() && type->second != toString(pool->type)) {
        sink.error(positionOf(field), path,
                   "pool '" + pool_name + "' holds " + std::string(toString(pool->type)) +
                       " devices, but devices." + device + " says type " + type->second);
      }
    }
    bool on_a_remote = false;
    for (const auto& item : pool->items) {
      for (const auto& remote : entry.remotes) on_a_remote = on_a_remote || item.remote == remote;
    }
    if (!pool->items.empty() && !on_a_remote) {
      sink.error(positionOf(field), path,
                 "pool '" + pool_name + "' has no device on the remotes this entry launches on");
    }
  }
  // Warm instances get their items at claim, by hot-plug; an idle one holds none.
  if (parsed.warm_pool) {
    if (const auto why = whyNotHotPluggable(config, entry)) {
      sink.warning(positionOf(*parsed.warm_pool), parsed.warm_pool->path,
                   "is not used: " + *why + ", and an idle warm instance must not hold it; " +
                       "this entry's jobs launch cold");
    }
  }
}

}  // namespace lxdrunner::config::detail
