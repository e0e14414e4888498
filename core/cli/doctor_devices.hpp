// SPDX-License-Identifier: Apache-2.0
// The doctor's device pool checks: each item's host device is there
// (config/device_availability.hpp).
#pragma once

#include "cli/doctor_report.hpp"
#include "config/model.hpp"

namespace lxdrunner::cli {

// One line per item: ok when its device is there (or cannot be checked from this host),
// FAIL naming what is missing.
void checkDevicePools(const config::Config& config, DoctorReport& report);

}  // namespace lxdrunner::cli
