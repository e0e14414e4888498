// SPDX-License-Identifier: Apache-2.0
#include "dispatch/dispatcher.hpp"

#include <Poco/Logger.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <random>
#include <vector>

#include "config/device_availability.hpp"
#include "dispatch/device_pools.hpp"
#include "dispatch/instance_names.hpp"

namespace lxdrunner::dispatch {

namespace {

int64_t systemMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Destroys are short and must not wait behind launches: their own small pool.
constexpr size_t kCleanupThreads = 4;
// Refills of warm pools at once: each is a launch plus a prepare, off every job's path.
constexpr size_t kRefillThreads = 2;
// How many queued jobs of one entry are looked at per pass (the head may be backing off).
constexpr size_t kQueuedWindow = 16;
// How often device pool items are checked against the host while jobs are scheduled.
constexpr int64_t kDeviceCheckIntervalMs = 10000;

}  // namespace

Dispatcher::Dispatcher(const config::Config& config, jobs::JobStore& store, Executor& executor,
                       RunnerDirectory* runners, Clock wall_clock)
    : config_(config),
      store_(store),
      executor_(executor),
      runners_(runners),
      clock_(wall_clock ? std::move(wall_clock) : Clock(systemMs)),
      matcher_(config.runnermap) {}

Dispatcher::~Dispatcher() {
  stop();
}

const config::RunnerEntry* Dispatcher::entry(const std::string& name) const {
  for (const auto& e : config_.runnermap) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string Dispatcher::randomTail(size_t length) const {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  thread_local std::mt19937 random{std::random_device{}()};
  std::uniform_int_distribution<size_t> pick(0, sizeof(kAlphabet) - 2);
  std::string tail;
  for (size_t i = 0; i < length; ++i) tail += kAlphabet[pick(random)];
  return tail;
}

std::string Dispatcher::instanceName(const jobs::JobRecord& job, int attempt) const {
  // Written to the store before the instance exists, so a restart knows what to clean up.
  // The random tail keeps a launch from ever meeting an earlier one's name (a restart gives
  // the interrupted attempt back; a failed removal may leave the old instance behind).
  return coldInstanceName(config_.prefix, job.job_id, attempt, randomTail(kColdTailLength));
}

size_t Dispatcher::launchConcurrency() const {
  const int configured = config_.dispatcher.launch_concurrency;
  return static_cast<size_t>(configured > 0 ? configured : std::max(1, config_.max_workers));
}

void Dispatcher::start() {
  recoverWarm();
  std::lock_guard<std::mutex> lock(mu_);
  if (running_) return;
  running_ = true;
  launches_ = std::make_unique<WorkQueue>("launch", launchConcurrency());
  size_t warm_total = 0;
  for (const auto& e : config_.runnermap) {
    if (warmEnabled(e)) warm_total += static_cast<size_t>(e.warm_pool.size);
  }
  // A burst as large as every pool is started at once: starts are short (one push, one exec).
  starts_ = std::make_unique<WorkQueue>("start", std::clamp<size_t>(warm_total, 1, 32));
  refills_ = std::make_unique<WorkQueue>("refill", kRefillThreads);
  cleanups_ = std::make_unique<WorkQueue>("cleanup", kCleanupThreads);
  last_recycle_ms_ = clock_();
  wake_ = true;
  scheduler_ = std::thread([this] { schedulerLoop(); });
}

void Dispatcher::stopScheduling() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    running_ = false;
  }
  cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
}

void Dispatcher::stop() {
  stopScheduling();
  if (launches_) launches_->drainAndStop();
  if (starts_) starts_->drainAndStop();
  if (refills_) refills_->drainAndStop();
  if (cleanups_) cleanups_->drainAndStop();
}

void Dispatcher::wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void Dispatcher::schedulerLoop() {
  auto& log = Poco::Logger::get("dispatcher");
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      // The timeout lets backed-off jobs become eligible without an event.
      cv_.wait_for(lock, std::chrono::milliseconds(500), [this] { return wake_ || !running_; });
      if (!running_) return;
      wake_ = false;
    }
    try {
      scheduleOnce();
      const int64_t now = clock_();
      if (now - last_recycle_ms_ >= int64_t{1000} * config_.dispatcher.reconcile_interval_s &&
          !recycling_.exchange(true)) {
        last_recycle_ms_ = now;
        cleanups_->post([this] {
          try {
            recycleWarm();
          } catch (const std::exception& e) {
            Poco::Logger::get("dispatcher")
                .error("warm pool check failed: %s (next one in %s s)", std::string(e.what()),
                       std::to_string(config_.dispatcher.reconcile_interval_s));
          }
          recycling_ = false;
        });
      }
    } catch (const std::exception& e) {
      log.error("scheduling failed: %s (retrying shortly)", std::string(e.what()));
    }
  }
}

size_t Dispatcher::scheduleOnce() {
  std::lock_guard<std::mutex> pass(schedule_mu_);
  const size_t global_max = static_cast<size_t>(config_.max_workers);
  const size_t concurrency = launchConcurrency();
  size_t started = 0;
  bool job_waits_for_room = false;  // a queued job held back by the global limits only
  const bool pools = std::any_of(config_.runnermap.begin(), config_.runnermap.end(),
                                 [](const auto& e) { return !e.device_pools.empty(); });
  for (;;) {
    const bool cold_threads = in_flight_.load() < concurrency;
    const bool global_room = store_.countSlotsAll() < global_max;
    const int64_t now = clock_();
    const std::vector<jobs::DeviceHold> held =
        pools ? store_.deviceHolds() : std::vector<jobs::DeviceHold>{};
    const std::set<std::string> unavailable = pools ? checkDevices(now) : std::set<std::string>{};
    // The oldest eligible job over every entry that can serve one now: from an idle warm
    // instance (needs no new slot and no launch thread), or by a cold launch.
    std::optional<jobs::JobRecord> best;
    const config::RunnerEntry* best_entry = nullptr;
    bool best_warm = false;
    std::vector<jobs::DeviceHold> best_devices;
    std::map<std::string, std::vector<jobs::DeviceHold>> best_warm_devices;  // by remote
    job_waits_for_room = false;
    for (const auto& e : config_.runnermap) {
      if (isDrained(e.name)) continue;
      bool warm = warmEnabled(e) && store_.countWarm(e.name, jobs::WarmState::Idle) > 0;
      // An entry using device pools has room only while each pool has a free item; its jobs
      // wait in order without holding up the other entries.
      // A warm instance of such an entry is taken only where its remote has the items: those
      // are picked per remote, and the cold pick is read off them rather than made again.
      std::optional<std::vector<jobs::DeviceHold>> devices;
      std::map<std::string, std::vector<jobs::DeviceHold>> warm_devices;
      if (warm && !e.device_pools.empty()) {
        warm_devices = pickDevicesByRemote(config_, e, held, unavailable);
        devices = firstRemotePick(e, warm_devices);
        const auto idle = store_.warmInstances(&e.name);
        warm = std::any_of(idle.begin(), idle.end(), [&warm_devices](const jobs::WarmRecord& w) {
          return w.state == jobs::WarmState::Idle && warm_devices.count(w.remote) > 0;
        });
      } else {
        devices = pickDevices(config_, e, held, unavailable);
      }
      const bool entry_room =
          store_.countSlots(e.name) < static_cast<size_t>(e.max_workers) && devices.has_value();
      const bool cold = entry_room && global_room && cold_threads;
      if (!warm && !entry_room) continue;
      // Usually the head is eligible: read one row, and a window only when it backs off.
      auto queued = store_.nextQueued(e.name, 1);
      if (!queued.empty()) {
        std::lock_guard<std::mutex> lock(mu_);
        auto nb = not_before_.find(queued.front().job_id);
        if (nb != not_before_.end() && nb->second > now) queued.clear();
      }
      if (queued.empty()) queued = store_.nextQueued(e.name, kQueuedWindow);
      for (auto& job : queued) {
        {
          std::lock_guard<std::mutex> lock(mu_);
          auto nb = not_before_.find(job.job_id);
          if (nb != not_before_.end() && nb->second > now) continue;
        }
        if (!warm && !cold) {
          // Its entry has room; the global limit or the launch threads hold it back.
          if (!global_room) job_waits_for_room = true;
          if (!global_room && evictIdleWarmFor(e.name)) return started;  // wake() follows
          break;
        }
        if (!best || job.seq < best->seq) {
          best = std::move(job);
          best_entry = &e;
          best_warm = warm;
          best_devices = devices.value_or(std::vector<jobs::DeviceHold>{});
          best_warm_devices = std::move(warm_devices);
        }
        break;
      }
    }
    if (!best) break;
    {
      std::lock_guard<std::mutex> lock(mu_);
      not_before_.erase(best->job_id);
    }
    if (best_warm) {
      const bool pooled = !best_entry->device_pools.empty();
      if (auto claimed = store_.claimWarm(best->job_id, best_entry->name, now,
                                          pooled ? &best_warm_devices : nullptr)) {
        std::vector<jobs::DeviceHold> items =
            pooled ? best_warm_devices.at(claimed->remote) : std::vector<jobs::DeviceHold>{};
        countClaim(best_entry->name, true);
        best->state = jobs::JobState::Provisioning;
        best->instance = claimed->name;
        best->remote = claimed->remote;
        best->backend = claimed->backend;
        best->attempts += 1;
        best->served_warm = true;
        ++started;
        ++counters_.launches_started;
        ++starts_in_flight_;
        {
          std::lock_guard<std::mutex> lock(mu_);
          launching_.insert(claimed->name);
        }
        starts_->post([this, job = *best, e = best_entry, warm = *claimed,
                       items = std::move(items)]() mutable {
          runWarmStart(std::move(job), e, std::move(warm), std::move(items));
        });
        continue;
      }
      // Raced (the job was cancelled, or the last idle instance went): look again.
      continue;
    }
    if (warmEnabled(*best_entry)) countClaim(best_entry->name, false);
    const int attempt = best->attempts + 1;
    const std::string instance = instanceName(*best, attempt);
    jobs::TransitionFields fields;
    fields.instance = instance;
    fields.backend = best_entry->backend;
    fields.remote = std::string();
    fields.attempts = attempt;
    // The items are held before the instance exists, in the same transaction.
    const bool moved = best_devices.empty()
                           ? store_.transition(best->job_id, jobs::JobState::Queued,
                                               jobs::JobState::Launching, now, fields)
                           : store_.launchHolding(best->job_id, now, fields, best_devices);
    if (!moved) continue;  // cancelled meanwhile (or an item taken): look again
    best->state = jobs::JobState::Launching;
    best->instance = instance;
    best->attempts = attempt;
    ++in_flight_;
    {
      std::lock_guard<std::mutex> lock(mu_);
      launching_.insert(instance);
    }
    ++started;
    ++counters_.launches_started;
    launches_->post(
        [this, job = *best, e = best_entry, instance, devices = std::move(best_devices)]() mutable {
          runLaunch(std::move(job), e, instance, std::move(devices));
        });
  }
  scheduleRefills(job_waits_for_room);
  return started;
}

std::set<std::string> Dispatcher::checkDevices(int64_t now) {
  auto& log = Poco::Logger::get("dispatcher");
  std::lock_guard<std::mutex> lock(mu_);
  if (!devices_checked_ms_ || now - *devices_checked_ms_ >= kDeviceCheckIntervalMs) {
    devices_checked_ms_ = now;
    auto found = config::unavailableDeviceItems(config_);
    if (remote_devices_) found.merge(remote_devices_());
    for (const auto& [key, why] : found) {
      if (unavailable_devices_.count(key) == 0) {
        log.warning("device pool item %s is unavailable (%s): skipped until it is back", key, why);
      }
    }
    for (const auto& [key, why] : unavailable_devices_) {
      if (found.count(key) == 0) log.information("device pool item %s is available again", key);
    }
    unavailable_devices_ = std::move(found);
  }
  std::set<std::string> keys;
  for (const auto& [key, why] : unavailable_devices_) keys.insert(key);
  return keys;
}

void Dispatcher::setRemoteDeviceSnapshot(RemoteDeviceSnapshot snapshot) {
  std::lock_guard<std::mutex> lock(mu_);
  remote_devices_ = std::move(snapshot);
}

std::map<std::string, std::string> Dispatcher::unavailableDevices() const {
  std::lock_guard<std::mutex> lock(mu_);
  return unavailable_devices_;
}

void Dispatcher::drain(const std::string& entry) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    drained_.insert(entry);
  }
  // A pass that read the entry as not drained may still claim or launch: wait for it.
  std::lock_guard<std::mutex> barrier(schedule_mu_);
}

void Dispatcher::resume(const std::string& entry) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    drained_.erase(entry);
  }
  wake();
}

bool Dispatcher::isDrained(const std::string& entry) const {
  std::lock_guard<std::mutex> lock(mu_);
  return drained_.count(entry) > 0;
}

bool Dispatcher::isLaunching(const std::string& instance) const {
  std::lock_guard<std::mutex> lock(mu_);
  return launching_.count(instance) > 0;
}

bool Dispatcher::hasOurNamePattern(const std::string& name) const {
  return parseInstanceName(config_.prefix, name).has_value();
}

bool Dispatcher::isOurs(const std::string& name) const {
  const auto generated = parseInstanceName(config_.prefix, name);
  if (!generated) return false;
  if (isLaunching(name) || store_.knowsInstance(name)) return true;
  if (generated->warm) return false;
  // A job's record names only its latest instance (known above); an earlier attempt's may
  // be left behind (its removal failed). The job id in the name ties it to the record.
  const auto job = store_.get(generated->job_id);
  return job && generated->attempt < job->attempts;
}

}  // namespace lxdrunner::dispatch
