// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>

#include "jobs/job_store.hpp"
#include "temp_db.hpp"

using namespace lxdrunner::jobs;

namespace {

std::vector<uint64_t> ids(const std::vector<JobRecord>& records) {
  std::vector<uint64_t> out;
  for (const auto& r : records) out.push_back(r.job_id);
  return out;
}

}  // namespace

TEST_CASE("nextQueued is FIFO per entry, by arrival, not by job id") {
  test::TempDb db;
  JobStore store(db.path());
  // Arrival order deliberately differs from id order and from timestamps.
  const std::vector<uint64_t> small_order{50, 3, 900, 12};
  for (uint64_t id : small_order) REQUIRE(store.recordQueued(test::queuedEvent(id), "small", 7));
  REQUIRE(store.recordQueued(test::queuedEvent(4), "large", 1));
  CHECK(ids(store.nextQueued("small", 10)) == small_order);
  CHECK(ids(store.nextQueued("small", 2)) == std::vector<uint64_t>{50, 3});
  CHECK(ids(store.nextQueued("large", 10)) == std::vector<uint64_t>{4});
  CHECK(store.nextQueued("none", 10).empty());
  CHECK(store.nextQueued("small", 0).empty());

  // A started job leaves the queue; a requeued one returns to its original place.
  REQUIRE(store.transition(50, JobState::Queued, JobState::Launching, 8));
  CHECK(ids(store.nextQueued("small", 10)) == std::vector<uint64_t>{3, 900, 12});
  REQUIRE(store.transition(50, JobState::Launching, JobState::Queued, 9));
  CHECK(ids(store.nextQueued("small", 10)) == small_order);
}

TEST_CASE("countActive counts launching, provisioning and running per entry") {
  test::TempDb db;
  JobStore store(db.path());
  for (uint64_t id = 1; id <= 6; ++id) REQUIRE(store.recordQueued(test::queuedEvent(id), "a", 1));
  REQUIRE(store.recordQueued(test::queuedEvent(7), "b", 1));
  CHECK(store.countActive("a") == 0);
  REQUIRE(store.transition(1, JobState::Queued, JobState::Launching, 2));
  REQUIRE(store.transition(2, JobState::Queued, JobState::Launching, 2));
  REQUIRE(store.transition(2, JobState::Launching, JobState::Provisioning, 3));
  REQUIRE(store.transition(3, JobState::Queued, JobState::Launching, 2));
  REQUIRE(store.transition(3, JobState::Launching, JobState::Provisioning, 3));
  REQUIRE(store.transition(3, JobState::Provisioning, JobState::Running, 4));
  REQUIRE(store.transition(4, JobState::Queued, JobState::Launching, 2));
  REQUIRE(store.transition(4, JobState::Launching, JobState::Failed, 3));
  REQUIRE(store.transition(5, JobState::Queued, JobState::Cancelled, 2));
  REQUIRE(store.transition(7, JobState::Queued, JobState::Launching, 2));
  CHECK(store.countActive("a") == 3);
  CHECK(store.countActive("b") == 1);
  CHECK(store.countActive("c") == 0);
  CHECK(store.countActiveAll() == 4);
  CHECK(ids(store.unfinished()) == std::vector<uint64_t>{1, 2, 3, 6, 7});
  CHECK(ids(store.byState(JobState::Provisioning)) == std::vector<uint64_t>{2});
  CHECK(ids(store.byState(JobState::Failed)) == std::vector<uint64_t>{4});
}

TEST_CASE("job and run ids beyond 2^53 and 2^63 round-trip exactly") {
  test::TempDb db;
  const std::vector<uint64_t> big{(uint64_t{1} << 53) + 1, uint64_t{1} << 63,
                                  std::numeric_limits<uint64_t>::max(), (uint64_t{1} << 63) - 1, 0};
  {
    JobStore store(db.path());
    for (uint64_t id : big) {
      auto e = test::queuedEvent(id);
      e.run_id = ~id;  // exercises the run_id column with the complementary bit patterns
      REQUIRE(store.recordQueued(e, "e", 1));
      CHECK_FALSE(store.recordQueued(e, "e", 2));
    }
    REQUIRE(store.transition(big[2], JobState::Queued, JobState::Launching, 3));
    store.appendLog(big[2], "max");
  }
  JobStore store(db.path());
  for (uint64_t id : big) {
    INFO("id " << id);
    auto r = store.get(id);
    REQUIRE(r.has_value());
    CHECK(r->job_id == id);
    CHECK(r->run_id == ~id);
  }
  CHECK(store.get(big[2])->state == JobState::Launching);
  CHECK(store.log(big[2]) == "max");
  CHECK(ids(store.nextQueued("e", 10)) == std::vector<uint64_t>{big[0], big[1], big[3], big[4]});
  CHECK_FALSE(store.get((uint64_t{1} << 53)).has_value());
}

TEST_CASE("the provisioning log is capped and keeps the tail") {
  test::TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(test::queuedEvent(1), "e", 1));
  REQUIRE(store.recordQueued(test::queuedEvent(2), "e", 1));
  CHECK(store.log(1).empty());
  store.appendLog(1, "first line\n");
  store.appendLog(1, "second line\n");
  CHECK(store.log(1) == "first line\nsecond line\n");
  CHECK(store.log(2).empty());  // logs are per job

  std::string expected;
  for (int i = 0; i < 2000; ++i) {
    std::string line = "line " + std::to_string(i) + " " + std::string(40, 'x') + "\n";
    store.appendLog(2, line);
    expected += line;
  }
  REQUIRE(expected.size() > JobStore::kLogCapBytes);
  std::string kept = store.log(2);
  CHECK(kept.size() == JobStore::kLogCapBytes);
  CHECK(kept == expected.substr(expected.size() - JobStore::kLogCapBytes));
  CHECK(kept.find("line 1999 ") != std::string::npos);
  CHECK(kept.find("line 0 ") == std::string::npos);

  // One append larger than the cap keeps only its own tail; binary bytes survive.
  std::string huge(JobStore::kLogCapBytes + 10, 'y');
  huge.back() = '\0';
  store.appendLog(1, huge);
  CHECK(store.log(1) == huge.substr(10));

  store.appendLog(999, "nobody");  // unknown job: ignored
  CHECK(store.log(999).empty());
}

TEST_CASE("prune removes only finished jobs older than the cutoff, with their logs") {
  test::TempDb db;
  JobStore store(db.path());
  for (uint64_t id = 1; id <= 6; ++id) REQUIRE(store.recordQueued(test::queuedEvent(id), "e", 1));
  // 1: completed long ago, 2: failed long ago, 3: cancelled recently, 4: running (old start),
  // 5: queued (old), 6: completed exactly at the cutoff.
  auto finish = [&](uint64_t id, JobState end, int64_t at) {
    REQUIRE(store.transition(id, JobState::Queued, JobState::Launching, at - 3));
    REQUIRE(store.transition(id, JobState::Launching, JobState::Provisioning, at - 2));
    REQUIRE(store.transition(id, JobState::Provisioning, JobState::Running, at - 1));
    REQUIRE(store.transition(id, JobState::Running, end, at));
  };
  finish(1, JobState::Completed, 100);
  finish(2, JobState::Failed, 200);
  REQUIRE(store.transition(3, JobState::Queued, JobState::Cancelled, 5000));
  REQUIRE(store.transition(4, JobState::Queued, JobState::Launching, 10));
  REQUIRE(store.transition(4, JobState::Launching, JobState::Provisioning, 11));
  REQUIRE(store.transition(4, JobState::Provisioning, JobState::Running, 12));
  finish(6, JobState::Completed, 1000);
  store.appendLog(1, "old log");
  store.appendLog(4, "running log");

  CHECK(store.pruneFinishedBefore(1000) == 2);
  CHECK_FALSE(store.get(1).has_value());
  CHECK_FALSE(store.get(2).has_value());
  CHECK(store.log(1).empty());
  for (uint64_t id : std::vector<uint64_t>{3, 4, 5, 6}) CHECK(store.get(id).has_value());
  CHECK(store.log(4) == "running log");
  CHECK(store.pruneFinishedBefore(1000) == 0);

  // A pruned id recorded again is a new job, queued behind everything that came before.
  REQUIRE(store.recordQueued(test::queuedEvent(1), "e", 6000));
  CHECK(ids(store.nextQueued("e", 10)) == std::vector<uint64_t>{5, 1});
  CHECK(store.get(1)->seq > store.get(6)->seq);
}

TEST_CASE("repositoriesVacatedSince names where instances went, with the latest time") {
  test::TempDb db;
  JobStore store(db.path());
  auto launch = [&](uint64_t id, const std::string& repository) {
    REQUIRE(store.recordQueued(test::queuedEvent(id, repository), "a", 1));
    TransitionFields f;
    f.instance = "i-" + std::to_string(id);
    REQUIRE(store.transition(id, JobState::Queued, JobState::Launching, 2, f));
  };
  launch(1, "octo/a");
  launch(2, "octo/a");
  launch(3, "octo/b");
  launch(4, "octo/c");                                                  // still live
  REQUIRE(store.recordQueued(test::queuedEvent(5, "octo/d"), "a", 1));  // never launched
  REQUIRE(store.markInstanceGone("i-1", 100));
  REQUIRE(store.markInstanceGone("i-2", 300));
  REQUIRE(store.markInstanceGone("i-3", 50));
  using Vacated = std::vector<std::pair<std::string, int64_t>>;
  CHECK(store.repositoriesVacatedSince(0) == Vacated{{"octo/a", 300}, {"octo/b", 50}});
  CHECK(store.repositoriesVacatedSince(100) == Vacated{{"octo/a", 300}});
  CHECK(store.repositoriesVacatedSince(301).empty());
}
