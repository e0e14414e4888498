// SPDX-License-Identifier: Apache-2.0
// How long a finished job spent in each phase, from the job store's timestamps:
//   queued_to_launching       queued_at → launching_at: waiting for a free slot (and, after a
//                             transient failure, the retries: launching_at is the last attempt)
//   launching_to_provisioning launching_at → provisioning_at: the backend creates and starts
//                             the instance
//   provisioning_to_running   provisioning_at → running_at: the provisioner sets up and starts
//                             the runner
//   running_to_finished       running_at → finished_at: the runner registers, takes a job and
//                             runs it, until GitHub reports the job completed
//   queued_to_finished        queued_at → finished_at: the whole life of the job
// Only completed jobs are measured: a failed or cancelled job's phases stop part-way and would
// blur the distributions. A phase is skipped when either timestamp is missing or the clock
// went backwards.
#pragma once

#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "jobs/job_store.hpp"
#include "observability/metrics_registry.hpp"

namespace lxdrunner::observability {

// {phase, seconds} for every phase the record has both ends of.
std::vector<std::pair<std::string, double>> jobPhaseDurations(const jobs::JobRecord& job);

// The phase names, in life order.
const std::vector<std::string>& jobPhaseNames();

// Bucket bounds for lxdrunner_job_phase_seconds: 0.1 s to one hour.
const std::vector<double>& jobPhaseBuckets();

// Feeds lxdrunner_job_phase_seconds with jobs as they finish. It remembers the newest
// finished_at it has seen (and the jobs at that very millisecond), so each job is observed
// once however often it is called; jobs that finished before `since_ms` are not counted.
class JobPhaseRecorder {
 public:
  JobPhaseRecorder(MetricsRegistry& registry, int64_t since_ms);
  // Observes the jobs the store reports finished since the last call.
  void update(const jobs::JobStore& store);

 private:
  MetricsRegistry& registry_;
  std::mutex mu_;
  int64_t watermark_ms_;
  std::set<uint64_t> seen_at_watermark_;
};

}  // namespace lxdrunner::observability
