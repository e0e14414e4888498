// SPDX-License-Identifier: Apache-2.0
// The durable record of every workflow job lxdrunner has accepted: one row per job id in
// <state_dir>/jobs.sqlite. Every change is committed before the call returns, so after a
// crash (kill -9 included) the dispatcher resumes or cleans up each job from its row.
// Thread-safe: one SQLite connection, serialised by a mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "jobs/job_state.hpp"
#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::jobs {

struct JobRecord {
  uint64_t job_id = 0;
  int64_t seq = 0;  // increases with every accepted job; FIFO order
  JobState state = JobState::Queued;
  std::string entry;
  std::string instance;
  std::string remote;
  std::string backend;
  std::string repository;
  std::vector<std::string> labels;
  uint64_t run_id = 0;
  uint32_t run_attempt = 0;
  std::string delivery_id;
  std::string source;  // the event source that reported the job first
  // Unix milliseconds when the job entered each phase; 0 = not (yet) entered.
  int64_t queued_at = 0;
  int64_t launching_at = 0;
  int64_t provisioning_at = 0;
  int64_t running_at = 0;
  int64_t finished_at = 0;
  int attempts = 0;
  std::string last_error;
  std::string runner_name;       // the runner GitHub says took the job; empty until then
  int64_t instance_gone_at = 0;  // when `instance` was destroyed; 0 = alive (or none)
  bool served_warm = false;      // the instance came from the entry's warm pool
  // What the job's first event said about it (the job context provisioners see).
  std::string organization;  // empty for a user's repository
  uint64_t installation_id = 0;
  std::string workflow_name;
  std::string job_name;
  std::string head_branch;

  bool hasLiveInstance() const { return !instance.empty() && instance_gone_at == 0; }
};

// Where a job ran, as far as its runner's registration scope goes.
struct JobPlace {
  std::string entry;
  std::string repository;
  std::string organization;
  bool operator==(const JobPlace& o) const {
    return entry == o.entry && repository == o.repository && organization == o.organization;
  }
};

// An instance of an entry's warm pool, before a job claims it.
enum class WarmState {
  Launching,  // being created and started
  Preparing,  // the provisioner's prepare() runs
  Idle,       // ready: a job may claim it
  Removing,   // being destroyed (still holds its slot until it is gone)
};
std::string_view toString(WarmState state) noexcept;

struct WarmRecord {
  std::string name;
  std::string entry;
  std::string backend;
  std::string remote;
  WarmState state = WarmState::Launching;
  std::string entry_hash;  // the entry's configuration when it was launched
  std::string image;       // fingerprint of the image it was created from; "" = unknown
  bool frozen = false;
  int64_t created_at = 0;  // Unix ms
  int64_t ready_at = 0;    // Unix ms when it became idle; 0 = not yet
};

// An item of a device pool held by an instance (docs/custom-hardware.md).
struct DeviceHold {
  std::string pool;
  std::string remote;  // where the item's device is
  std::string item;    // config::DevicePoolItem::id()
  std::string device;  // the LXD device name it has on the instance
  std::string instance;
  int64_t held_at = 0;  // Unix ms
};

// What bindRunner() changed.
struct RunnerBinding {
  bool rebound = false;        // the runner belonged to another job's record
  uint64_t displaced_job = 0;  // that job (now bound to this job's old instance, or requeued)
  bool displaced_requeued = false;
};

// What a transition may record besides the state; unset fields keep their stored value.
struct TransitionFields {
  std::optional<std::string> instance;
  std::optional<std::string> remote;
  std::optional<std::string> backend;
  std::optional<std::string> error;
  std::optional<int> attempts;
};

class JobStore {
 public:
  // The provisioning log kept per job; older output is dropped first.
  static constexpr size_t kLogCapBytes = 64 * 1024;

  // Opens (creating when missing) and migrates the database at `path`. Throws
  // SchemaTooNewError for a database from a newer lxdrunner, Poco::Exception on I/O errors.
  explicit JobStore(const std::string& path);
  ~JobStore();
  JobStore(const JobStore&) = delete;
  JobStore& operator=(const JobStore&) = delete;

  // Records a new job as queued. False (and nothing changes) when the job id is known
  // already: a webhook, its redelivery and a poll hit are one job.
  bool recordQueued(const sdk::JobEvent& event, const std::string& entry, int64_t now_ms,
                    const std::string& source = {});

  std::optional<JobRecord> get(uint64_t job_id) const;

  // Compare-and-set: moves the job from `from` to `to` only when it is in `from` now and the
  // move is legal (isLegalTransition). Sets the timestamp of the phase entered (finished_at
  // for completed/failed/cancelled; a requeue keeps the original queued_at) and the given
  // fields. False when refused; then nothing changed.
  bool transition(uint64_t job_id, JobState from, JobState to, int64_t now_ms,
                  const TransitionFields& fields = {});

  std::vector<JobRecord> byState(JobState state) const;
  // The oldest queued jobs of `entry`, oldest first.
  std::vector<JobRecord> nextQueued(const std::string& entry, size_t limit) const;
  // Jobs launching, provisioning or running.
  size_t countActive(const std::string& entry) const;
  size_t countActiveAll() const;
  // Live instances (whatever their job's state): what max_workers limits.
  size_t countSlots(const std::string& entry) const;
  size_t countSlotsAll() const;
  std::vector<JobRecord> liveInstances() const;
  // The record the live instance `instance` is bound to.
  std::optional<JobRecord> byInstance(const std::string& instance) const;
  // Whether `name` is the instance of any job record, live or gone, or a warm instance.
  bool knowsInstance(const std::string& name) const;

  // Compare-and-set on whichever job the live instance is bound to now (a runner swap may
  // have moved the instance to another job since the launch began). The job id moved, or
  // nullopt when no job bound to `instance` is in `from`.
  std::optional<uint64_t> transitionInstance(const std::string& instance, JobState from,
                                             JobState to, int64_t now_ms,
                                             const TransitionFields& fields = {});
  // Records that `instance` no longer exists; frees its slot and the device pool items it
  // held. False when it was not live.
  bool markInstanceGone(const std::string& instance, int64_t now_ms);

  // GitHub gives a job to any runner whose labels fit, not to the one launched for it. When
  // job `job_id` reports runner `runner_name` and that runner's instance is bound to another
  // unfinished job Y, the two swap: the job moves to the runner (state running), Y takes the
  // job's own instance and state, or goes back to queued when the job had none. One
  // transaction; it bypasses the transition table on purpose (see docs/dispatcher.md).
  RunnerBinding bindRunner(uint64_t job_id, const std::string& runner_name, int64_t now_ms);

  // Repositories of jobs queued since `since_ms` (for the start-up poll and runner cleanup).
  std::vector<std::string> repositoriesSince(int64_t since_ms) const;
  // Repositories where an instance was destroyed since `since_ms`, each with the latest time
  // one was (where the reconciler looks for registrations left behind).
  std::vector<std::pair<std::string, int64_t>> repositoriesVacatedSince(int64_t since_ms) const;
  // The same, with what decides where their runners registered (the job's entry and
  // organisation): one JobPlace per distinct combination.
  std::vector<JobPlace> placesSince(int64_t since_ms) const;
  std::vector<std::pair<JobPlace, int64_t>> placesVacatedSince(int64_t since_ms) const;
  // Every job not finished, in seq order: what a restart must resume or clean up.
  std::vector<JobRecord> unfinished() const;

  // Appends to the job's provisioning log, keeping the last kLogCapBytes. Unknown ids are
  // ignored: a late log line for a pruned job is not worth an error.
  void appendLog(uint64_t job_id, const std::string& text);
  std::string log(uint64_t job_id) const;

  // Deletes finished jobs (and their logs) that finished before `cutoff_ms`; returns how many.
  size_t pruneFinishedBefore(int64_t cutoff_ms);

  // --- Warm pools (job_store_warm.cpp) ---
  // Records a warm instance before it exists (state launching), so a restart finds it.
  void addWarm(const WarmRecord& record);
  // Compare-and-set on the state; `remote`/`image` replace the stored values when non-empty;
  // entering Idle sets ready_at. False when the row is not in `from`.
  bool setWarmState(const std::string& name, WarmState from, WarmState to, int64_t now_ms,
                    const std::string& remote = {}, const std::string& image = {});
  void setWarmFrozen(const std::string& name, bool frozen);
  // The row is gone (its instance destroyed, or never made).
  bool removeWarm(const std::string& name);
  std::optional<WarmRecord> warm(const std::string& name) const;
  // Every warm row (of `entry` when given), oldest first.
  std::vector<WarmRecord> warmInstances(const std::string* entry = nullptr) const;
  size_t countWarm(const std::string& entry, WarmState state) const;
  // One transaction: takes the entry's longest-idle warm instance and binds it to job
  // `job_id`, which must be queued: the job moves to provisioning (launching_at and
  // provisioning_at = now, attempts + 1, served_warm) and the warm row is deleted. nullopt
  // (nothing changed) when the job is not queued or no instance is idle. Two jobs racing
  // for one instance: exactly one gets it.
  // With `devices` (an entry using device pools: the items free on each remote), only an
  // instance on one of those remotes is taken, and it holds that remote's items in the same
  // transaction (each hold's instance is set to it); nullopt when none is idle there or an
  // item is held already.
  std::optional<WarmRecord> claimWarm(
      uint64_t job_id, const std::string& entry, int64_t now_ms,
      const std::map<std::string, std::vector<DeviceHold>>* devices = nullptr);

  // --- Device pools (job_store_devices.cpp) ---
  // One transaction: job `job_id` moves from queued to launching with `fields` (its new
  // instance in fields.instance) and that instance holds `holds`. False, and nothing
  // changed, when the job is not queued or an item is held already.
  bool launchHolding(uint64_t job_id, int64_t now_ms, const TransitionFields& fields,
                     std::vector<DeviceHold> holds);
  // Every hold, by pool, remote and item.
  std::vector<DeviceHold> deviceHolds() const;
  // Releases the holds of instances that are neither the live instance of a job nor a
  // warm instance (what a restart finds after an interrupted clean-up); returns them.
  std::vector<DeviceHold> releaseStaleHolds();
  // Releases one instance's holds (it was removed as one of two holding an item).
  size_t releaseHolds(const std::string& instance);
  // Writes a hold found in LXD (the item is attached to `hold.instance`) that the store lost
  // or never had. False, and nothing changed, when the item is held already.
  bool recordHold(const DeviceHold& hold);
  // Releases `instance`'s holds if it is neither the live instance of a job nor a warm
  // instance (the holds recordHold wrote for an instance no record owns, once it is gone
  // from LXD). Decided in the delete itself, so a launch recorded meanwhile keeps its own.
  size_t releaseHoldsIfStale(const std::string& instance);

  // SQLite's PRAGMA integrity_check answer: "ok" when the file is sound.
  std::string integrityCheck() const;

  // Finished jobs with finished_at >= since_ms, oldest finish first (for /metrics).
  std::vector<JobRecord> finishedSince(int64_t since_ms, size_t limit) const;
  // How many jobs each entry has in each state (for /metrics and the operator API).
  struct StateCount {
    std::string entry;
    JobState state = JobState::Queued;
    size_t count = 0;
  };
  std::vector<StateCount> countByEntryAndState() const;
  // Commits one tiny write (a row in a probe table outside the job schema), so /readyz
  // notices a full disk, a read-only file or a lock held too long. Throws on failure.
  void probeWritable(int64_t now_ms);

 private:
  struct Impl;
  // Warm rows holding a slot (every state), of `entry` or of all; caller holds mutex_.
  size_t countWarmUnlocked(const std::string* entry) const;
  mutable std::mutex mutex_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lxdrunner::jobs
