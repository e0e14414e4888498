// SPDX-License-Identifier: Apache-2.0
// The durable record of every workflow job lxdrunner has accepted: one row per job id in
// <state_dir>/jobs.sqlite. Every change is committed before the call returns, so after a
// crash (kill -9 included) the dispatcher resumes or cleans up each job from its row.
// Thread-safe: one SQLite connection, serialised by a mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
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
  // Jobs launching, provisioning or running: the ones using a worker slot.
  size_t countActive(const std::string& entry) const;
  size_t countActiveAll() const;
  // Every job not finished, in seq order: what a restart must resume or clean up.
  std::vector<JobRecord> unfinished() const;

  // Appends to the job's provisioning log, keeping the last kLogCapBytes. Unknown ids are
  // ignored: a late log line for a pruned job is not worth an error.
  void appendLog(uint64_t job_id, const std::string& text);
  std::string log(uint64_t job_id) const;

  // Deletes finished jobs (and their logs) that finished before `cutoff_ms`; returns how many.
  size_t pruneFinishedBefore(int64_t cutoff_ms);

  // SQLite's PRAGMA integrity_check answer: "ok" when the file is sound.
  std::string integrityCheck() const;

 private:
  struct Impl;
  mutable std::mutex mutex_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lxdrunner::jobs
