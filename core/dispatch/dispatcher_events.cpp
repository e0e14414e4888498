// SPDX-License-Identifier: Apache-2.0
// Intake: what each workflow_job action does to the store.
#include <Poco/Logger.h>

#include "dispatch/dispatcher.hpp"

namespace lxdrunner::dispatch {

using jobs::JobState;

void Dispatcher::handle(const events::InboxEvent& event) {
  ++counters_.events;
  switch (event.event.action) {
    case LXDR_JOB_QUEUED:
      onQueued(event);
      break;
    case LXDR_JOB_IN_PROGRESS:
      onInProgress(event.event);
      break;
    case LXDR_JOB_COMPLETED:
      onCompleted(event.event);
      break;
    case LXDR_JOB_WAITING:
      // Waiting for an environment approval: no runner can take it yet. GitHub queues it
      // (a queued event) once approved.
      break;
  }
}

void Dispatcher::onQueued(const events::InboxEvent& event) {
  const auto& e = event.event;
  const int index = matcher_.match(e.labels);
  if (index < 0) return;  // emit_job_event filtered these already; a config reload may not have
  const auto& entry = config_.runnermap[static_cast<size_t>(index)];
  if (!store_.recordQueued(e, entry.name, clock_(), event.source)) {
    ++counters_.duplicates;
    return;
  }
  Poco::Logger::get("dispatcher")
      .information("job %s queued in %s for entry '%s' (from %s)", std::to_string(e.job_id),
                   e.repository, entry.name, event.source);
  if (on_repository) on_repository(e.repository);
  wake();
}

void Dispatcher::onInProgress(const sdk::JobEvent& e) {
  if (e.runner_name.empty()) return;
  if (e.action == LXDR_JOB_IN_PROGRESS) {
    Poco::Logger::get("dispatcher")
        .information("job %s in progress on runner %s", std::to_string(e.job_id), e.runner_name);
  }
  const auto binding = store_.bindRunner(e.job_id, e.runner_name, clock_());
  if (binding.rebound) {
    ++counters_.runner_swaps;
    Poco::Logger::get("dispatcher")
        .information("job %s runs on %s, launched for job %s; job %s %s", std::to_string(e.job_id),
                     e.runner_name, std::to_string(binding.displaced_job),
                     std::to_string(binding.displaced_job),
                     std::string(binding.displaced_requeued ? "is queued again"
                                                            : "takes over the other instance"));
    if (binding.displaced_requeued) wake();
  }
}

void Dispatcher::onCompleted(const sdk::JobEvent& e) {
  auto& log = Poco::Logger::get("dispatcher");
  const int64_t now = clock_();
  // The in_progress event may have been missed (or arrive after this one).
  if (!e.runner_name.empty()) onInProgress(e);
  for (int tries = 0; tries < 4; ++tries) {
    const auto job = store_.get(e.job_id);
    if (!job || jobs::isFinished(job->state)) break;
    const bool cancelled = e.conclusion == "cancelled" && e.runner_name.empty();
    JobState to = JobState::Completed;
    if (job->state == JobState::Queued || job->state == JobState::Launching || cancelled) {
      to = JobState::Cancelled;
    }
    jobs::TransitionFields fields;
    if (to == JobState::Cancelled) {
      fields.error = e.runner_name.empty()
                         ? "cancelled on GitHub before a runner took it"
                         : "completed by runner " + e.runner_name + ", not one of ours";
    }
    if (!store_.transition(e.job_id, job->state, to, now, fields)) continue;  // raced: re-read
    if (job->state == JobState::Queued) {
      ++counters_.cancelled_before_launch;
      log.information("job %s %s before launch: no instance", std::to_string(e.job_id),
                      std::string(e.conclusion.empty() ? "completed" : e.conclusion));
    } else {
      log.information("job %s %s (%s)", std::to_string(e.job_id), std::string(toString(to)),
                      e.conclusion.empty() ? std::string("no conclusion") : e.conclusion);
    }
    // A launch in flight notices the finished job itself and releases its instance. A running
    // instance whose runner did not take this job is left to the idle rule: it may take another.
    if (job->state == JobState::Running && job->hasLiveInstance() && e.runner_name.empty()) {
      cleanupInstance(*job, "its job was cancelled", true);
    }
    break;
  }
  // The runner that did the job is done (ephemeral): remove its instance now.
  // A live record naming the runner is what makes it ours (not the name alone).
  if (!e.runner_name.empty()) {
    if (auto holder = store_.byInstance(e.runner_name)) {
      cleanupInstance(*holder, "its runner finished job " + std::to_string(e.job_id), false);
    }
  }
  wake();
}

}  // namespace lxdrunner::dispatch
