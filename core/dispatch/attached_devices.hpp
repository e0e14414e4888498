// SPDX-License-Identifier: Apache-2.0
// Which device pool items LXD shows attached to an instance (docs/custom-hardware.md): what
// recovery compares the job store's holds with, since the store alone can be wrong after a
// crash or a lost database.
#pragma once

#include <vector>

#include "config/model.hpp"
#include "dispatch/executor.hpp"
#include "jobs/job_store.hpp"

namespace lxdrunner::dispatch {

// Whether the LXD device `device` (its keys, "type" included) is `item` of `pool`: the type
// is the pool's and every key the item gives (its `source`, `pci`, `vendorid`, ...) has the
// item's value. Other keys (the entry's `path`, say) do not matter.
bool isPoolItem(const std::map<std::string, std::string>& device, const config::DevicePool& pool,
                const config::DevicePoolItem& item);

// The configured items attached to `instance`, as holds (pool, remote, item, its device name
// there, the instance; held_at 0). Empty when the backend did not say which devices it has.
std::vector<jobs::DeviceHold> attachedItems(const config::Config& config,
                                            const InstanceInfo& instance);

}  // namespace lxdrunner::dispatch
