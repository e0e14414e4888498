// SPDX-License-Identifier: Apache-2.0
// The launch pipeline of one instance (create+start, then provision) and what happens when a
// step fails; and the clean-up of instances that are no longer needed.
#include <Poco/Exception.h>
#include <Poco/Logger.h>

#include <algorithm>
#include <chrono>

#include "dispatch/device_pools.hpp"
#include "dispatch/dispatcher.hpp"
#include "dispatch/one_line.hpp"
#include "dispatch/registration_scope.hpp"

namespace lxdrunner::dispatch {

using jobs::JobState;

namespace {

// Launch (create, start, wait for exec) gets this long; the backend has its own
// launch_timeout_s inside it.
constexpr int kLaunchBudgetS = 600;
constexpr int kDestroyBudgetS = 120;

}  // namespace

Dispatcher::InstanceTask::~InstanceTask() {
  if (!released_) {
    std::lock_guard<std::mutex> lock(d_.mu_);
    d_.launching_.erase(instance_);
  }
  if (counter_ != nullptr) --*counter_;
  d_.wake();
}

void Dispatcher::InstanceTask::releaseLocked() {
  d_.launching_.erase(instance_);
  released_ = true;
}

void Dispatcher::runLaunch(jobs::JobRecord job, const config::RunnerEntry* entry,
                           std::string instance, std::vector<jobs::DeviceHold> devices) {
  auto& log = Poco::Logger::get("dispatcher");
  const InstanceTask task(*this, instance, &in_flight_);
  // Where the launch got to, for when something throws (a job store write, mostly).
  const char* phase = "launch";
  std::string remote;
  bool runner_started = false;
  try {
    const StepResult launched =
        devices.empty() ? executor_.launch(*entry, job, instance, deadlineAfter(kLaunchBudgetS))
                        : executor_.launch(withHeldDevices(config_, *entry, devices), job, instance,
                                           deadlineAfter(kLaunchBudgetS));
    remote = launched.remote;
    if (!launched.ok()) {
      failLaunch(*entry, instance, launched.remote, launched, "launch");
      return;
    }
    jobs::TransitionFields fields;
    fields.remote = launched.remote;
    if (!store_.transitionInstance(instance, JobState::Launching, JobState::Provisioning, clock_(),
                                   fields)) {
      releaseUnneeded(instance, entry->backend, launched.remote, job.repository);
      return;
    }
    phase = "provision";
    // The provisioner registers the runner in the repository of the job it is bound to now.
    const auto bound = store_.byInstance(instance);
    const jobs::JobRecord& for_job = bound ? *bound : job;
    const StepResult provisioned =
        executor_.provision(*entry, for_job, instance, launched.remote,
                            deadlineAfter(config_.dispatcher.provision_timeout_s));
    runner_started = provisioned.ok();
    if (!provisioned.log.empty()) store_.appendLog(for_job.job_id, provisioned.log);
    if (!provisioned.ok()) {
      failLaunch(*entry, instance, launched.remote, provisioned, "provision");
      return;
    }
    ++counters_.launches_succeeded;
    log.information("instance %s on %s: runner started for job %s", instance, launched.remote,
                    std::to_string(for_job.job_id));
    if (!store_.transitionInstance(instance, JobState::Provisioning, JobState::Running, clock_())) {
      // Its job ended already: on this very runner (fast jobs do), or elsewhere.
      releaseUnneeded(instance, entry->backend, launched.remote, for_job.repository);
    }
  } catch (const Poco::Exception& e) {  // the job store's: what() is only the class name
    abandonLaunch(*entry, instance, remote, phase, runner_started, e.displayText());
  } catch (const std::exception& e) {
    abandonLaunch(*entry, instance, remote, phase, runner_started, e.what());
  }
}

void Dispatcher::abandonLaunch(const config::RunnerEntry& entry, const std::string& instance,
                               const std::string& remote, const char* phase, bool runner_started,
                               const std::string& error) {
  auto& log = Poco::Logger::get("dispatcher");
  if (runner_started) {
    // Removing a started runner could strand a job GitHub is giving it. The reconciler
    // finds the job still provisioning and adopts the runner once GitHub sees it online.
    log.error("instance %s: %s threw after its runner started (%s); the reconciler takes it over",
              instance, std::string(phase), error);
    return;
  }
  log.error("instance %s: %s threw (%s); removing it", instance, std::string(phase), error);
  StepResult failed;
  failed.status = LXDR_ERR_INTERNAL;  // transient: the job is retried under the usual rules
  failed.error = error;
  // Should the store still fail, the reconciler's rule for a launch that ended unfinished
  // removes the instance and requeues the job once the store answers again.
  try {
    failLaunch(entry, instance, remote, failed, phase);
  } catch (const Poco::Exception& again) {
    log.error("instance %s: could not clean up after that (%s); the reconciler retries", instance,
              again.displayText());
  } catch (const std::exception& again) {
    log.error("instance %s: could not clean up after that (%s); the reconciler retries", instance,
              std::string(again.what()));
  }
}

void Dispatcher::failLaunch(const config::RunnerEntry& entry, const std::string& instance,
                            const std::string& remote, const StepResult& result,
                            const char* phase) {
  auto& log = Poco::Logger::get("dispatcher");
  const auto bound = store_.byInstance(instance);
  if (bound && jobs::isFinished(bound->state) && bound->runner_name == instance) {
    // Not a failure: the runner took its job and finished it (the instance powered off)
    // before the provisioner returned. The completed event removes the instance.
    return;
  }
  if (bound && bound->runner_name == instance) {
    // The runner took a job before the provisioner gave up on it (e.g. it died while the
    // provisioner watched it start). GitHub has that job on this runner now: another
    // instance would never get it. Its completed event, or the reconciler's stopped-instance
    // rule, ends it and removes the instance.
    log.warning(
        "instance %s: %s reported a failure after its runner took job %s (%s); the job "
        "stays with that runner",
        instance, std::string(phase), std::to_string(bound->job_id), oneLine(result.error));
    return;
  }
  ++counters_.launch_failures;
  if (result.status == LXDR_ERR_CANCELLED) {
    // Shutting down: the store says launching/provisioning; recovery at the next start
    // destroys the half-made instance and requeues the job.
    log.information("instance %s: %s interrupted by shutdown; resumed at the next start", instance,
                    std::string(phase));
    return;
  }
  if (!bound) return;
  const bool registered = std::string(phase) == "provision" || std::string(phase) == "start";
  if (runners_ != nullptr && registered && !bound->repository.empty()) {
    // GitHub may have given this runner a job although no in_progress event said so (lost
    // while the daemon was down, or still on its way). Destroying it would strand that job
    // on GitHub, in progress on a runner that no longer exists.
    std::string error;
    if (auto list = runners_->runners(registrationScope(config_, *bound), error)) {
      for (const auto& r : *list) {
        if (r.name != instance || !r.busy) continue;
        log.warning(
            "instance %s: %s failed (%s), but GitHub says its runner is running a job; "
            "it is left to finish (the completed event or the reconciler removes it)",
            instance, std::string(phase), oneLine(result.error));
        return;
      }
    }
  }
  const std::string reason = std::string(phase) + " failed: " + oneLine(result.error);
  if (bound->state == JobState::Provisioning || bound->state == JobState::Launching) {
    store_.appendLog(bound->job_id, "lxdrunner: instance " + instance + ": " + reason + "\n");
  }
  // The half-made instance goes first (unless kept for debugging), then the job decides.
  if (config_.cleanup) {
    const StepResult destroyed =
        executor_.destroy(entry.backend, instance, remote, deadlineAfter(kDestroyBudgetS));
    if (destroyed.ok()) {
      ++counters_.instances_destroyed;
      log.information("instance %s removed after its failed %s", instance, std::string(phase));
    } else {
      log.warning(
          "instance %s: could not be removed after a failed %s (%s); the reconciler "
          "retries",
          instance, std::string(phase), destroyed.error);
    }
  } else {
    log.warning("instance %s kept for debugging (cleanup: false); delete it by hand", instance);
  }
  if (runners_ != nullptr && registered && !bound->repository.empty()) {
    // A JIT registration may exist already; it would stay offline forever.
    std::string error;
    const std::string scope = registrationScope(config_, *bound);
    if (auto list = runners_->runners(scope, error)) {
      for (const auto& r : *list) {
        if (r.name == instance && !r.busy) runners_->deleteRunner(scope, r.id, error);
      }
    }
  }
  store_.markInstanceGone(instance, clock_());
  if (jobs::isFinished(bound->state)) return;

  const bool retry = result.transient() && bound->attempts < config_.dispatcher.launch_attempts;
  if (retry) {
    jobs::TransitionFields fields;
    fields.error = reason;
    const int64_t backoff_ms = int64_t{1000} * config_.dispatcher.retry_backoff_s
                               << std::min(bound->attempts - 1, 10);
    // The backoff goes in before the job is queued again: set after, a scheduling pass in
    // between launched the job at once (seen as a second launch in a unit test under load).
    {
      std::lock_guard<std::mutex> lock(mu_);
      not_before_[bound->job_id] = clock_() + backoff_ms;
    }
    if (!store_.transition(bound->job_id, bound->state, JobState::Queued, clock_(), fields)) {
      std::lock_guard<std::mutex> lock(mu_);
      not_before_.erase(bound->job_id);
    } else {
      log.warning("job %s: %s (attempt %d of %d); retrying in %d ms", std::to_string(bound->job_id),
                  reason, bound->attempts, config_.dispatcher.launch_attempts,
                  static_cast<int>(backoff_ms));
    }
    return;
  }
  jobs::TransitionFields fields;
  fields.error = result.transient()
                     ? reason + " (gave up after " + std::to_string(bound->attempts) + " attempts)"
                     : reason;
  if (store_.transition(bound->job_id, bound->state, JobState::Failed, clock_(), fields)) {
    ++counters_.jobs_failed;
    log.error("job %s failed: %s", std::to_string(bound->job_id), *fields.error);
  }
}

void Dispatcher::releaseUnneeded(const std::string& instance, const std::string& backend,
                                 const std::string& remote, const std::string& repository) {
  const auto bound = store_.byInstance(instance);
  if (bound && bound->runner_name == instance)
    return;  // it ran its job already; completion frees it
  jobs::JobRecord gone;
  if (bound) gone = *bound;
  gone.instance = instance;
  gone.backend = backend;
  gone.remote = remote;
  if (gone.repository.empty()) gone.repository = repository;
  cleanupInstance(gone, "its job finished before its runner started", true);
}

Dispatcher::Removal Dispatcher::removeInstanceNow(const jobs::JobRecord& bound,
                                                  const std::string& reason, bool delete_runner,
                                                  bool force) {
  auto& log = Poco::Logger::get("dispatcher");
  if (!config_.cleanup && bound.state == JobState::Failed) return Removal::kept;
  if (delete_runner && runners_ != nullptr && !bound.repository.empty()) {
    std::string error;
    const std::string scope = registrationScope(config_, bound);
    if (auto list = runners_->runners(scope, error)) {
      for (const auto& runner : *list) {
        if (runner.name != bound.instance) continue;
        if (runner.busy && !force) {
          log.information("instance %s kept (%s): GitHub says its runner is running a job",
                          bound.instance, reason);
          return Removal::kept;
        }
        if (runner.busy) continue;  // forced: GitHub will not delete it; the job fails there
        // Retired first: from here on GitHub gives this runner no job. A refusal means it
        // took one since the listing.
        if (!runners_->deleteRunner(scope, runner.id, error) && !error.empty() && !force) {
          log.information("instance %s kept (%s): its runner could not be retired (%s)",
                          bound.instance, reason, error);
          return Removal::kept;
        }
      }
    }
  }
  const StepResult r = executor_.destroy(bound.backend, bound.instance, bound.remote,
                                         deadlineAfter(kDestroyBudgetS));
  if (!r.ok()) {
    log.warning("instance %s: removal failed (%s); the reconciler retries", bound.instance,
                r.error);
    return Removal::failed;
  }
  ++counters_.instances_destroyed;
  store_.markInstanceGone(bound.instance, clock_());
  log.information("instance %s removed: %s", bound.instance, reason);
  wake();
  return Removal::removed;
}

void Dispatcher::cleanupInstance(const jobs::JobRecord& bound, const std::string& reason,
                                 bool delete_runner, bool force) {
  auto task = [this, bound, reason, delete_runner, force] {
    removeInstanceNow(bound, reason, delete_runner, force);
  };
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cleanups_ && running_) {
      cleanups_->post(std::move(task));
      return;
    }
  }
  task();  // before start() (recovery) or after stop(): inline
}

}  // namespace lxdrunner::dispatch
