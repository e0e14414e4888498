// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "../unit/job_store/temp_db.hpp"
#include "observability/job_phases.hpp"

namespace lxdrunner::observability {
namespace {

using jobs::JobState;

TEST_CASE("phase durations come from the store's timestamps of a completed job") {
  jobs::JobRecord job;
  job.state = JobState::Completed;
  job.queued_at = 1000;
  job.launching_at = 3000;
  job.provisioning_at = 3500;
  job.running_at = 13500;
  job.finished_at = 73500;
  const auto d = jobPhaseDurations(job);
  REQUIRE(d.size() == 5);
  CHECK(d[0] == std::make_pair(std::string("queued_to_launching"), 2.0));
  CHECK(d[1] == std::make_pair(std::string("launching_to_provisioning"), 0.5));
  CHECK(d[2] == std::make_pair(std::string("provisioning_to_running"), 10.0));
  CHECK(d[3] == std::make_pair(std::string("running_to_finished"), 60.0));
  CHECK(d[4] == std::make_pair(std::string("queued_to_finished"), 72.5));
}

TEST_CASE("missing timestamps skip their phases; unfinished or failed jobs give none") {
  jobs::JobRecord job;
  job.state = JobState::Completed;
  job.queued_at = 1000;
  job.finished_at = 2000;  // cancelled-before-launch style record that still completed
  const auto d = jobPhaseDurations(job);
  REQUIRE(d.size() == 1);
  CHECK(d[0].first == "queued_to_finished");
  job.state = JobState::Failed;
  CHECK(jobPhaseDurations(job).empty());
  job.state = JobState::Running;
  CHECK(jobPhaseDurations(job).empty());
}

TEST_CASE("the recorder observes each finished job once, from its start time on") {
  jobs::test::TempDb db;
  jobs::JobStore store(db.path());
  MetricsRegistry registry;
  auto finish = [&](uint64_t id, int64_t at) {
    REQUIRE(store.recordQueued(jobs::test::queuedEvent(id), "linux", at - 4000));
    REQUIRE(store.transition(id, JobState::Queued, JobState::Launching, at - 3000));
    REQUIRE(store.transition(id, JobState::Launching, JobState::Provisioning, at - 2000));
    REQUIRE(store.transition(id, JobState::Provisioning, JobState::Running, at - 1000));
    REQUIRE(store.transition(id, JobState::Running, JobState::Completed, at));
  };
  finish(1, 5000);  // before the recorder's start: not counted
  JobPhaseRecorder recorder(registry, 10000);
  finish(2, 20000);
  finish(3, 20000);  // same millisecond as job 2
  recorder.update(store);
  recorder.update(store);  // nothing new
  finish(4, 20000);        // same millisecond again, seen on a later update
  recorder.update(store);
  const auto text = registry.render();
  CHECK_THAT(text,
             Catch::Contains("lxdrunner_job_phase_seconds_count{phase=\"queued_to_finished\"} 3"));
  CHECK_THAT(text,
             Catch::Contains("lxdrunner_job_phase_seconds_sum{phase=\"running_to_finished\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("lxdrunner_job_phase_seconds_bucket{phase=\"queued_to_"
                                   "launching\",le=\"1\"} 3\n"));
}

}  // namespace
}  // namespace lxdrunner::observability
