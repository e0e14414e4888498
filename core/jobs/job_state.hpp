// SPDX-License-Identifier: Apache-2.0
// The life of one workflow job in the job store, and which moves between states are allowed.
// The table lives here, not in the store, so the dispatcher and the store agree on it.
#pragma once

#include <optional>
#include <string_view>

namespace lxdrunner::jobs {

// queued → launching → provisioning → running → completed | failed | cancelled.
enum class JobState { Queued, Launching, Provisioning, Running, Completed, Failed, Cancelled };

// The name stored in the database; stable, so never rename one.
std::string_view toString(JobState state) noexcept;
std::optional<JobState> jobStateFromString(std::string_view name) noexcept;

// Completed, failed and cancelled are final: nothing leaves them.
bool isFinished(JobState state) noexcept;
// The states that hold (or are about to hold) an instance and so count against max_workers.
bool isActive(JobState state) noexcept;
bool isLegalTransition(JobState from, JobState to) noexcept;

}  // namespace lxdrunner::jobs
