// SPDX-License-Identifier: Apache-2.0
// The job store's instance bookkeeping: slots, compare-and-set by instance, runner swaps.
#include <catch2/catch.hpp>

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include "../unit/job_store/temp_db.hpp"

#include "jobs/job_store.hpp"

namespace lxdrunner::jobs::test {
namespace {

void launch(JobStore& store, uint64_t id, const std::string& instance) {
  TransitionFields f;
  f.instance = instance;
  f.backend = "b";
  f.remote = "main";
  REQUIRE(store.transition(id, JobState::Queued, JobState::Launching, 10, f));
}

TEST_CASE("a live instance holds a slot until it is gone, whatever its job's state") {
  TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(queuedEvent(1), "e", 1));
  CHECK(store.countSlots("e") == 0);
  launch(store, 1, "i-1");
  CHECK(store.countSlots("e") == 1);
  REQUIRE(store.transition(1, JobState::Launching, JobState::Cancelled, 20));
  CHECK(store.countSlots("e") == 1);  // cancelled, but the instance still exists
  CHECK(store.markInstanceGone("i-1", 30));
  CHECK_FALSE(store.markInstanceGone("i-1", 31));
  CHECK(store.countSlotsAll() == 0);
  CHECK(store.get(1)->instance_gone_at == 30);
}

TEST_CASE("transitionInstance moves whichever job the instance is bound to") {
  TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(queuedEvent(1), "e", 1));
  launch(store, 1, "i-1");
  CHECK_FALSE(store.transitionInstance("i-1", JobState::Provisioning, JobState::Running, 5));
  CHECK(store.transitionInstance("i-1", JobState::Launching, JobState::Provisioning, 5) == 1u);
  CHECK_FALSE(store.transitionInstance("nope", JobState::Provisioning, JobState::Running, 5));
  store.markInstanceGone("i-1", 6);
  CHECK_FALSE(store.transitionInstance("i-1", JobState::Provisioning, JobState::Running, 7));
}

TEST_CASE("bindRunner: a queued job taking another job's runner requeues that job") {
  TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(queuedEvent(1), "e", 1));
  REQUIRE(store.recordQueued(queuedEvent(2), "e", 2));
  launch(store, 1, "i-1");
  REQUIRE(store.transition(1, JobState::Launching, JobState::Provisioning, 3));
  REQUIRE(store.transition(1, JobState::Provisioning, JobState::Running, 4));
  const auto binding = store.bindRunner(2, "i-1", 50);
  CHECK(binding.rebound);
  CHECK(binding.displaced_job == 1);
  CHECK(binding.displaced_requeued);
  const auto two = *store.get(2);
  CHECK(two.state == JobState::Running);
  CHECK(two.instance == "i-1");
  CHECK(two.runner_name == "i-1");
  CHECK(two.running_at == 50);
  const auto one = *store.get(1);
  CHECK(one.state == JobState::Queued);
  CHECK(one.instance.empty());
  CHECK(store.countSlotsAll() == 1);
}

TEST_CASE("bindRunner: two launched jobs swap instances and phases") {
  TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(queuedEvent(1), "e", 1));
  REQUIRE(store.recordQueued(queuedEvent(2), "e", 2));
  launch(store, 1, "i-1");
  launch(store, 2, "i-2");
  REQUIRE(store.transition(1, JobState::Launching, JobState::Provisioning, 3));
  REQUIRE(store.transition(1, JobState::Provisioning, JobState::Running, 4));
  // Job 2's own instance is still launching; job 2 runs on job 1's runner.
  const auto binding = store.bindRunner(2, "i-1", 60);
  CHECK(binding.rebound);
  CHECK_FALSE(binding.displaced_requeued);
  CHECK(store.get(2)->instance == "i-1");
  CHECK(store.get(2)->state == JobState::Running);
  CHECK(store.get(1)->instance == "i-2");
  CHECK(store.get(1)->state == JobState::Launching);
  // The launch of i-2 carries on for whichever job holds it now.
  CHECK(store.transitionInstance("i-2", JobState::Launching, JobState::Provisioning, 70) == 1u);
}

TEST_CASE("bindRunner on its own runner, a foreign runner or a finished job only records it") {
  TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(queuedEvent(1), "e", 1));
  launch(store, 1, "i-1");
  CHECK_FALSE(store.bindRunner(1, "i-1", 5).rebound);
  CHECK(store.get(1)->runner_name == "i-1");
  CHECK_FALSE(store.bindRunner(1, "github-hosted-7", 6).rebound);
  CHECK(store.get(1)->runner_name == "github-hosted-7");
  CHECK(store.get(1)->instance == "i-1");
  CHECK_FALSE(store.bindRunner(42, "i-1", 7).rebound);  // unknown job
}

TEST_CASE("a schema 1 database (lxdrunner 0.1) migrates to the current version with its jobs") {
  TempDb db;
  {
    // Exactly what schema step 1 created, with one job in it.
    Poco::Data::SQLite::Connector::registerConnector();
    Poco::Data::Session s("SQLite", db.path());
    using Poco::Data::Keywords::now;
    s << "CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, job_id INTEGER NOT NULL "
         "UNIQUE, state TEXT NOT NULL, entry TEXT NOT NULL, instance TEXT NOT NULL DEFAULT '',"
         " remote TEXT NOT NULL DEFAULT '', backend TEXT NOT NULL DEFAULT '', repository TEXT "
         "NOT NULL DEFAULT '', labels TEXT NOT NULL DEFAULT '[]', run_id INTEGER NOT NULL "
         "DEFAULT 0, run_attempt INTEGER NOT NULL DEFAULT 0, delivery_id TEXT NOT NULL DEFAULT "
         "'', source TEXT NOT NULL DEFAULT '', queued_at INTEGER NOT NULL DEFAULT 0, "
         "launching_at INTEGER NOT NULL DEFAULT 0, provisioning_at INTEGER NOT NULL DEFAULT 0, "
         "running_at INTEGER NOT NULL DEFAULT 0, finished_at INTEGER NOT NULL DEFAULT 0, "
         "attempts INTEGER NOT NULL DEFAULT 0, last_error TEXT NOT NULL DEFAULT '')",
        now;
    s << "CREATE TABLE job_logs (job_id INTEGER PRIMARY KEY, text BLOB NOT NULL)", now;
    s << "INSERT INTO jobs (job_id, state, entry, instance, repository, queued_at, launching_at)"
         " VALUES (5, 'launching', 'e', 'i-5', 'octo/repo', 1, 2)",
        now;
    s << "PRAGMA user_version = 1", now;
  }
  JobStore store(db.path());
  const auto job = store.get(5);
  REQUIRE(job.has_value());
  CHECK(job->state == JobState::Launching);
  CHECK(job->runner_name.empty());
  CHECK(job->hasLiveInstance());
  CHECK(store.countSlotsAll() == 1);
  CHECK(store.repositoriesSince(0) == std::vector<std::string>{"octo/repo"});
  CHECK(store.repositoriesSince(2).empty());
}

}  // namespace
}  // namespace lxdrunner::jobs::test
