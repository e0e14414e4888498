// SPDX-License-Identifier: Apache-2.0
// Whether LXD can add a device pool item to a running instance (hot-plug). A warm instance
// holds no item while idle and gets its items at claim, so an entry whose pool items cannot
// be hot-plugged into its instance type is served cold (docs/custom-hardware.md).
#pragma once

#include <optional>
#include <string>

#include "config/model.hpp"

namespace lxdrunner::config {

// Why one of `entry`'s pool devices cannot be hot-plugged into a running instance of the
// entry's type ("gpu0 (pool gpus, type gpu) cannot be hot-plugged into a virtual-machine"),
// or nullopt when all can (or the entry uses no pools). Unknown pools are not judged here.
std::optional<std::string> whyNotHotPluggable(const Config& config, const RunnerEntry& entry);

}  // namespace lxdrunner::config
