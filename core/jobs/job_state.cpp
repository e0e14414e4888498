// SPDX-License-Identifier: Apache-2.0
#include "jobs/job_state.hpp"

#include <array>
#include <utility>

namespace lxdrunner::jobs {
namespace {

constexpr std::array<std::pair<JobState, std::string_view>, 7> kNames{{
    {JobState::Queued, "queued"},
    {JobState::Launching, "launching"},
    {JobState::Provisioning, "provisioning"},
    {JobState::Running, "running"},
    {JobState::Completed, "completed"},
    {JobState::Failed, "failed"},
    {JobState::Cancelled, "cancelled"},
}};

}  // namespace

std::string_view toString(JobState state) noexcept {
  for (const auto& [s, name] : kNames) {
    if (s == state) return name;
  }
  return "unknown";
}

std::optional<JobState> jobStateFromString(std::string_view name) noexcept {
  for (const auto& [s, n] : kNames) {
    if (n == name) return s;
  }
  return std::nullopt;
}

bool isFinished(JobState state) noexcept {
  return state == JobState::Completed || state == JobState::Failed || state == JobState::Cancelled;
}

bool isActive(JobState state) noexcept {
  return state == JobState::Launching || state == JobState::Provisioning ||
         state == JobState::Running;
}

bool isLegalTransition(JobState from, JobState to) noexcept {
  using S = JobState;
  switch (from) {
    case S::Queued:
      // Cancelled: a completed/cancelled event before launch; failed: no entry serves it any more.
      return to == S::Launching || to == S::Cancelled || to == S::Failed;
    case S::Launching:
      // Back to queued: a transient launch error (or a restart) requeues the job; it keeps its
      // seq, so it keeps its FIFO place.
      return to == S::Provisioning || to == S::Queued || to == S::Failed || to == S::Cancelled;
    case S::Provisioning:
      // Completed: the job may finish before we notice it started (events arrive late).
      // Queued: the instance was lost before its runner took the job; launch another.
      return to == S::Running || to == S::Completed || to == S::Failed || to == S::Cancelled ||
             to == S::Queued;
    case S::Running:
      // Queued: as above — the runner died or stopped without ever taking the job.
      return to == S::Completed || to == S::Failed || to == S::Cancelled || to == S::Queued;
    case S::Completed:
    case S::Failed:
    case S::Cancelled:
      return false;
  }
  return false;
}

}  // namespace lxdrunner::jobs
