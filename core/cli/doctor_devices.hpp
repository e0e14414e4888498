// SPDX-License-Identifier: Apache-2.0
// The doctor's device pool checks: each item's host device is there, on this host through
// sysfs and the file system (config/device_availability.hpp), on another host through its
// LXD's resources API (config/device_resources.hpp).
#pragma once

#include <functional>
#include <string>

#include "cli/doctor_report.hpp"
#include "config/device_availability.hpp"
#include "config/model.hpp"

namespace lxdrunner::cli {

// The metadata of a remote's GET /1.0/resources as JSON text; throws when it cannot.
using ResourcesFetch = std::function<std::string(const config::Remote&)>;

// One line per item: ok when its device is there (or cannot be seen from here), FAIL naming
// what is missing, warn when its remote does not answer. `fetch` empty: ask LXD.
void checkDevicePools(const config::Config& config, DoctorReport& report,
                      const ResourcesFetch& fetch = {},
                      const std::string& sysfs_root = config::kSysfsRoot);

}  // namespace lxdrunner::cli
