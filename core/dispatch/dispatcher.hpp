// SPDX-License-Identifier: Apache-2.0
// The dispatcher: turns job events into instances. Every decision is written to the job
// store before it is acted on, so a restart (kill -9 included) resumes from the store.
//
//  - Intake: queued events are recorded once per job id (webhook, redelivery and poll are one
//    job) under the entry the matcher picks; in_progress/completed bind the job to the runner
//    that took it and free that runner's instance when it is done.
//  - Scheduling: one thread picks, oldest first across entries, the next queued job of any
//    entry below its max_workers while the global max_workers and launch_concurrency allow.
//    A full entry is skipped, so it never delays another one. An entry using device pools
//    is full too while one of its pools has no free item (device_pools.hpp); the items are
//    held in the store with the job's move to launching and freed with the instance.
//  - Launching: a bounded pool creates the instance, then provisions it. Transient failures
//    destroy the half-made instance and requeue the job (keeping its FIFO place) after a
//    doubling backoff; permanent ones, or too many attempts, fail it with the reason.
//  - Warm pools (dispatcher_warm.cpp): an entry with warm_pool.size N keeps N instances
//    launched and prepared; a job claims an idle one (one store transaction) and only the
//    runner start stays on its critical path. Refills come after queued jobs, never before.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "config/model.hpp"
#include "dispatch/executor.hpp"
#include "dispatch/runner_directory.hpp"
#include "dispatch/work_queue.hpp"
#include "events/inbox.hpp"
#include "jobs/job_store.hpp"
#include "jobs/runner_matcher.hpp"

namespace lxdrunner::dispatch {

// One entry's warm pool as the operator sees it.
struct WarmPoolStatus {
  std::string entry;
  int size = 0;          // target idle instances
  bool served = false;   // false: cold only (the provisioner cannot prepare, or a pool item
                         // cannot be hot-plugged)
  size_t idle = 0;       // ready for a job
  size_t preparing = 0;  // launching or preparing
  uint64_t hits = 0;     // jobs served by a warm instance
  uint64_t misses = 0;   // jobs of this entry that found none idle and launched cold
};

struct DispatcherCounters {
  std::atomic<uint64_t> events{0};
  std::atomic<uint64_t> duplicates{0};
  std::atomic<uint64_t> launches_started{0};
  std::atomic<uint64_t> launches_succeeded{0};
  std::atomic<uint64_t> launch_failures{0};
  std::atomic<uint64_t> jobs_failed{0};
  std::atomic<uint64_t> instances_destroyed{0};
  std::atomic<uint64_t> cancelled_before_launch{0};
  std::atomic<uint64_t> runner_swaps{0};
  std::atomic<uint64_t> warm_refills{0};
  std::atomic<uint64_t> warm_refill_failures{0};
  std::atomic<uint64_t> warm_recycled{0};
};

class Dispatcher {
 public:
  using Clock = std::function<int64_t()>;  // Unix milliseconds

  // `runners` may be null (no GitHub: runner registrations are then never cleaned up).
  Dispatcher(const config::Config& config, jobs::JobStore& store, Executor& executor,
             RunnerDirectory* runners, Clock wall_clock = {});
  ~Dispatcher();
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Starts the scheduler and the pools. Call after recovery (Reconciler::recover).
  void start();
  // No new launches; what is in flight carries on. Idempotent.
  void stopScheduling();
  // No new launches; launches in flight finish (or are cancelled by the shutting-down flag
  // and left for recovery); running instances keep running. Idempotent.
  void stop();

  // One event from the inbox. Called from one consumer thread.
  void handle(const events::InboxEvent& event);
  // Re-runs scheduling (capacity may have freed).
  void wake();

  // What removeInstanceNow did.
  enum class Removal {
    removed,
    kept,    // GitHub gave its runner a job (removing it would strand that job), or cleanup:
             // false keeps a failed job's instance
    failed,  // the backend could not remove it (logged); the reconciler retries
  };
  // cleanupInstance's work, on the calling thread. With delete_runner the runner's
  // registration is deleted before the instance: GitHub refuses to delete a runner that has
  // a job, so once the delete went through no job can land on the instance, however late
  // the runner came online (a listing alone can be a moment old). Without a registration,
  // or when GitHub cannot be asked, the instance is removed as before.
  Removal removeInstanceNow(const jobs::JobRecord& bound, const std::string& reason,
                            bool delete_runner, bool force = false);
  // Destroys an instance (and its runner registration when asked), then frees its slot.
  // Asynchronous; used by the reconciler too. With delete_runner, an instance whose runner
  // GitHub reports busy is spared (GitHub gave it a job we have not heard of: destroying it
  // would strand that job), unless `force` (max_lifetime_s, an operator's delete).
  void cleanupInstance(const jobs::JobRecord& bound, const std::string& reason, bool delete_runner,
                       bool force = false);

  // A drained entry launches nothing new: its jobs stay queued (durably) until resume.
  // Instances already launched carry on. In memory: a restart resumes every entry.
  // When drain returns, no scheduling pass that could have missed it is still running, so
  // a job queued afterwards stays queued.
  void drain(const std::string& entry);
  void resume(const std::string& entry);
  bool isDrained(const std::string& entry) const;

  // Whether `name` has one of the name patterns of this daemon's instances and runners
  // (instance_names.hpp). A pattern alone is not ownership: another daemon with the same
  // prefix (another host) makes the same names.
  bool hasOurNamePattern(const std::string& name) const;
  // An instance or runner this daemon made: its exact name pattern, and its job store knows
  // the name (any job's instance, live or gone, or a warm instance), or the name is of an
  // earlier attempt of a job in the store, or a launch works on it now. Never a prefix
  // match: a daemon with prefix "ci" does not own "ci-gpu-..." nor a person's "ci-foo".
  bool isOurs(const std::string& name) const;
  // True while a launch works on `instance` (the reconciler leaves it alone).
  bool isLaunching(const std::string& instance) const;

  const DispatcherCounters& counters() const noexcept { return counters_; }
  size_t launchesInFlight() const noexcept { return in_flight_.load(); }
  const config::RunnerEntry* entry(const std::string& name) const;
  int64_t now() const { return clock_(); }
  // "<prefix>-<job id>-<attempt><4 random [a-z0-9]>": at most 60 characters.
  std::string instanceName(const jobs::JobRecord& job, int attempt) const;

  // Called with a job's repository whenever one is recorded (the runner cache's scope).
  std::function<void(const std::string& repository)> on_repository;

  // --- Warm pools (dispatcher_warm.cpp) ---
  // At start-up, before start(): idle warm instances that still run are adopted; those whose
  // launch or preparation was interrupted are destroyed (refills replace them).
  void recoverWarm();
  // Replaces idle instances that are too old, whose entry changed or went away, whose image
  // alias moved, or that stopped; trims pools above their size. Runs every
  // reconcile_interval_s on its own, or now (tests, operator).
  void recycleWarm();
  std::vector<WarmPoolStatus> warmPools() const;
  // Whether the entry is served from a warm pool (size > 0 and the provisioner can prepare).
  bool warmEnabled(const config::RunnerEntry& entry) const;
  // The entry's configuration as a launch sees it: a warm instance of another is replaced.
  static std::string entryHash(const config::RunnerEntry& entry);
  // Launch threads in use: dispatcher.launch_concurrency, 0 = the global max_workers.
  size_t launchConcurrency() const;

  // --- Device pools ---
  // Items whose host device cannot be used, as of the last check: "POOL REMOTE ITEM" -> why.
  // They are skipped; a check runs at most every few seconds while jobs are scheduled.
  std::map<std::string, std::string> unavailableDevices() const;
  // What is known about items on other hosts, which only their LXD can tell: "POOL REMOTE
  // ITEM" -> why, for those found missing. Set before start(); called at each device check
  // on the scheduling thread, so it must return at once (the daemon's prober probes on its
  // own thread and hands back its last snapshot).
  using RemoteDeviceSnapshot = std::function<std::map<std::string, std::string>()>;
  void setRemoteDeviceSnapshot(RemoteDeviceSnapshot snapshot);

 private:
  void schedulerLoop();
  // Re-checks the device pool items' host devices when the last check is old enough and
  // logs each change; returns the keys of the unavailable ones.
  std::set<std::string> checkDevices(int64_t now);
  // Starts as many launches (warm claims first) as limits allow; returns how many.
  size_t scheduleOnce();
  // Starts refills for pools below their size while no queued job needs the room.
  void scheduleRefills(bool job_waits_for_room);
  // Frees a slot for a queued job held back only by the global max_workers, by removing an
  // idle warm instance of another entry. True when one was removed.
  bool evictIdleWarmFor(const std::string& entry);
  // `devices`: the device pool items held for the instance (written in the store already).
  void runLaunch(jobs::JobRecord job, const config::RunnerEntry* entry, std::string instance,
                 std::vector<jobs::DeviceHold> devices);
  // Something threw during runLaunch (a job store write, mostly): removes the instance and requeues
  // (or fails) the job like a failed step, unless its runner started already.
  void abandonLaunch(const config::RunnerEntry& entry, const std::string& instance,
                     const std::string& remote, const char* phase, bool runner_started,
                     const std::string& error);
  // `devices`: the pool items the claim took for the instance, hot-plugged before the start.
  void runWarmStart(jobs::JobRecord job, const config::RunnerEntry* entry, jobs::WarmRecord warm,
                    std::vector<jobs::DeviceHold> devices);
  void runRefill(const config::RunnerEntry* entry, std::string instance);
  // Destroys a warm instance (state removing first, so it keeps its slot until gone).
  void removeWarm(const jobs::WarmRecord& warm, const std::string& reason);
  void countClaim(const std::string& entry, bool hit);
  // Held while a task works on an instance: the instance stays in launching_ (the
  // reconciler leaves it alone), `counter` (if any) counts the task, and the scheduler is
  // woken when the task ends.
  class InstanceTask {
   public:
    InstanceTask(Dispatcher& d, std::string instance, std::atomic<size_t>* counter)
        : d_(d), instance_(std::move(instance)), counter_(counter) {}
    ~InstanceTask();
    InstanceTask(const InstanceTask&) = delete;
    InstanceTask& operator=(const InstanceTask&) = delete;
    // Gives the instance up now (the caller holds mu_), in the same step that hands it to
    // others: whoever takes it next marks it in launching_, and this task's end must not
    // unmark it.
    void releaseLocked();

   private:
    Dispatcher& d_;
    std::string instance_;
    std::atomic<size_t>* counter_;
    bool released_ = false;
  };
  std::string randomTail(size_t length) const;
  void failLaunch(const config::RunnerEntry& entry, const std::string& instance,
                  const std::string& remote, const StepResult& result, const char* phase);
  // The instance lost its job while launching (cancelled, or its job ran elsewhere).
  void releaseUnneeded(const std::string& instance, const std::string& backend,
                       const std::string& remote, const std::string& repository);
  void onQueued(const events::InboxEvent& event);
  void onInProgress(const sdk::JobEvent& event);
  void onCompleted(const sdk::JobEvent& event);

  const config::Config& config_;
  jobs::JobStore& store_;
  Executor& executor_;
  RunnerDirectory* runners_;
  Clock clock_;
  jobs::RunnerMatcher matcher_;
  DispatcherCounters counters_;

  mutable std::mutex mu_;
  std::mutex schedule_mu_;  // held by a scheduling pass; drain() waits for the one running
  std::condition_variable cv_;
  bool wake_ = false;
  bool running_ = false;
  std::map<uint64_t, int64_t> not_before_;  // job id -> Unix ms before which it is not retried
  std::set<std::string> launching_;         // instances a launch task works on
  std::set<std::string> drained_;           // entries that launch nothing new
  std::map<std::string, int64_t> refill_not_before_;  // entry -> Unix ms (after failures)
  std::map<std::string, int> refill_failures_;        // entry -> failures in a row
  std::map<std::string, std::pair<uint64_t, uint64_t>> claims_;  // entry -> (hits, misses)
  int64_t last_recycle_ms_ = 0;
  std::map<std::string, std::string> unavailable_devices_;  // see unavailableDevices()
  std::optional<int64_t> devices_checked_ms_;
  RemoteDeviceSnapshot remote_devices_;  // may be empty: items on other hosts taken as there
  std::atomic<bool> recycling_{false};
  std::atomic<size_t> in_flight_{0};  // cold launches
  std::atomic<size_t> refills_in_flight_{0};
  std::atomic<size_t> starts_in_flight_{0};  // warm starts
  std::thread scheduler_;
  std::unique_ptr<WorkQueue> launches_;
  std::unique_ptr<WorkQueue> starts_;   // warm starts: short, never behind a cold launch
  std::unique_ptr<WorkQueue> refills_;  // warm refills: never take a launch thread
  std::unique_ptr<WorkQueue> cleanups_;
};

}  // namespace lxdrunner::dispatch
