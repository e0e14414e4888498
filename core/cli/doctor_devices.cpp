// SPDX-License-Identifier: Apache-2.0
#include "cli/doctor_devices.hpp"

#include "config/device_availability.hpp"

namespace lxdrunner::cli {

void checkDevicePools(const config::Config& config, DoctorReport& report) {
  for (const auto& pool : config.device_pools) {
    for (const auto& item : pool.items) {
      const std::string check =
          "device pool '" + pool.name + "' item " + item.id() + " on '" + item.remote + "'";
      const auto* const remote = config.findRemote(item.remote);
      const bool local = remote != nullptr && (remote->addr.empty() || remote->addr[0] == '/');
      if (auto why = config::deviceUnavailableReason(config, pool, item)) {
        report.fail(check, *why,
                    "attach the device, or fix or remove the item under device_pools." + pool.name +
                        ".devices; jobs skip it meanwhile");
      } else if (!local) {
        report.ok(check, "not checked: the remote is another host");
      } else if (pool.type == config::DevicePoolType::Usb) {
        report.ok(check, "not checked: USB devices are matched by LXD at launch");
      } else {
        report.ok(check, "present on this host");
      }
    }
  }
}

}  // namespace lxdrunner::cli
