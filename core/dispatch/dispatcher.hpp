// SPDX-License-Identifier: Apache-2.0
// The dispatcher: turns job events into instances. Every decision is written to the job
// store before it is acted on, so a restart (kill -9 included) resumes from the store.
//
//  - Intake: queued events are recorded once per job id (webhook, redelivery and poll are one
//    job) under the entry the matcher picks; in_progress/completed bind the job to the runner
//    that took it and free that runner's instance when it is done.
//  - Scheduling: one thread picks, oldest first across entries, the next queued job of any
//    entry below its max_workers while the global max_workers and launch_concurrency allow.
//    A full entry is skipped, so it never delays another one.
//  - Launching: a bounded pool creates the instance, then provisions it. Transient failures
//    destroy the half-made instance and requeue the job (keeping its FIFO place) after a
//    doubling backoff; permanent ones, or too many attempts, fail it with the reason.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
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

  // Destroys an instance (and its runner registration when asked), then frees its slot.
  // Asynchronous; used by the reconciler too.
  void cleanupInstance(const jobs::JobRecord& bound, const std::string& reason, bool delete_runner);

  // A drained entry launches nothing new: its jobs stay queued (durably) until resume.
  // Instances already launched carry on. In memory: a restart resumes every entry.
  void drain(const std::string& entry);
  void resume(const std::string& entry);
  bool isDrained(const std::string& entry) const;

  // Runner and instance names this daemon made: "<prefix>-...".
  bool isOurs(const std::string& runner_name) const;
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

 private:
  void schedulerLoop();
  // Starts as many launches as limits allow; returns how many.
  size_t scheduleOnce();
  void runLaunch(jobs::JobRecord job, const config::RunnerEntry* entry, std::string instance);
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
  std::condition_variable cv_;
  bool wake_ = false;
  bool running_ = false;
  std::map<uint64_t, int64_t> not_before_;
  std::set<std::string> launching_;  // instances a launch task works on
  std::set<std::string> drained_;    // entries that launch nothing new  // job id -> Unix ms
                                     // before which it is not retried
  std::atomic<size_t> in_flight_{0};
  std::thread scheduler_;
  std::unique_ptr<WorkQueue> launches_;
  std::unique_ptr<WorkQueue> cleanups_;
};

}  // namespace lxdrunner::dispatch
