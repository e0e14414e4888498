// SPDX-License-Identifier: Apache-2.0
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>

#include <catch2/catch.hpp>

#include "jobs/job_store.hpp"
#include "jobs/schema.hpp"
#include "temp_db.hpp"

using namespace lxdrunner::jobs;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

namespace {

// A second, independent connection: what the test sees is what is on disk.
Poco::Data::Session rawSession(const std::string& path) {
  Poco::Data::SQLite::Connector::registerConnector();
  return Poco::Data::Session("SQLite", path);
}

}  // namespace

TEST_CASE("a fresh database is created in WAL mode at the latest schema version") {
  test::TempDb db;
  { JobStore store(db.path()); }
  auto s = rawSession(db.path());
  int version = -1;
  s << "PRAGMA user_version", into(version), now;
  CHECK(version == latestSchemaVersion());
  CHECK(version >= 1);
  std::string mode;
  s << "PRAGMA journal_mode", into(mode), now;
  CHECK(mode == "wal");
}

TEST_CASE("reopening the database keeps its jobs and does not migrate again") {
  test::TempDb db;
  {
    JobStore store(db.path());
    REQUIRE(store.recordQueued(test::queuedEvent(42), "small", 1000, "webhook"));
    REQUIRE(store.transition(42, JobState::Queued, JobState::Launching, 2000,
                             TransitionFields{{"lxdr-42"}, {"main"}, {"lxd-container"}, {}, 1}));
    store.appendLog(42, "hello\n");
  }
  JobStore store(db.path());
  auto job = store.get(42);
  REQUIRE(job.has_value());
  CHECK(job->state == JobState::Launching);
  CHECK(job->entry == "small");
  CHECK(job->instance == "lxdr-42");
  CHECK(job->remote == "main");
  CHECK(job->backend == "lxd-container");
  CHECK(job->attempts == 1);
  CHECK(job->source == "webhook");
  CHECK(job->delivery_id == "delivery-42");
  CHECK(job->run_id == 420);
  CHECK(job->run_attempt == 1);
  CHECK(job->repository == "octo/repo");
  CHECK(job->labels == std::vector<std::string>{"self-hosted", "linux", "x64"});
  CHECK(job->queued_at == 1000);
  CHECK(job->launching_at == 2000);
  CHECK(store.log(42) == "hello\n");
  CHECK_FALSE(store.recordQueued(test::queuedEvent(42), "small", 3000));
  CHECK(store.integrityCheck() == "ok");
}

TEST_CASE("a database from a newer lxdrunner is refused and left untouched") {
  test::TempDb db;
  { JobStore store(db.path()); }
  const int future = latestSchemaVersion() + 5;
  {
    auto s = rawSession(db.path());
    s << "PRAGMA user_version = " + std::to_string(future), now;
  }
  std::string expected = "jobs.sqlite has schema version " + std::to_string(future) +
                         ", this lxdrunner knows up to " + std::to_string(latestSchemaVersion()) +
                         ": upgrade lxdrunner";
  CHECK_THROWS_MATCHES(JobStore(db.path()), SchemaTooNewError, Catch::Message(expected));
  auto s = rawSession(db.path());
  int version = -1;
  s << "PRAGMA user_version", into(version), now;
  CHECK(version == future);
}

TEST_CASE("an empty file from an interrupted first start is migrated") {
  test::TempDb db;
  { auto s = rawSession(db.path()); }  // creates a zero-length database file
  JobStore store(db.path());
  CHECK(store.recordQueued(test::queuedEvent(1), "e", 1));
  CHECK(store.get(1).has_value());
}

TEST_CASE("a version 3 database (before the job context) is upgraded with its jobs kept") {
  test::TempDb db;
  {
    JobStore store(db.path());
    REQUIRE(store.recordQueued(test::queuedEvent(7), "small", 1000, "webhook"));
  }
  {
    // Back to version 3 as an older lxdrunner left it: without step 4's columns (nor step
    // 5's table).
    auto s = rawSession(db.path());
    s << "DROP TABLE device_holds", now;
    for (const char* column :
         {"organization", "installation_id", "workflow_name", "job_name", "head_branch"}) {
      std::string drop = std::string("ALTER TABLE jobs DROP COLUMN ") + column;
      s << drop, now;
    }
    s << "PRAGMA user_version = 3", now;
  }
  JobStore store(db.path());
  auto job = store.get(7);
  REQUIRE(job.has_value());
  CHECK(job->entry == "small");
  CHECK(job->organization.empty());
  CHECK(job->installation_id == 0);
  CHECK(job->workflow_name.empty());
  auto event = test::queuedEvent(8);
  event.workflow_name = "CI";
  REQUIRE(store.recordQueued(event, "small", 2000, "webhook"));
  CHECK(store.get(8)->workflow_name == "CI");
  int version = -1;
  rawSession(db.path()) << "PRAGMA user_version", into(version), now;
  CHECK(version == latestSchemaVersion());
}

TEST_CASE("a version 4 database (before device pools) is upgraded with its jobs kept") {
  test::TempDb db;
  {
    JobStore store(db.path());
    REQUIRE(store.recordQueued(test::queuedEvent(7), "small", 1000, "webhook"));
  }
  {
    auto s = rawSession(db.path());
    s << "DROP TABLE device_holds", now;
    s << "PRAGMA user_version = 4", now;
  }
  JobStore store(db.path());
  REQUIRE(store.get(7).has_value());
  CHECK(store.deviceHolds().empty());
  REQUIRE(store.recordQueued(test::queuedEvent(8), "small", 2000, "webhook"));
  TransitionFields fields;
  fields.instance = "i-8";
  DeviceHold hold;
  hold.pool = "ttys";
  hold.remote = "main";
  hold.item = "source=/dev/zero";
  hold.device = "tty";
  CHECK(store.launchHolding(8, 3000, fields, {hold}));
  CHECK(store.deviceHolds().size() == 1);
  int version = -1;
  rawSession(db.path()) << "PRAGMA user_version", into(version), now;
  CHECK(version == latestSchemaVersion());
}
