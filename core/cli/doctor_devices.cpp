// SPDX-License-Identifier: Apache-2.0
#include "cli/doctor_devices.hpp"

#include <chrono>
#include <exception>
#include <map>
#include <optional>

#include "config/device_resources.hpp"
#include "device_probe/lxd_resources_fetch.hpp"

namespace lxdrunner::cli {

namespace {

constexpr std::chrono::seconds kResourcesTimeout{10};

// What a remote said about its devices, asked once for all its items.
struct RemoteAnswer {
  std::optional<config::LxdResources> resources;
  std::string error;
};

RemoteAnswer askRemote(const config::Remote& remote, const ResourcesFetch& fetch) {
  RemoteAnswer answer;
  try {
    answer.resources = config::parseLxdResources(
        fetch ? fetch(remote) : device_probe::fetchLxdResources(remote, kResourcesTimeout));
  } catch (const std::exception& e) {
    answer.error = e.what();
  }
  return answer;
}

}  // namespace

void checkDevicePools(const config::Config& config, DoctorReport& report,
                      const ResourcesFetch& fetch, const std::string& sysfs_root) {
  std::map<std::string, RemoteAnswer> answers;  // remote name -> its resources
  for (const auto& pool : config.device_pools) {
    const std::string fix = "attach the device, or fix or remove the item under device_pools." +
                            pool.name + ".devices; jobs skip it meanwhile";
    for (const auto& item : pool.items) {
      const std::string check =
          "device pool '" + pool.name + "' item " + item.id() + " on '" + item.remote + "'";
      const config::Remote* const remote = config.findRemote(item.remote);
      if (config::isThisHost(config, item.remote)) {
        if (auto why = config::deviceUnavailableReason(config, pool, item, sysfs_root)) {
          report.fail(check, *why, fix);
        } else {
          report.ok(check, "present on this host");
        }
        continue;
      }
      if (remote == nullptr || !config::checkableThroughResources(pool.type)) {
        report.ok(check, "not checked: LXD does not show " +
                             std::string(config::toString(pool.type)) + " devices of another host");
        continue;
      }
      auto known = answers.find(item.remote);
      if (known == answers.end()) {
        known = answers.emplace(item.remote, askRemote(*remote, fetch)).first;
      }
      const RemoteAnswer& answer = known->second;
      if (!answer.resources) {
        report.warn(check, "not checked: " + answer.error,
                    "make remotes." + item.remote +
                        " reachable (see its lxd checks); meanwhile the daemon keeps the item's "
                        "last known state");
      } else if (auto why = config::missingFromResources(pool, item, *answer.resources)) {
        report.fail(check, *why, fix);
      } else {
        report.ok(check, "present on remote '" + item.remote + "' (LXD's resources)");
      }
    }
  }
}

}  // namespace lxdrunner::cli
