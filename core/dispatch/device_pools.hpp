// SPDX-License-Identifier: Apache-2.0
// Device pools (docs/custom-hardware.md): which free item of each pool an instance of an
// entry gets, and the entry as its launch sees it, with those items as its devices. The job
// store's holds are the truth about what is taken; these functions only read them.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "config/model.hpp"
#include "jobs/job_store.hpp"

namespace lxdrunner::dispatch {

// "POOL REMOTE ITEM": how an item is named in sets of items (config/model.hpp).
using config::deviceItemKey;

// One free item of each of `entry`'s device pools, all on one remote of the entry (the first,
// in the entry's order, where every pool has a free item), as holds without an instance.
// Items held already (`held`) or unavailable (keys in `unavailable`) are skipped. nullopt
// when no remote has a free item of every pool; an entry without pools gets an empty list.
std::optional<std::vector<jobs::DeviceHold>> pickDevices(
    const config::Config& config, const config::RunnerEntry& entry,
    const std::vector<jobs::DeviceHold>& held, const std::set<std::string>& unavailable = {});

// For warm instances, whose remote is fixed before a job comes: per remote of the entry
// where every pool has a free item, those items (as pickDevices would take them there).
std::map<std::string, std::vector<jobs::DeviceHold>> pickDevicesByRemote(
    const config::Config& config, const config::RunnerEntry& entry,
    const std::vector<jobs::DeviceHold>& held, const std::set<std::string>& unavailable = {});

// What pickDevices would take, read off pickDevicesByRemote's answer: the items of the
// first of the entry's remotes that has them all.
std::optional<std::vector<jobs::DeviceHold>> firstRemotePick(
    const config::RunnerEntry& entry,
    const std::map<std::string, std::vector<jobs::DeviceHold>>& by_remote);

// `entry` as a warm instance is launched: without the devices its pools give (their items
// come at claim, by hot-plug; the entry's own keys for them, such as `path`, are no device
// LXD could add on their own).
config::RunnerEntry withoutPoolDevices(const config::RunnerEntry& entry);

// `entry` launching with `holds`: each held item becomes the device its hold names (the
// entry's own keys for that device, the item's keys over them, the pool's type), and the
// instance is launched on the items' remote.
config::RunnerEntry withHeldDevices(const config::Config& config, const config::RunnerEntry& entry,
                                    const std::vector<jobs::DeviceHold>& holds);

// One item as operators see it (`lxdrunner devices`, the device pool metric).
struct DeviceItemStatus {
  std::string pool;
  std::string remote;
  std::string item;
  bool held = false;
  std::string instance;     // while held
  std::string device;       // while held: its device name on the instance
  int64_t held_at = 0;      // while held: Unix ms
  std::string unavailable;  // why its host device cannot be used now; empty: it can
  // "held", "unavailable" or "free".
  std::string state() const { return held ? "held" : unavailable.empty() ? "free" : "unavailable"; }
};

// Every configured item, free or held, in configuration order; then holds of items no longer
// configured (the configuration changed while they were held). `unavailable`: item key ->
// why (config::unavailableDeviceItems).
std::vector<DeviceItemStatus> deviceItemStatus(
    const config::Config& config, const std::vector<jobs::DeviceHold>& holds,
    const std::map<std::string, std::string>& unavailable = {});

}  // namespace lxdrunner::dispatch
