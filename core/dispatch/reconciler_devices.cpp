// SPDX-License-Identifier: Apache-2.0
// Recovery's check of the device pool holds against LXD (docs/custom-hardware.md). The job
// store's holds are what the scheduler trusts; after a crash, a lost or restored database or
// a bug they can disagree with the devices the instances really have. LXD's devices win:
// an item attached to two instances stays with the older one, and an item attached to an
// instance without a hold gets one, so the scheduler never hands it out again.
#include <Poco/Logger.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "dispatch/attached_devices.hpp"
#include "dispatch/device_pools.hpp"
#include "dispatch/reconciler.hpp"

namespace lxdrunner::dispatch {

using jobs::JobState;

namespace {

constexpr int kListBudgetS = 60;

Poco::Logger& logger() {
  return Poco::Logger::get("reconciler");
}

// One instance LXD shows with an item.
struct Holder {
  jobs::DeviceHold hold;  // the item, its device name there, the instance
  std::string backend;
  int64_t created_ms = 0;
};

// Oldest first; an unknown creation time counts as the youngest (it cannot be shown to be
// older), then by name so the choice is the same on every restart.
bool olderFirst(const Holder& a, const Holder& b) {
  const int64_t ta = a.created_ms > 0 ? a.created_ms : INT64_MAX;
  const int64_t tb = b.created_ms > 0 ? b.created_ms : INT64_MAX;
  if (ta != tb) return ta < tb;
  return a.hold.instance < b.hold.instance;
}

}  // namespace

void Reconciler::recoverDeviceHolds(ReconcileReport& report) {
  if (config_.device_pools.empty()) return;
  std::set<std::string> backends;
  for (const auto& e : config_.runnermap) backends.insert(e.backend);
  std::map<std::string, std::vector<Holder>> by_item;  // deviceItemKey -> its holders in LXD
  for (const auto& backend : backends) {
    std::vector<InstanceInfo> instances;
    const StepResult r = executor_.list(backend, instances, deadlineAfter(kListBudgetS));
    if (!r.ok()) {  // no answer is not "nothing attached": the store's holds stand
      report.errors.push_back("devices of the instances of " + backend + ": " + r.error);
      continue;
    }
    for (const auto& info : instances) {
      // Unknown devices (a backend before ABI 1.1's "devices") are skipped, never read as
      // none; a stopped instance uses no device and is removed by the reconciler's passes.
      if (!info.devices || info.status == "stopped") continue;
      for (auto& hold : attachedItems(config_, info)) {
        const auto key = deviceItemKey(hold.pool, hold.remote, hold.item);
        by_item[key].push_back({std::move(hold), backend, info.created_ms});
      }
    }
  }
  std::set<std::string> removed;
  auto dropRemoved = [&removed](std::vector<Holder>& holders) {
    holders.erase(std::remove_if(holders.begin(), holders.end(),
                                 [&](const Holder& h) { return removed.count(h.hold.instance); }),
                  holders.end());
  };
  for (auto& [key, holders] : by_item) {
    dropRemoved(holders);
    if (holders.size() < 2) continue;
    std::sort(holders.begin(), holders.end(), olderFirst);
    ++report.items_shared;
    const auto& kept = holders.front().hold;
    std::vector<Holder> left{holders.front()};
    for (size_t i = 1; i < holders.size(); ++i) {
      const auto& h = holders[i];
      logger().warning(
          "recovery: device %s of pool %s on %s is attached to two instances, %s and the "
          "younger %s (as %s): removing %s",
          kept.item, kept.pool, kept.remote, kept.instance, h.hold.instance, h.hold.device,
          h.hold.instance);
      const std::string reason = "it has device " + kept.item + " of pool " + kept.pool +
                                 ", which the older " + kept.instance + " has too";
      if (removeSharer(h.hold.instance, h.backend, h.hold.remote, reason, report)) {
        removed.insert(h.hold.instance);
      } else {
        left.push_back(h);
      }
    }
    holders = std::move(left);
  }
  // Read after the removals: a removed instance's holds are gone, and its items held again
  // below for the instance that keeps them.
  std::map<std::string, jobs::DeviceHold> held;
  for (auto& hold : store_.deviceHolds()) {
    held.emplace(deviceItemKey(hold.pool, hold.remote, hold.item), std::move(hold));
  }
  const int64_t now = dispatcher_.now();
  for (auto& [key, holders] : by_item) {
    // The instance kept for one item may have been removed as the younger holder of another.
    dropRemoved(holders);
    if (holders.empty()) continue;
    const auto found = held.find(key);
    if (found != held.end()) {
      const bool agrees = std::any_of(holders.begin(), holders.end(), [&](const Holder& h) {
        return h.hold.instance == found->second.instance;
      });
      if (!agrees) {
        // Still held, so not handed out; only the instance named is not the one that has it.
        logger().warning(
            "recovery: device %s of pool %s on %s is held by %s in the job store but attached "
            "to %s in LXD",
            found->second.item, found->second.pool, found->second.remote, found->second.instance,
            holders.front().hold.instance);
      }
      continue;
    }
    jobs::DeviceHold hold = holders.front().hold;
    hold.held_at = now;
    if (!store_.recordHold(hold)) continue;
    ++report.holds_rebuilt;
    logger().warning(
        "recovery: device %s of pool %s on %s is attached to %s (as %s) but the job store had "
        "no hold for it: held again until that instance is gone",
        hold.item, hold.pool, hold.remote, hold.instance, hold.device);
  }
}

void Reconciler::releaseVanishedHolds(
    const std::map<std::string, std::map<std::string, InstanceInfo>>& listed, bool listed_all,
    ReconcileReport& report) {
  // Holds carry no backend: only an instance absent from every backend's answer is gone.
  if (!listed_all) return;
  std::set<std::string> released;
  for (const auto& hold : store_.deviceHolds()) {
    const bool in_lxd = std::any_of(listed.begin(), listed.end(), [&](const auto& backend) {
      return backend.second.count(hold.instance) > 0;
    });
    if (in_lxd || released.count(hold.instance)) continue;
    // A job's instance keeps its holds until markInstanceGone (the rules above); the store
    // checks that in the delete.
    const size_t n = store_.releaseHoldsIfStale(hold.instance);
    if (n == 0) continue;
    released.insert(hold.instance);
    report.holds_released += n;
    logger().information("device pool items of %s released (%s): it is gone from LXD",
                         hold.instance, std::to_string(n));
  }
}

bool Reconciler::removeSharer(const std::string& instance, const std::string& backend,
                              const std::string& remote, const std::string& reason,
                              ReconcileReport& report) {
  const auto bound = store_.byInstance(instance);
  jobs::JobRecord rec;
  if (bound) {
    rec = *bound;
  } else {
    // No live record: an instance a lost or older store launched. Only one of ours by name
    // and store (Dispatcher::isOurs) is removed; another daemon's is left to it.
    if (!dispatcher_.isOurs(instance)) {
      report.errors.push_back("instance " + instance + ": " + reason +
                              ", but it is not this daemon's; left alone");
      return false;
    }
    rec.instance = instance;
    rec.backend = backend;
    rec.remote = remote;
  }
  // Its runner's registration goes first (see destroyNow). Forced: a job running there
  // shares a device another job uses, which is what exclusivity promises never happens.
  if (runners_ != nullptr && !rec.repository.empty()) beginCall(report);
  const auto removal = dispatcher_.removeInstanceNow(rec, "recovery, " + reason, true, true);
  if (removal != Dispatcher::Removal::removed) {
    report.errors.push_back("instance " + instance + ": " + reason + "; its removal " +
                            (removal == Dispatcher::Removal::failed ? "failed" : "was refused"));
    return false;
  }
  ++report.destroyed;
  // The removal's markInstanceGone freed them already; freed here in any case, as the items
  // of an instance removed for sharing one must not stay held by a name that is gone.
  store_.releaseHolds(instance);
  if (!bound || !jobs::isActive(rec.state)) return true;
  // As for an instance that vanished (checkLiveInstance): a job its runner never took is
  // queued again; one it took ended with the runner, as GitHub says.
  if (rec.runner_name.empty()) {
    requeueOrFail(rec, "instance " + rec.instance + " was removed: " + reason, report);
  } else if (rec.runner_name == rec.instance) {
    completeFromGithub(rec, report);
  }
  return true;
}

}  // namespace lxdrunner::dispatch
