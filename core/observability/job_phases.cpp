// SPDX-License-Identifier: Apache-2.0
#include "observability/job_phases.hpp"

namespace lxdrunner::observability {
namespace {

constexpr const char* kPhaseMetric = "lxdrunner_job_phase_seconds";
constexpr const char* kPhaseHelp =
    "Seconds completed jobs spent in each phase (see docs/operations-api.md)";
// Enough rows to catch up after a burst without holding the store for long.
constexpr size_t kBatch = 500;

}  // namespace

const std::vector<std::string>& jobPhaseNames() {
  static const std::vector<std::string> names{"queued_to_launching", "launching_to_provisioning",
                                              "provisioning_to_running", "running_to_finished",
                                              "queued_to_finished"};
  return names;
}

const std::vector<double>& jobPhaseBuckets() {
  static const std::vector<double> bounds{0.1, 0.5, 1,   2.5, 5,    10,   30,
                                          60,  120, 300, 600, 1200, 1800, 3600};
  return bounds;
}

std::vector<std::pair<std::string, double>> jobPhaseDurations(const jobs::JobRecord& job) {
  std::vector<std::pair<std::string, double>> out;
  if (job.state != jobs::JobState::Completed) return out;
  const int64_t stamps[][2] = {{job.queued_at, job.launching_at},
                               {job.launching_at, job.provisioning_at},
                               {job.provisioning_at, job.running_at},
                               {job.running_at, job.finished_at},
                               {job.queued_at, job.finished_at}};
  const auto& names = jobPhaseNames();
  for (size_t i = 0; i < names.size(); ++i) {
    const int64_t from = stamps[i][0];
    const int64_t to = stamps[i][1];
    if (from <= 0 || to <= 0 || to < from) continue;
    out.emplace_back(names[i], static_cast<double>(to - from) / 1000.0);
  }
  return out;
}

JobPhaseRecorder::JobPhaseRecorder(MetricsRegistry& registry, int64_t since_ms)
    : registry_(registry), watermark_ms_(since_ms) {
  // Every phase shows up (with zero counts) from the first scrape on.
  for (const auto& phase : jobPhaseNames()) {
    registry_.histogram(kPhaseMetric, kPhaseHelp, jobPhaseBuckets(), {{"phase", phase}});
  }
}

void JobPhaseRecorder::update(const jobs::JobStore& store) {
  std::lock_guard<std::mutex> lock(mu_);
  for (;;) {
    const auto batch = store.finishedSince(watermark_ms_, kBatch);
    size_t fresh = 0;
    for (const auto& job : batch) {
      if (job.finished_at == watermark_ms_ && seen_at_watermark_.count(job.job_id) != 0) continue;
      ++fresh;
      if (job.finished_at > watermark_ms_) {
        watermark_ms_ = job.finished_at;
        seen_at_watermark_.clear();
      }
      seen_at_watermark_.insert(job.job_id);
      for (const auto& [phase, seconds] : jobPhaseDurations(job)) {
        registry_.histogram(kPhaseMetric, kPhaseHelp, jobPhaseBuckets(), {{"phase", phase}})
            .observe(seconds);
      }
    }
    if (batch.size() < kBatch || fresh == 0) return;
  }
}

}  // namespace lxdrunner::observability
