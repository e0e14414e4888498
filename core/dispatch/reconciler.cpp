// SPDX-License-Identifier: Apache-2.0
#include "dispatch/reconciler.hpp"

#include <Poco/Logger.h>
#include <Poco/String.h>

#include <algorithm>
#include <cstdint>
#include <set>

#include "dispatch/registration_scope.hpp"

namespace lxdrunner::dispatch {

using jobs::JobState;

namespace {

constexpr int kListBudgetS = 60;
constexpr int64_t kDayMs = int64_t{24} * 3600 * 1000;

Poco::Logger& logger() {
  return Poco::Logger::get("reconciler");
}

// How long a record may look unattended before the reconciler acts on it: the store write
// that records a launch comes a moment before the launch is marked in flight (and an
// instance is created a moment before the store hears of it).
int64_t settleGraceMs(const config::Config& config) {
  return std::max<int64_t>(60000, int64_t{2000} * config.dispatcher.reconcile_interval_s);
}

}  // namespace

Reconciler::Reconciler(const config::Config& config, jobs::JobStore& store, Executor& executor,
                       RunnerDirectory* runners, Dispatcher& dispatcher)
    : config_(config),
      store_(store),
      executor_(executor),
      runners_(runners),
      dispatcher_(dispatcher) {}

Reconciler::~Reconciler() {
  stop();
}

bool Reconciler::beginCall(ReconcileReport& report) {
  if (stopping()) return false;
  ++report.github_calls;
  calls_.record(dispatcher_.now());
  return true;
}

const std::vector<RunnerState>* Reconciler::runnersOf(const jobs::JobRecord& job,
                                                      RunnerLists& cache, ReconcileReport& report) {
  return runnersOf(registrationScope(config_, job), cache, report);
}

const std::vector<RunnerState>* Reconciler::runnersOf(const std::string& scope, RunnerLists& cache,
                                                      ReconcileReport& report) {
  if (runners_ == nullptr || scope.empty()) return nullptr;
  auto it = cache.listed.find(scope);
  if (it == cache.listed.end()) {
    const int64_t now = dispatcher_.now();
    const auto limit = static_cast<size_t>(config_.dispatcher.reconcile_github_calls_per_minute);
    // Not planned, or the budget is spent: the rules that need the list wait for a later
    // pass, as they do when GitHub cannot be asked.
    if (cache.budgeted && (!cache.allowed.count(scope) || calls_.inLastMinute(now) >= limit))
      return nullptr;
    // Stopping: not asked, like a budget that is spent (and not remembered as asked).
    if (!beginCall(report)) return nullptr;
    std::string error;
    auto list = runners_->runners(scope, error);
    if (list) {
      scopes_.looked(scope, now);
    } else {
      report.errors.push_back("runners of " + scope + ": " + error);
    }
    it = cache.listed.emplace(scope, std::move(list)).first;
  }
  return it->second ? &*it->second : nullptr;
}

Dispatcher::Removal Reconciler::destroyNow(const jobs::JobRecord& job, ReconcileReport& report) {
  // Its registration is retired before the instance goes (see removeInstanceNow): a runner
  // that started before the crash may be taking a job while recovery looks at it.
  if (runners_ != nullptr && !job.repository.empty()) beginCall(report);
  const auto removal = dispatcher_.removeInstanceNow(
      job,
      "recovery, job " + std::to_string(job.job_id) + " was " + std::string(toString(job.state)),
      true);
  if (removal == Dispatcher::Removal::removed) ++report.destroyed;
  if (removal == Dispatcher::Removal::failed) {
    report.errors.push_back("instance " + job.instance + ": its removal failed");
  }
  return removal;
}

bool Reconciler::requeueOrFail(const jobs::JobRecord& job, const std::string& reason,
                               ReconcileReport& report, bool while_bound) {
  jobs::TransitionFields fields;
  fields.error = reason;
  const bool retry = job.attempts < config_.dispatcher.launch_attempts;
  const JobState to = retry ? JobState::Queued : JobState::Failed;
  if (!retry)
    fields.error = reason + " (gave up after " + std::to_string(job.attempts) + " attempts)";
  const int64_t now = dispatcher_.now();
  const bool moved =
      while_bound ? store_.transitionInstance(job.instance, job.state, to, now, fields).has_value()
                  : store_.transition(job.job_id, job.state, to, now, fields);
  if (!moved) return false;
  ++(retry ? report.requeued : report.failed);
  logger().warning("job %s: %s; %s", std::to_string(job.job_id), reason,
                   std::string(retry ? "queued again" : "failed"));
  return true;
}

void Reconciler::completeFromGithub(const jobs::JobRecord& job, ReconcileReport& report) {
  if (runners_ == nullptr || job.repository.empty() || !beginCall(report)) return;
  std::string error;
  const auto status = runners_->job(job.repository, job.job_id, error);
  if (!status) {
    report.errors.push_back("job " + std::to_string(job.job_id) + ": " + error);
    return;
  }
  if (status->status != "completed") return;
  events::InboxEvent event;
  event.source = "reconciler";
  event.event.action = LXDR_JOB_COMPLETED;
  event.event.job_id = job.job_id;
  event.event.repository = job.repository;
  event.event.runner_name = status->runner_name;
  event.event.conclusion = status->conclusion;
  dispatcher_.handle(event);
}

ReconcileReport Reconciler::recover() {
  ReconcileReport report = recoverStates();
  discoverQueued(report);
  return report;
}

void Reconciler::adoptRunning(const jobs::JobRecord& job, ReconcileReport& report) {
  if (store_.transition(job.job_id, job.state, JobState::Running, dispatcher_.now())) {
    ++report.adopted;
  }
}

ReconcileReport Reconciler::recoverStates(int64_t recorded_before_ms) {
  std::lock_guard<std::mutex> pass(pass_mu_);
  ReconcileReport report;
  RunnerLists runner_lists;
  // Jobs this run recorded already (webhooks arrive while recovery runs) need no recovery.
  auto unfinished = store_.unfinished();
  unfinished.erase(std::remove_if(unfinished.begin(), unfinished.end(),
                                  [&](const jobs::JobRecord& job) {
                                    return job.queued_at >= recorded_before_ms;
                                  }),
                   unfinished.end());
  // Jobs that ended on GitHub while we were down (their completed webhook went nowhere) are
  // finished first, whatever their state, so none of them is launched again.
  for (const auto& job : unfinished) completeFromGithub(job, report);
  // Their half-made instances: no launch is in flight to release them.
  for (const auto& rec : store_.liveInstances()) {
    if (!jobs::isFinished(rec.state) || rec.runner_name == rec.instance) continue;
    bool busy = false;  // running a job we did not hear about: the idle rule decides later
    if (const auto* list = runnersOf(rec, runner_lists, report)) {
      for (const auto& r : *list) busy = busy || (r.name == rec.instance && r.busy);
    }
    if (!busy) destroyNow(rec, report);
  }
  for (const auto& before : unfinished) {
    const auto fresh = store_.get(before.job_id);  // completeFromGithub may have ended it
    if (!fresh || jobs::isFinished(fresh->state)) continue;
    const jobs::JobRecord& job = *fresh;
    switch (job.state) {
      case JobState::Queued:
        break;
      case JobState::Launching: {
        // Half-made: nothing ran in it yet. Remove it and launch again.
        if (job.hasLiveInstance() && destroyNow(job, report) == Dispatcher::Removal::kept) {
          adoptRunning(job, report);
          break;
        }
        jobs::TransitionFields fields;
        fields.error = "launch interrupted by a restart";
        fields.attempts = std::max(0, job.attempts - 1);  // the restart is not the launch's fault
        if (store_.transition(job.job_id, job.state, JobState::Queued, dispatcher_.now(), fields)) {
          ++report.requeued;
        }
        break;
      }
      case JobState::Provisioning: {
        // The runner may have started before the crash: keep it when GitHub sees it online.
        bool online = false;
        if (const auto* list = runnersOf(job, runner_lists, report)) {
          for (const auto& r : *list) online = online || (r.name == job.instance && r.online);
        }
        if (online &&
            store_.transition(job.job_id, job.state, JobState::Running, dispatcher_.now())) {
          ++report.adopted;
          break;
        }
        if (job.hasLiveInstance() && destroyNow(job, report) == Dispatcher::Removal::kept) {
          adoptRunning(job, report);  // its runner took a job since GitHub was asked
          break;
        }
        jobs::TransitionFields fields;
        fields.error = "provisioning interrupted by a restart";
        fields.attempts = std::max(0, job.attempts - 1);
        if (store_.transition(job.job_id, job.state, JobState::Queued, dispatcher_.now(), fields)) {
          ++report.requeued;
        }
        break;
      }
      case JobState::Running:
        // The instance kept running while we were down.
        ++report.adopted;
        break;
      default:
        break;
    }
  }
  // Device pool items held by an instance no record keeps alive (docs/custom-hardware.md).
  for (const auto& hold : store_.releaseStaleHolds()) {
    ++report.holds_released;
    logger().information("recovery: device %s of pool %s on %s released (its instance %s is gone)",
                         hold.item, hold.pool, hold.remote, hold.instance);
  }
  // After the clean-ups above (their instances are gone from the listing) and before the
  // scheduler starts (daemon.cpp), so no item is handed out before the holds are right.
  recoverDeviceHolds(report);
  return report;
}

void Reconciler::discoverQueued(ReconcileReport& report) {
  std::lock_guard<std::mutex> pass(pass_mu_);
  // Jobs queued while the daemon was down, in repositories it has served recently and in
  // those the poll source watches (its list, or the discovered ones: a fresh install's).
  if (runners_ != nullptr) {
    const int64_t since = dispatcher_.now() - config_.dispatcher.job_retention_days * kDayMs;
    std::vector<std::string> repositories = store_.repositoriesSince(since);
    const size_t from_store = repositories.size();
    std::set<std::string> seen;
    for (const auto& r : repositories) seen.insert(Poco::toLower(r));
    for (auto& r : runners_->startupRepositories()) {
      if (seen.insert(Poco::toLower(r)).second) repositories.push_back(std::move(r));
    }
    for (size_t i = 0; i < repositories.size(); ++i) {
      const auto& repository = repositories[i];
      if (i >= from_store && !runners_->rateLimitRoom()) {
        // What the store does not know can wait for the poll source's rounds.
        report.deferred += repositories.size() - i;
        logger().warning(
            "recovery: %s repositories left out of the start-up scan to spare the GitHub rate "
            "limit",
            std::to_string(repositories.size() - i));
        break;
      }
      if (!beginCall(report)) break;
      std::string error;
      auto queued = runners_->queuedJobs(repository, error);
      if (!queued) {
        report.errors.push_back("queued jobs of " + repository + ": " + error);
        continue;
      }
      for (auto& e : *queued) {
        const bool known = store_.get(e.job_id).has_value();
        events::InboxEvent event;
        event.source = "startup-poll";
        event.event = std::move(e);
        dispatcher_.handle(event);
        if (!known && store_.get(event.event.job_id)) ++report.discovered;
      }
    }
  }
  for (const auto& line : report.errors) logger().warning("recovery: %s", line);
  if (!config_.device_pools.empty()) {
    logger().information(
        "recovery: device pools: %s holds released, %s held again from LXD, %s items found on "
        "two instances",
        std::to_string(report.holds_released), std::to_string(report.holds_rebuilt),
        std::to_string(report.items_shared));
  }
  logger().information(
      "recovery: %s adopted, %s queued again, %s destroyed, %s found queued on GitHub",
      std::to_string(report.adopted), std::to_string(report.requeued),
      std::to_string(report.destroyed), std::to_string(report.discovered));
}

void Reconciler::checkLiveInstance(const jobs::JobRecord& rec, const InstanceInfo* info,
                                   RunnerLists& runner_lists, ReconcileReport& report) {
  const int64_t now = dispatcher_.now();
  const bool active = jobs::isActive(rec.state);
  const bool took_job = rec.runner_name == rec.instance;
  if (info == nullptr || info->status == "stopped") {
    // Vanished, or its runner exited and powered it off.
    if (info != nullptr) {
      dispatcher_.cleanupInstance(rec, "it stopped (its runner exited)", true);
      ++report.destroyed;
    } else {
      logger().warning("instance %s (job %s, %s) is gone from LXD", rec.instance,
                       std::to_string(rec.job_id), std::string(toString(rec.state)));
      store_.markInstanceGone(rec.instance, now);
    }
    if (active && rec.runner_name.empty()) {
      requeueOrFail(rec, "instance " + rec.instance + " stopped before its runner took the job",
                    report);
    } else if (active && took_job) {
      completeFromGithub(rec, report);
    }
    return;
  }
  // A warm instance's lifetime counts from its claim (launching_at), not from its creation.
  const int64_t created = rec.served_warm
                              ? rec.launching_at
                              : (info->created_ms > 0 ? info->created_ms : rec.launching_at);
  if (created > 0 && now - created > int64_t{1000} * config_.dispatcher.max_lifetime_s) {
    dispatcher_.cleanupInstance(rec, "older than max_lifetime_s", true, /*force=*/true);
    ++report.destroyed;
    if (active) {
      jobs::TransitionFields fields;
      fields.error = "instance " + rec.instance + " exceeded max_lifetime_s (" +
                     std::to_string(config_.dispatcher.max_lifetime_s) + " s)";
      if (store_.transition(rec.job_id, rec.state, JobState::Failed, now, fields)) ++report.failed;
    }
    return;
  }
  if (jobs::isFinished(rec.state) && took_job) {
    dispatcher_.cleanupInstance(rec, "its runner finished its job", false);
    ++report.destroyed;
    return;
  }
  if (rec.state == JobState::Launching || rec.state == JobState::Provisioning) {
    releaseStrandedLaunch(rec, runner_lists, report);  // no launch works on it (see the pass)
    return;
  }
  const auto* runners = runnersOf(rec, runner_lists, report);
  if (runners == nullptr) return;
  const RunnerState* runner = nullptr;
  for (const auto& r : *runners) {
    if (r.name == rec.instance) runner = &r;
  }
  if (rec.state == JobState::Running && rec.runner_name.empty() &&
      now - rec.running_at > int64_t{1000} * config_.dispatcher.register_timeout_s &&
      (runner == nullptr || !runner->online)) {
    dispatcher_.cleanupInstance(rec, "its runner never came online", true);
    ++report.destroyed;
    requeueOrFail(rec,
                  "runner " + rec.instance + " did not come online within register_timeout_s (" +
                      std::to_string(config_.dispatcher.register_timeout_s) + " s)",
                  report);
    return;
  }
  if (rec.state == JobState::Running && rec.runner_name.empty() && runner != nullptr &&
      runner->online && !runner->busy) {
    // An idle runner for a job nobody reported taken: its job may have ended or gone to
    // another runner without us hearing (a webhook lost). Ask once the grace has passed.
    auto [it, fresh] = idle_since_.emplace(rec.instance, now);
    (void)fresh;
    if (now - it->second >= int64_t{1000} * config_.dispatcher.idle_runner_grace_s) {
      completeFromGithub(rec, report);
      const auto after = store_.get(rec.job_id);
      if (after && jobs::isFinished(after->state) && after->instance == rec.instance) {
        dispatcher_.cleanupInstance(*after, "its job ended elsewhere while its runner idled", true);
        ++report.destroyed;
        idle_since_.erase(rec.instance);
      }
    }
    return;
  }
  if (jobs::isFinished(rec.state)) {
    if (runner != nullptr && runner->busy) {
      idle_since_.erase(rec.instance);
      return;
    }
    auto [it, fresh] = idle_since_.emplace(rec.instance, now);
    (void)fresh;
    if (now - it->second >= int64_t{1000} * config_.dispatcher.idle_runner_grace_s) {
      dispatcher_.cleanupInstance(rec, "its runner stayed idle after its job went elsewhere", true);
      ++report.destroyed;
      idle_since_.erase(it);
    }
  }
}

void Reconciler::releaseStrandedLaunch(const jobs::JobRecord& rec, RunnerLists& runner_lists,
                                       ReconcileReport& report) {
  // The launch ended without moving the job on: a store write threw, or a step reported
  // cancelled while the daemon was not shutting down. Left alone, the slot would be held
  // until max_lifetime_s.
  const int64_t now = dispatcher_.now();
  const int64_t since =
      rec.state == JobState::Provisioning ? rec.provisioning_at : rec.launching_at;
  if (now - since < settleGraceMs(config_)) return;
  if (rec.state == JobState::Provisioning && runners_ != nullptr && !rec.repository.empty()) {
    // Its runner may have started (the provisioner finished; only the store did not hear).
    const auto* runners = runnersOf(rec, runner_lists, report);
    if (runners == nullptr) return;  // GitHub could not be asked: not "no runner"
    for (const auto& r : *runners) {
      if (r.name != rec.instance || !(r.online || r.busy)) continue;
      // As recovery does: it is running; the running rules (idle, stopped, lifetime) apply.
      if (store_.transitionInstance(rec.instance, JobState::Provisioning, JobState::Running, now)) {
        ++report.adopted;
        logger().information(
            "instance %s: its runner is up although its launch ended unfinished; job %s is running",
            rec.instance, std::to_string(rec.job_id));
      }
      return;
    }
  }
  // The compare-and-set decides: a launch that finished after this pass read the store has
  // moved the job on, and then nothing is removed.
  const std::string reason = "its launch ended with the job still " +
                             std::string(toString(rec.state)) + " on instance " + rec.instance;
  if (!requeueOrFail(rec, reason, report, /*while_bound=*/true)) return;
  dispatcher_.cleanupInstance(rec, "its launch ended unfinished", true);
  ++report.destroyed;
}

Reconciler::RunnerLists Reconciler::planListings(const std::vector<jobs::JobRecord>& live,
                                                 int64_t now, ReconcileReport& report) {
  RunnerLists lists;
  lists.budgeted = true;
  if (runners_ == nullptr) return lists;
  const auto& d = config_.dispatcher;
  if (!swept_) {
    std::vector<std::string> recent;
    for (const auto& place : store_.placesSince(now - d.job_retention_days * kDayMs)) {
      recent.push_back(registrationScope(config_, place));
    }
    scopes_.sweepOnce(recent);
    swept_ = true;
  }
  RunnerScopes::Inputs inputs;
  for (const auto& rec : live) {
    if (!rec.repository.empty()) inputs.live.insert(registrationScope(config_, rec));
  }
  // Covers a registration left behind going offline and its grace, with passes to spare for
  // a budget that could not cover every scope at once.
  const int64_t window_s =
      int64_t{d.offline_runner_grace_s} + std::max(600, 3 * d.reconcile_interval_s);
  std::map<std::string, int64_t> vacated;  // scope -> the latest time an instance of it went
  for (const auto& [place, gone_ms] : store_.placesVacatedSince(now - 1000 * window_s)) {
    int64_t& latest = vacated[registrationScope(config_, place)];
    latest = std::max(latest, gone_ms);
  }
  inputs.vacated.assign(vacated.begin(), vacated.end());
  lists.order = scopes_.plan(inputs, now);
  const auto limit = static_cast<size_t>(d.reconcile_github_calls_per_minute);
  const size_t used = calls_.inLastMinute(now);
  const size_t budget = used < limit ? limit - used : 0;
  if (lists.order.size() > budget) {
    report.deferred = lists.order.size() - budget;
    lists.order.resize(budget);
  }
  lists.allowed.insert(lists.order.begin(), lists.order.end());
  return lists;
}

void Reconciler::sweepOfflineRegistrations(const std::set<std::string>& owned,
                                           RunnerLists& runner_lists, ReconcileReport& report) {
  if (runners_ == nullptr) return;
  const int64_t now = dispatcher_.now();
  const int64_t grace_ms = int64_t{1000} * config_.dispatcher.offline_runner_grace_s;
  std::set<std::string> listed;
  std::set<std::string> seen_offline;
  for (const auto& scope : runner_lists.order) {
    const auto* list = runnersOf(scope, runner_lists, report);
    if (list == nullptr) continue;
    listed.insert(scope);
    int64_t due = 0;  // when a registration of ours here needs another look; 0 = none left
    auto lookAgainAt = [&due](int64_t at) { due = due == 0 ? at : std::min(due, at); };
    for (const auto& r : *list) {
      // Ours by its exact name and our store, never by prefix: another daemon's pending
      // registration (prefix "ci-gpu" beside "ci", or the same prefix on another host) and a
      // person's runner are offline too.
      if (owned.count(r.name) || dispatcher_.isLaunching(r.name) || !dispatcher_.isOurs(r.name)) {
        continue;
      }
      if (r.online) {  // its instance just went; GitHub has not noticed yet
        lookAgainAt(now + RunnerScopes::kRecheckMs);
        continue;
      }
      seen_offline.insert(r.name);
      auto [it, fresh] = offline_since_.emplace(r.name, OfflineSince{scope, now});
      (void)fresh;
      if (now - it->second.since < grace_ms) {
        lookAgainAt(it->second.since + grace_ms);
        continue;
      }
      if (!beginCall(report)) return;  // stopping: what this pass learned is not kept
      std::string error;
      if (runners_->deleteRunner(scope, r.id, error)) {
        ++report.runners_deleted;
        logger().information("runner %s deleted: offline with no instance", r.name);
        offline_since_.erase(it);
      } else if (!error.empty()) {
        report.errors.push_back("runner " + r.name + ": " + error);
        lookAgainAt(now);
      } else {
        offline_since_.erase(it);  // gone already
      }
    }
    scopes_.pending(scope, due);
  }
  // Forget registrations a fresh listing no longer shows offline.
  for (auto it = offline_since_.begin(); it != offline_since_.end();) {
    const bool stale = listed.count(it->second.scope) && !seen_offline.count(it->first);
    it = stale ? offline_since_.erase(it) : std::next(it);
  }
}

ReconcileReport Reconciler::reconcileOnce() {
  std::lock_guard<std::mutex> pass(pass_mu_);
  ReconcileReport report;
  const int64_t now = dispatcher_.now();

  std::set<std::string> backends;
  for (const auto& e : config_.runnermap) backends.insert(e.backend);
  std::map<std::string, std::map<std::string, InstanceInfo>> listed;  // backend -> name -> info
  for (const auto& backend : backends) {
    std::vector<InstanceInfo> instances;
    const StepResult r = executor_.list(backend, instances, deadlineAfter(kListBudgetS));
    if (!r.ok()) {
      report.errors.push_back("instances of " + backend + ": " + r.error);
      continue;
    }
    auto& by_name = listed[backend];
    for (auto& i : instances) by_name.emplace(i.name, std::move(i));
  }

  const auto live = store_.liveInstances();
  RunnerLists runner_lists = planListings(live, now, report);
  std::set<std::string> owned;
  // Warm instances belong to their pool until a job claims them (dispatcher_warm.cpp).
  for (const auto& warm : store_.warmInstances()) owned.insert(warm.name);
  for (const auto& rec : live) {
    owned.insert(rec.instance);
    auto backend = listed.find(rec.backend);
    if (backend == listed.end()) continue;  // not asked, or could not be
    // A launch, start or refill works on it and moves it on; once that ends, the rules below
    // apply (a launch that ended unfinished included: releaseStrandedLaunch). Stopping: the
    // rest of the pass is skipped.
    if (dispatcher_.isLaunching(rec.instance) || stopping()) continue;
    auto info = backend->second.find(rec.instance);
    // Launched after the listing began (`now` was read before it): absent from an answer
    // that predates it, not gone. The next pass judges it.
    if (info == backend->second.end() && rec.launching_at >= now) continue;
    checkLiveInstance(rec, info == backend->second.end() ? nullptr : &info->second, runner_lists,
                      report);
  }
  // Idle times of instances that are gone would otherwise be kept for good.
  for (auto it = idle_since_.begin(); it != idle_since_.end();) {
    it = owned.count(it->first) ? std::next(it) : idle_since_.erase(it);
  }
  // Tagged with our manager but owned by no live record: an earlier attempt whose removal
  // failed, a lost store. The grace keeps a launch that is just being recorded safe. Only
  // names of ours: a person's instance with our tag is never touched; and a name of our
  // pattern that our store does not know may be another daemon's with the same prefix on
  // the same LXD, so it goes only once older than max_lifetime_s, when no daemon with our
  // settings would keep it (that is what cleans up after a lost store).
  const int64_t orphan_grace_ms = settleGraceMs(config_);
  const int64_t lifetime_ms = int64_t{1000} * config_.dispatcher.max_lifetime_s;
  for (const auto& [backend, instances] : listed) {
    for (const auto& [name, info] : instances) {
      if (owned.count(name) || dispatcher_.isLaunching(name) || stopping()) continue;
      if (info.created_ms > 0 && now - info.created_ms < orphan_grace_ms) continue;
      if (!config_.cleanup) continue;
      const bool unclaimed_and_old = dispatcher_.hasOurNamePattern(name) && info.created_ms > 0 &&
                                     now - info.created_ms > lifetime_ms;
      if (!unclaimed_and_old && !dispatcher_.isOurs(name)) continue;
      jobs::JobRecord orphan;
      orphan.instance = name;
      orphan.backend = backend;
      orphan.remote = info.remote;
      dispatcher_.cleanupInstance(orphan, "no job owns it", false);
      ++report.destroyed;
    }
  }
  if (!stopping()) releaseVanishedHolds(listed, listed.size() == backends.size(), report);
  sweepOfflineRegistrations(owned, runner_lists, report);
  store_.pruneFinishedBefore(now - config_.dispatcher.job_retention_days * kDayMs);
  for (const auto& line : report.errors) logger().warning("could not check %s", line);
  if (report.deferred > 0) {
    logger().debug(
        "reconcile: runners of %s repositories left for a later pass (%s GitHub calls "
        "a minute at most)",
        std::to_string(report.deferred),
        std::to_string(config_.dispatcher.reconcile_github_calls_per_minute));
  }
  if (report.destroyed + report.requeued + report.failed + report.runners_deleted > 0) {
    logger().information(
        "reconcile: %s instances removed, %s jobs queued again, %s failed, "
        "%s runners deleted",
        std::to_string(report.destroyed), std::to_string(report.requeued),
        std::to_string(report.failed), std::to_string(report.runners_deleted));
  }
  dispatcher_.wake();
  return report;
}

Reconciler::Memory Reconciler::memory() {
  std::lock_guard<std::mutex> pass(pass_mu_);
  return {idle_since_.size(), offline_since_.size(), scopes_.tracked()};
}

void Reconciler::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (running_ || thread_.joinable()) return;
  running_ = true;
  stop_requested_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Reconciler::requestStop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_requested_ = true;
    running_ = false;
  }
  cv_.notify_all();
}

void Reconciler::stop() {
  requestStop();
  if (thread_.joinable()) thread_.join();
}

void Reconciler::trigger() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    triggered_ = true;
  }
  cv_.notify_all();
}

void Reconciler::loop() {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_for(lock, std::chrono::seconds(config_.dispatcher.reconcile_interval_s),
                   [this] { return triggered_ || !running_; });
      if (!running_) return;
      triggered_ = false;
    }
    try {
      reconcileOnce();
    } catch (const std::exception& e) {
      logger().error("reconcile pass failed: %s (next pass in %s s)", std::string(e.what()),
                     std::to_string(config_.dispatcher.reconcile_interval_s));
    }
  }
}

}  // namespace lxdrunner::dispatch
