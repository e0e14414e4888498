// SPDX-License-Identifier: Apache-2.0
// Warm pools: instances of an entry launched and prepared before any job exists, claimed by
// jobs, refilled behind them, replaced when stale, adopted across restarts
// (docs/warm-pools.md). Every change of a warm instance is written to the store first.
#include <Poco/Logger.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "config/device_hotplug.hpp"
#include "config/render.hpp"
#include "dispatch/device_pools.hpp"
#include "dispatch/dispatcher.hpp"
#include "dispatch/instance_names.hpp"
#include "dispatch/one_line.hpp"

namespace lxdrunner::dispatch {

using jobs::WarmRecord;
using jobs::WarmState;

namespace {

constexpr int kLaunchBudgetS = 600;
constexpr int kDestroyBudgetS = 120;
constexpr int kQuickBudgetS = 30;  // freeze, thaw, image lookups
// Refills of a pool whose launches keep failing back off up to this long.
constexpr int64_t kMaxRefillBackoffMs = 300000;

Poco::Logger& logger() {
  return Poco::Logger::get("warm-pool");
}

std::string seconds(int64_t ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", static_cast<double>(ms) / 1000.0);
  return text;
}

// What each backend of the warm rows lists, by backend then name. A backend that could
// not answer is absent (its instances are then neither adopted nor dropped on its word);
// `failed` gets one line per such backend.
std::map<std::string, std::map<std::string, InstanceInfo>> listBackends(
    Executor& executor, const std::vector<WarmRecord>& rows, std::vector<std::string>* failed) {
  std::set<std::string> backends;
  for (const auto& w : rows) backends.insert(w.backend);
  std::map<std::string, std::map<std::string, InstanceInfo>> listed;
  for (const auto& backend : backends) {
    std::vector<InstanceInfo> instances;
    const StepResult r = executor.list(backend, instances, deadlineAfter(kQuickBudgetS * 2));
    if (!r.ok()) {
      if (failed != nullptr) failed->push_back(backend + " (" + r.error + ")");
      continue;
    }
    auto& by_name = listed[backend];
    for (auto& i : instances) by_name.emplace(i.name, std::move(i));
  }
  return listed;
}

}  // namespace

std::string Dispatcher::entryHash(const config::RunnerEntry& entry) {
  // Everything a launch or prepare reads, but not the limits and pool settings, whose change
  // does not make an instance different. FNV-1a: stable across builds and restarts.
  config::RunnerEntry launch_view = entry;
  launch_view.max_workers = 0;
  launch_view.warm_pool = {};
  const std::string text = config::entryToJson(launch_view);
  uint64_t hash = 14695981039346656037ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return hex;
}

bool Dispatcher::warmEnabled(const config::RunnerEntry& entry) const {
  // An idle instance holds no pool item (it would keep a scarce device from jobs): it gets
  // them at claim, so an entry whose items cannot be hot-plugged is served cold.
  return entry.warm_pool.enabled() && executor_.canPrepare(entry) &&
         !config::whyNotHotPluggable(config_, entry);
}

void Dispatcher::countClaim(const std::string& entry, bool hit) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& [hits, misses] = claims_[entry];
  ++(hit ? hits : misses);
}

std::vector<WarmPoolStatus> Dispatcher::warmPools() const {
  std::vector<WarmPoolStatus> out;
  for (const auto& e : config_.runnermap) {
    if (!e.warm_pool.enabled()) continue;
    WarmPoolStatus s;
    s.entry = e.name;
    s.size = e.warm_pool.size;
    s.served = warmEnabled(e);
    s.idle = store_.countWarm(e.name, WarmState::Idle);
    s.preparing = store_.countWarm(e.name, WarmState::Launching) +
                  store_.countWarm(e.name, WarmState::Preparing);
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = claims_.find(e.name);
      if (it != claims_.end()) std::tie(s.hits, s.misses) = it->second;
    }
    out.push_back(std::move(s));
  }
  return out;
}

void Dispatcher::scheduleRefills(bool job_waits_for_room) {
  // A queued job held back by the global limit gets the room first. And jobs being started,
  // warm or cold, get the machine first: a refill's launch and prepare would take CPU and
  // LXD's attention from them (measured: ten warm starts at once on 2 cores took seconds
  // longer with refills running beside them).
  if (job_waits_for_room || starts_in_flight_.load() > 0 || in_flight_.load() > 0) return;
  const int64_t now = clock_();
  const size_t global_max = static_cast<size_t>(config_.max_workers);
  for (const auto& e : config_.runnermap) {
    if (!warmEnabled(e) || isDrained(e.name)) continue;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto nb = refill_not_before_.find(e.name);
      if (nb != refill_not_before_.end() && nb->second > now) continue;
    }
    size_t have = 0;
    for (const auto& w : store_.warmInstances(&e.name)) {
      if (w.state != WarmState::Removing) ++have;
    }
    const std::string hash = entryHash(e);
    for (size_t n = have; n < static_cast<size_t>(e.warm_pool.size); ++n) {
      if (store_.countSlots(e.name) >= static_cast<size_t>(e.max_workers)) break;
      if (store_.countSlotsAll() >= global_max) return;
      WarmRecord w;
      w.name = warmInstanceName(config_.prefix, randomTail(kWarmTailLength));
      w.entry = e.name;
      w.backend = e.backend;
      w.state = WarmState::Launching;
      w.entry_hash = hash;
      w.created_at = now;
      store_.addWarm(w);  // the slot is held from here on, and a restart knows the name
      {
        std::lock_guard<std::mutex> lock(mu_);
        launching_.insert(w.name);
      }
      ++refills_in_flight_;
      refills_->post([this, entry = &e, name = w.name] { runRefill(entry, name); });
    }
  }
}

void Dispatcher::runRefill(const config::RunnerEntry* entry, std::string instance) {
  InstanceTask task(*this, instance, &refills_in_flight_);
  const int64_t began = clock_();
  std::string remote;
  auto give_up = [&](const StepResult& r, const char* phase) {
    if (r.status == LXDR_ERR_CANCELLED) return;  // shutdown: recovery replaces it
    ++counters_.warm_refill_failures;
    int failures = 0;
    int64_t backoff_ms = 0;
    {
      std::lock_guard<std::mutex> lock(mu_);
      failures = ++refill_failures_[entry->name];
      backoff_ms = std::min<int64_t>(
          kMaxRefillBackoffMs,
          std::max<int64_t>(1000, int64_t{1000} * config_.dispatcher.retry_backoff_s)
              << std::min(failures - 1, 10));
      refill_not_before_[entry->name] = clock_() + backoff_ms;
    }
    logger().warning("pool '%s': %s of warm instance %s failed: %s; next refill in %s s",
                     entry->name, std::string(phase), instance, oneLine(r.error),
                     seconds(backoff_ms));
    if (config_.cleanup) {
      const StepResult gone =
          executor_.destroy(entry->backend, instance, remote, deadlineAfter(kDestroyBudgetS));
      if (!gone.ok()) {
        // The row stays (removing): the next pool check retries, and the slot stays held.
        store_.setWarmState(instance, WarmState::Launching, WarmState::Removing, clock_());
        store_.setWarmState(instance, WarmState::Preparing, WarmState::Removing, clock_());
        return;
      }
    }
    store_.removeWarm(instance);
  };

  // The image first: if the alias moves during the launch, the pool check replaces the
  // instance once, which is harmless; the other order could keep a stale one.
  const StepResult image = executor_.imageFingerprint(*entry, deadlineAfter(kQuickBudgetS));
  jobs::JobRecord no_job;
  no_job.entry = entry->name;
  const StepResult launched =
      executor_.launch(entry->device_pools.empty() ? *entry : withoutPoolDevices(*entry), no_job,
                       instance, deadlineAfter(kLaunchBudgetS));
  remote = launched.remote;
  if (!launched.ok()) return give_up(launched, "launch");
  if (!store_.setWarmState(instance, WarmState::Launching, WarmState::Preparing, clock_(), remote,
                           image.ok() ? image.image : std::string())) {
    return give_up({LXDR_ERR_INTERNAL, "its record went away during the launch", {}, {}, {}},
                   "launch");
  }
  const StepResult prepared = executor_.prepare(
      *entry, instance, remote, deadlineAfter(config_.dispatcher.provision_timeout_s));
  if (!prepared.ok()) return give_up(prepared, "prepare");
  if (entry->warm_pool.freeze) {
    const StepResult frozen =
        executor_.setFrozen(entry->backend, instance, remote, true, deadlineAfter(kQuickBudgetS));
    if (frozen.ok()) {
      store_.setWarmFrozen(instance, true);
    } else {
      logger().warning("pool '%s': warm instance %s stays unfrozen: %s", entry->name, instance,
                       frozen.error);
    }
  }
  // Idle, and out of launching_, in one step under mu_: a claim or an eviction that sees the
  // row idle marks the instance in launching_ as its own, which this refill's end must not
  // undo. Published first and released at the end, an eviction in between found the name
  // taken and left the row "removing" with nobody removing it (a job then waited for the
  // pool check).
  bool idle = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    idle = store_.setWarmState(instance, WarmState::Preparing, WarmState::Idle, clock_());
    if (idle) task.releaseLocked();
  }
  if (!idle) {
    return give_up({LXDR_ERR_INTERNAL, "its record went away during prepare", {}, {}, {}},
                   "prepare");
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    refill_failures_.erase(entry->name);
    refill_not_before_.erase(entry->name);
  }
  ++counters_.warm_refills;
  logger().information("pool '%s': warm instance %s on %s ready in %s s%s", entry->name, instance,
                       remote, seconds(clock_() - began),
                       std::string(entry->warm_pool.freeze ? " (frozen)" : ""));
}

void Dispatcher::runWarmStart(jobs::JobRecord job, const config::RunnerEntry* entry,
                              jobs::WarmRecord warm, std::vector<jobs::DeviceHold> devices) {
  const InstanceTask task(*this, warm.name, &starts_in_flight_);
  auto& log = Poco::Logger::get("dispatcher");
  const int64_t claimed = clock_();
  store_.appendLog(job.job_id, "lxdrunner: served by warm instance " + warm.name + " of pool '" +
                                   entry->name + "' (idle " + seconds(claimed - warm.ready_at) +
                                   " s" + (warm.frozen ? ", frozen" : "") + ")\n");
  if (warm.frozen) {
    const StepResult thawed = executor_.setFrozen(warm.backend, warm.name, warm.remote, false,
                                                  deadlineAfter(kQuickBudgetS));
    if (!thawed.ok()) {
      failLaunch(*entry, warm.name, warm.remote, thawed, "thaw");
      return;
    }
  }
  // The items the claim took (held in the store since): LXD adds them to the running
  // instance before the runner starts, so the job sees its devices from its first step.
  if (!devices.empty()) {
    const config::RunnerEntry with_items = withHeldDevices(config_, *entry, devices);
    for (const auto& hold : devices) {
      const StepResult attached =
          executor_.attachDevice(warm.backend, warm.name, warm.remote, hold.device,
                                 with_items.devices.at(hold.device), deadlineAfter(kQuickBudgetS));
      if (!attached.ok()) {
        failLaunch(*entry, warm.name, warm.remote, attached, "attach device");
        return;
      }
      store_.appendLog(job.job_id, "lxdrunner: device " + hold.device + " attached: item " +
                                       hold.item + " of pool '" + hold.pool + "'\n");
    }
  }
  // A runner swap may have moved the instance to another job since the claim.
  const auto bound = store_.byInstance(warm.name);
  const jobs::JobRecord& for_job = bound ? *bound : job;
  const StepResult started = executor_.start(*entry, for_job, warm.name, warm.remote,
                                             deadlineAfter(config_.dispatcher.provision_timeout_s));
  if (!started.log.empty()) store_.appendLog(for_job.job_id, started.log);
  if (!started.ok()) {
    failLaunch(*entry, warm.name, warm.remote, started, "start");
    return;
  }
  ++counters_.launches_succeeded;
  log.information("instance %s (warm) on %s: runner started for job %s in %s ms", warm.name,
                  warm.remote, std::to_string(for_job.job_id), std::to_string(clock_() - claimed));
  if (!store_.transitionInstance(warm.name, jobs::JobState::Provisioning, jobs::JobState::Running,
                                 clock_())) {
    releaseUnneeded(warm.name, entry->backend, warm.remote, for_job.repository);
  }
}

void Dispatcher::removeWarm(const WarmRecord& warm, const std::string& reason) {
  // Removing keeps the slot until the instance is gone; the compare-and-set loses to a claim.
  if (warm.state != WarmState::Removing &&
      !store_.setWarmState(warm.name, warm.state, WarmState::Removing, clock_())) {
    return;
  }
  auto task = [this, warm, reason] {
    const StepResult r =
        executor_.destroy(warm.backend, warm.name, warm.remote, deadlineAfter(kDestroyBudgetS));
    {
      std::lock_guard<std::mutex> lock(mu_);
      launching_.erase(warm.name);
    }
    if (!r.ok()) {
      logger().warning("warm instance %s: removal failed (%s); retried at the next pool check",
                       warm.name, r.error);
      return;
    }
    store_.removeWarm(warm.name);
    ++counters_.warm_recycled;
    logger().information("pool '%s': warm instance %s removed: %s", warm.entry, warm.name, reason);
    wake();
  };
  {
    std::lock_guard<std::mutex> lock(mu_);
    // launching_ keeps the reconciler and a second removal away while this one runs.
    if (!launching_.insert(warm.name).second) return;
    if (cleanups_ && running_) {
      cleanups_->post(std::move(task));
      return;
    }
  }
  task();  // before start() (recovery) or after stop(): inline
}

bool Dispatcher::evictIdleWarmFor(const std::string& entry) {
  const auto rows = store_.warmInstances();
  // A removal in flight frees a slot soon: one at a time.
  for (const auto& w : rows) {
    if (w.state == WarmState::Removing) return false;
  }
  std::map<std::string, size_t> idle_by_entry;
  for (const auto& w : rows) {
    if (w.state == WarmState::Idle && w.entry != entry) ++idle_by_entry[w.entry];
  }
  if (idle_by_entry.empty()) return false;
  // From the pool with the most idle instances, its longest idle one.
  const auto fullest =
      std::max_element(idle_by_entry.begin(), idle_by_entry.end(),
                       [](const auto& a, const auto& b) { return a.second < b.second; })
          ->first;
  const WarmRecord* victim = nullptr;
  for (const auto& w : rows) {
    if (w.state == WarmState::Idle && w.entry == fullest &&
        (victim == nullptr || w.ready_at < victim->ready_at)) {
      victim = &w;
    }
  }
  if (victim == nullptr) return false;
  removeWarm(*victim, "room for a queued job of entry '" + entry + "' (global max_workers)");
  return true;
}

void Dispatcher::recoverWarm() {
  const auto rows = store_.warmInstances();
  if (rows.empty()) return;
  std::vector<std::string> failed;
  const auto listed = listBackends(executor_, rows, &failed);
  for (const auto& backend : failed) {
    logger().warning(
        "recovery: could not list the instances of %s; its warm instances are "
        "checked at the next pool check",
        backend);
  }
  size_t adopted = 0;
  size_t replaced = 0;
  for (const auto& w : rows) {
    auto backend = listed.find(w.backend);
    const InstanceInfo* info = nullptr;
    if (backend != listed.end()) {
      auto it = backend->second.find(w.name);
      if (it == backend->second.end()) {
        store_.removeWarm(w.name);  // gone already: nothing to destroy
        ++replaced;
        continue;
      }
      info = &it->second;
    }
    if (w.state != WarmState::Idle || (info != nullptr && info->status == "stopped")) {
      removeWarm(w, w.state == WarmState::Idle ? "it stopped while the daemon was down"
                                               : "its " + std::string(toString(w.state)) +
                                                     " was interrupted by a restart");
      ++replaced;
      continue;
    }
    ++adopted;
  }
  logger().information("recovery: %s warm instances adopted, %s replaced", std::to_string(adopted),
                       std::to_string(replaced));
  recycleWarm();
}

void Dispatcher::recycleWarm() {
  const int64_t now = clock_();
  const auto rows = store_.warmInstances();
  if (rows.empty()) return;
  const auto listed = listBackends(executor_, rows, nullptr);
  std::map<std::string, std::string> images;  // entry -> fingerprint its alias points at now
  std::map<std::string, size_t> kept;         // entry -> instances that stay (any live state)
  for (const auto& w : rows) {
    const config::RunnerEntry* e = entry(w.entry);
    if (w.state == WarmState::Removing) {
      bool busy = false;
      {
        std::lock_guard<std::mutex> lock(mu_);
        busy = launching_.count(w.name) > 0;
      }
      if (!busy) removeWarm(w, "an earlier removal failed");
      continue;
    }
    if (w.state != WarmState::Idle) {
      // Launching or preparing: a refill works on it, unless its entry went away.
      if (e != nullptr) ++kept[w.entry];
      continue;
    }
    std::string why;
    if (e == nullptr) {
      why = "its entry is no longer in the runnermap";
    } else if (!warmEnabled(*e)) {
      why = "its entry has no warm pool any more";
    } else if (w.entry_hash != entryHash(*e)) {
      why = "its entry's configuration changed";
    } else if (now - w.ready_at > int64_t{1000} * e->warm_pool.max_idle_s) {
      why = "idle longer than max_idle_s (" + std::to_string(e->warm_pool.max_idle_s) + " s)";
    }
    if (why.empty()) {
      auto backend = listed.find(w.backend);
      if (backend != listed.end()) {
        auto it = backend->second.find(w.name);
        if (it == backend->second.end()) {
          logger().warning("pool '%s': warm instance %s is gone from LXD", w.entry, w.name);
          store_.removeWarm(w.name);
          continue;
        }
        if (it->second.status == "stopped") why = "it stopped";
      }
    }
    if (why.empty() && !w.image.empty()) {
      auto [it, fresh] = images.emplace(w.entry, std::string());
      if (fresh) {
        const StepResult r = executor_.imageFingerprint(*e, deadlineAfter(kQuickBudgetS));
        if (r.ok()) it->second = r.image;
      }
      if (!it->second.empty() && it->second != w.image) {
        why = "its image alias '" + e->image + "' now points at " + it->second.substr(0, 12);
      }
    }
    if (!why.empty()) {
      removeWarm(w, why);
      continue;
    }
    // Above the pool's size (it was lowered): rows come oldest first, so the newest go.
    if (++kept[w.entry] > static_cast<size_t>(e->warm_pool.size)) {
      --kept[w.entry];
      removeWarm(w, "the pool is above its size (" + std::to_string(e->warm_pool.size) + ")");
    }
  }
  wake();
}

}  // namespace lxdrunner::dispatch
