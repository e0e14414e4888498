// SPDX-License-Identifier: Apache-2.0
// The reconciler compares the job store with what LXD and GitHub say, and repairs the
// difference. recover() runs once at start-up: it resumes or cleans up every job a previous
// run left unfinished (kill -9 included) and checks the device pool holds against the
// devices LXD lists on the instances, before the dispatcher starts, and asks GitHub for
// jobs queued while the daemon was down (the daemon does that with the dispatcher running).
// reconcileOnce() runs every reconcile_interval_s:
//  - an instance that stopped (its runner exited) or vanished is removed; a job whose
//    runner never took it is queued again;
//  - an instance older than max_lifetime_s is removed and its job failed;
//  - a job left in launching/provisioning by a launch that ended without moving it on (a
//    store write threw, a step reported cancelled) is requeued and its instance removed,
//    unless its runner started (then it is running);
//  - a runner not online register_timeout_s after it was started is reaped, its job retried;
//  - an idle runner whose job went to another runner is removed after idle_runner_grace_s;
//  - an instance with our manager tag and our exact name pattern that no live record owns is
//    removed after a grace period when our store knows the name, after max_lifetime_s when
//    it does not (another daemon with our prefix may have made it);
//  - offline registrations whose name is ours (exact pattern and our store, never a prefix:
//    Dispatcher::isOurs) and that have no instance are deleted after offline_runner_grace_s
//    (never one whose instance is being launched);
//  - device pool holds of an instance no record owns (recovery found the item attached to
//    it) are released once every backend lists without it;
//  - finished jobs older than job_retention_days are pruned.
// Nothing is acted on when LXD or GitHub could not be asked: no answer is not "nothing there".
// GitHub is asked only about repositories where the rules need it (runner_scopes.hpp) and at
// most reconcile_github_calls_per_minute times a minute; what the budget leaves out waits
// for a later pass, so an idle daemon makes no calls however many repositories it served.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "config/model.hpp"
#include "dispatch/call_window.hpp"
#include "dispatch/dispatcher.hpp"
#include "dispatch/executor.hpp"
#include "dispatch/runner_directory.hpp"
#include "dispatch/runner_scopes.hpp"
#include "jobs/job_store.hpp"

namespace lxdrunner::dispatch {

struct ReconcileReport {
  size_t adopted = 0;    // recover(): instances kept running
  size_t requeued = 0;   // jobs queued again
  size_t failed = 0;     // jobs failed (lifetime, attempts)
  size_t destroyed = 0;  // instances removal was started for
  size_t runners_deleted = 0;
  size_t discovered = 0;            // queued jobs found by the start-up poll
  size_t github_calls = 0;          // runner listings, job look-ups and deletions made
  size_t deferred = 0;              // repositories left for a later pass by the call budget
  size_t holds_released = 0;        // device pool items whose holder was gone
  size_t items_shared = 0;          // recover(): device pool items LXD shows on two instances
  size_t holds_rebuilt = 0;         // recover(): holds written for items LXD shows attached
  std::vector<std::string> errors;  // one line each: what could not be checked
};

class Reconciler {
 public:
  Reconciler(const config::Config& config, jobs::JobStore& store, Executor& executor,
             RunnerDirectory* runners, Dispatcher& dispatcher);
  ~Reconciler();
  Reconciler(const Reconciler&) = delete;
  Reconciler& operator=(const Reconciler&) = delete;

  // Start-up: recoverStates() then discoverQueued(), which logs the summary line.
  ReconcileReport recover();
  // Settles what the store says about jobs recorded before `recorded_before_ms` (launching,
  // provisioning, ended on GitHub meanwhile). The scheduler may start after it.
  ReconcileReport recoverStates(int64_t recorded_before_ms = INT64_MAX);
  // Asks GitHub for jobs queued while the daemon was down, in recently served repositories
  // and in RunnerDirectory::startupRepositories() (the poll source's, or the discovered
  // ones); they are recorded as queued. Those the store does not know are left out (counted
  // in `deferred`) once RunnerDirectory::rateLimitRoom() says no. May wait on GitHub for
  // long: run it with the scheduler on.
  void discoverQueued(ReconcileReport& report);
  ReconcileReport reconcileOnce();
  // The periodic pass on its own thread. requestStop() returns at once: a pass in progress
  // starts no further GitHub call or repair and ends, so a daemon stopping behind slow GitHub
  // calls waits for one call at most, not for a whole pass of them. stop() also waits for it.
  void start();
  void requestStop();
  void stop();
  // Runs a pass now (operator API, tests).
  void trigger();

  // What the reconciler remembers between passes; bounded by what is live or pending, never
  // by history (tests).
  struct Memory {
    size_t idle_since = 0;
    size_t offline_since = 0;
    size_t scopes = 0;
  };
  Memory memory();

 private:
  struct RunnerLists {
    std::map<std::string, std::optional<std::vector<RunnerState>>> listed;
    bool budgeted = false;           // reconcileOnce(): only `allowed` may be listed
    std::vector<std::string> order;  // the runner scopes allowed, most needed first
    std::set<std::string> allowed;
  };
  RunnerLists planListings(const std::vector<jobs::JobRecord>& live, int64_t now,
                           ReconcileReport& report);
  void sweepOfflineRegistrations(const std::set<std::string>& owned, RunnerLists& runner_lists,
                                 ReconcileReport& report);
  // Counts a GitHub call about to be made; false (and no call may be made) once a stop is
  // requested.
  bool beginCall(ReconcileReport& report);
  bool stopping() const { return stop_requested_.load(); }
  // The runners of `scope` (registration_scope.hpp), listed once a pass.
  const std::vector<RunnerState>* runnersOf(const std::string& scope, RunnerLists& cache,
                                            ReconcileReport& report);
  // The runners where `job`'s runner registered.
  const std::vector<RunnerState>* runnersOf(const jobs::JobRecord& job, RunnerLists& cache,
                                            ReconcileReport& report);
  // With `while_bound`, the compare-and-set is on `job.instance`'s binding (a runner swap may
  // have moved that instance to another job) instead of on the job id. True when it moved.
  bool requeueOrFail(const jobs::JobRecord& job, const std::string& reason, ReconcileReport& report,
                     bool while_bound = false);
  void completeFromGithub(const jobs::JobRecord& job, ReconcileReport& report);
  // Removes a half-made instance at recovery; `kept` when its runner has a job.
  Dispatcher::Removal destroyNow(const jobs::JobRecord& job, ReconcileReport& report);
  void adoptRunning(const jobs::JobRecord& job, ReconcileReport& report);
  // Recovery's comparison of the device pool holds with the devices LXD lists on the
  // instances (reconciler_devices.cpp): an item on two instances stays on the older one
  // only; an item attached without a hold gets one.
  void recoverDeviceHolds(ReconcileReport& report);
  // The periodic pass's part: holds recovery wrote for instances no record owns are
  // released once LXD (every backend listed: `listed_all`) no longer has the instance.
  void releaseVanishedHolds(
      const std::map<std::string, std::map<std::string, InstanceInfo>>& listed, bool listed_all,
      ReconcileReport& report);
  // Removes `instance`, one of two that have one item; true when it is gone.
  bool removeSharer(const std::string& instance, const std::string& backend,
                    const std::string& remote, const std::string& reason, ReconcileReport& report);
  void checkLiveInstance(const jobs::JobRecord& rec, const InstanceInfo* info, RunnerLists& runners,
                         ReconcileReport& report);
  // A job in launching/provisioning whose instance no launch works on any more.
  void releaseStrandedLaunch(const jobs::JobRecord& rec, RunnerLists& runners,
                             ReconcileReport& report);
  void loop();

  const config::Config& config_;
  jobs::JobStore& store_;
  Executor& executor_;
  RunnerDirectory* runners_;
  Dispatcher& dispatcher_;
  struct OfflineSince {
    std::string scope;
    int64_t since = 0;  // first seen offline (Unix ms)
  };
  std::map<std::string, int64_t> idle_since_;          // live instance -> first seen idle (Unix ms)
  std::map<std::string, OfflineSince> offline_since_;  // runner name -> where, since when
  RunnerScopes scopes_;
  bool swept_ = false;  // the start-up look at every recent runner scope is planned
  CallWindow calls_;
  std::mutex pass_mu_;  // one pass at a time

  std::mutex mu_;
  std::condition_variable cv_;
  bool running_ = false;
  bool triggered_ = false;
  std::atomic<bool> stop_requested_{false};
  std::thread thread_;
};

}  // namespace lxdrunner::dispatch
