// SPDX-License-Identifier: Apache-2.0
#include <atomic>
#include <catch2/catch.hpp>
#include <thread>
#include <vector>

#include "jobs/job_store.hpp"
#include "temp_db.hpp"

using namespace lxdrunner::jobs;

namespace {

const JobState kAll[] = {JobState::Queued,   JobState::Launching, JobState::Provisioning,
                         JobState::Running,  JobState::Completed, JobState::Failed,
                         JobState::Cancelled};

// The path of legal moves from queued that ends in `target` (queued itself: empty).
std::vector<JobState> pathTo(JobState target) {
  using S = JobState;
  switch (target) {
    case S::Queued:
      return {};
    case S::Launching:
      return {S::Launching};
    case S::Provisioning:
      return {S::Launching, S::Provisioning};
    case S::Running:
    case S::Completed:
      return {S::Launching, S::Provisioning, S::Running};
    case S::Failed:
    case S::Cancelled:
      return {S::Launching};
  }
  return {};
}

// Puts job `id` into `state` through legal moves, one millisecond apart from t=100.
void driveTo(JobStore& store, uint64_t id, JobState state) {
  REQUIRE(store.recordQueued(test::queuedEvent(id), "e", 100));
  JobState at = JobState::Queued;
  int64_t t = 100;
  auto path = pathTo(state);
  if (at != state && (path.empty() || path.back() != state)) path.push_back(state);
  for (JobState next : path) {
    REQUIRE(store.transition(id, at, next, ++t));
    at = next;
  }
  REQUIRE(store.get(id)->state == state);
}

int64_t stampOf(const JobRecord& r, JobState s) {
  switch (s) {
    case JobState::Queued:
      return r.queued_at;
    case JobState::Launching:
      return r.launching_at;
    case JobState::Provisioning:
      return r.provisioning_at;
    case JobState::Running:
      return r.running_at;
    case JobState::Completed:
    case JobState::Failed:
    case JobState::Cancelled:
      return r.finished_at;
  }
  return -1;
}

}  // namespace

TEST_CASE("the same job id recorded twice is one row") {
  test::TempDb db;
  JobStore store(db.path());
  CHECK(store.recordQueued(test::queuedEvent(7), "small", 10, "webhook"));
  auto redelivery = test::queuedEvent(7, "other/repo");
  CHECK_FALSE(store.recordQueued(redelivery, "large", 20, "poll"));
  auto all = store.byState(JobState::Queued);
  REQUIRE(all.size() == 1);
  // The first report wins; the duplicate changed nothing.
  CHECK(all[0].entry == "small");
  CHECK(all[0].repository == "octo/repo");
  CHECK(all[0].source == "webhook");
  CHECK(all[0].queued_at == 10);
}

TEST_CASE("what provisioners see of the job is kept from its first event") {
  test::TempDb db;
  JobStore store(db.path());
  auto event = test::queuedEvent(8, "octo-org/app");
  event.organization = "octo-org";
  event.installation_id = 18446744073709551615ULL;  // 2^64-1: every bit kept
  event.workflow_name = "CI";
  event.job_name = "build (ubuntu, 3.12)";
  event.head_branch = "feature/\xc3\xa9t\xc3\xa9";
  REQUIRE(store.recordQueued(event, "e", 10, "webhook"));
  const auto r = store.get(8);
  REQUIRE(r);
  CHECK(r->organization == "octo-org");
  CHECK(r->installation_id == 18446744073709551615ULL);
  CHECK(r->workflow_name == "CI");
  CHECK(r->job_name == "build (ubuntu, 3.12)");
  CHECK(r->head_branch == "feature/\xc3\xa9t\xc3\xa9");
  // A poll event knows less; the absent fields read as empty, not as garbage.
  REQUIRE(store.recordQueued(test::queuedEvent(9), "e", 11, "poll"));
  CHECK(store.get(9)->organization.empty());
  CHECK(store.get(9)->installation_id == 0);
  CHECK(store.get(9)->workflow_name.empty());
}

TEST_CASE("every legal transition works and stamps its phase; illegal ones change nothing") {
  test::TempDb db;
  JobStore store(db.path());
  uint64_t id = 1000;
  for (JobState from : kAll) {
    for (JobState to : kAll) {
      ++id;
      driveTo(store, id, from);
      const JobRecord before = *store.get(id);
      const int64_t t = 5000 + static_cast<int64_t>(id);
      TransitionFields fields{{"inst"}, {"remote-b"}, {"backend-c"}, {"boom"}, 3};
      bool ok = store.transition(id, from, to, t, fields);
      const JobRecord after = *store.get(id);
      INFO(toString(from) << " -> " << toString(to));
      CHECK(ok == isLegalTransition(from, to));
      if (ok) {
        CHECK(after.state == to);
        if (to == JobState::Queued) {
          CHECK(after.queued_at == before.queued_at);  // a requeue keeps its age
        } else {
          CHECK(stampOf(after, to) == t);
        }
        CHECK(after.instance == "inst");
        CHECK(after.remote == "remote-b");
        CHECK(after.backend == "backend-c");
        CHECK(after.last_error == "boom");
        CHECK(after.attempts == 3);
        CHECK(after.seq == before.seq);
      } else {
        CHECK(after.state == before.state);
        CHECK(after.instance == before.instance);
        CHECK(after.last_error == before.last_error);
        CHECK(after.attempts == before.attempts);
        CHECK(after.launching_at == before.launching_at);
        CHECK(after.finished_at == before.finished_at);
      }
    }
  }
}

TEST_CASE("a transition from the wrong current state is refused (compare-and-set)") {
  test::TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(test::queuedEvent(1), "e", 1));
  CHECK_FALSE(store.transition(1, JobState::Launching, JobState::Provisioning, 2));
  CHECK(store.get(1)->state == JobState::Queued);
  CHECK(store.get(1)->provisioning_at == 0);
  CHECK_FALSE(store.transition(99, JobState::Queued, JobState::Launching, 2));  // unknown id
}

TEST_CASE("unset transition fields keep their stored values") {
  test::TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(test::queuedEvent(1), "e", 1));
  REQUIRE(store.transition(1, JobState::Queued, JobState::Launching, 2,
                           TransitionFields{{"i"}, {"r"}, {"b"}, {"err"}, 2}));
  REQUIRE(store.transition(1, JobState::Launching, JobState::Provisioning, 3));
  auto r = *store.get(1);
  CHECK(r.instance == "i");
  CHECK(r.remote == "r");
  CHECK(r.backend == "b");
  CHECK(r.last_error == "err");
  CHECK(r.attempts == 2);
  TransitionFields clear;
  clear.error = std::string();
  REQUIRE(store.transition(1, JobState::Provisioning, JobState::Running, 4, clear));
  CHECK(store.get(1)->last_error.empty());
}

TEST_CASE("threads racing the same transition: exactly one wins") {
  test::TempDb db;
  JobStore shared(db.path());
  // Also race through a second connection: the compare-and-set must hold across connections
  // (processes), not only under the store's mutex.
  JobStore other(db.path());
  constexpr int kJobs = 20;
  constexpr int kThreads = 8;
  for (uint64_t id = 1; id <= kJobs; ++id)
    REQUIRE(shared.recordQueued(test::queuedEvent(id), "e", 1));
  std::atomic<int> wins[kJobs + 1] = {};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      JobStore& store = (t % 2 == 0) ? shared : other;
      while (!go.load()) std::this_thread::yield();
      for (uint64_t id = 1; id <= kJobs; ++id) {
        if (store.transition(id, JobState::Queued, JobState::Launching, 2,
                             TransitionFields{{"winner-" + std::to_string(t)}, {}, {}, {}, {}})) {
          ++wins[id];
        }
      }
    });
  }
  go = true;
  for (auto& th : threads) th.join();
  for (uint64_t id = 1; id <= kJobs; ++id) {
    INFO("job " << id);
    CHECK(wins[id].load() == 1);
    CHECK(shared.get(id)->state == JobState::Launching);
  }
  CHECK(shared.countActiveAll() == kJobs);
}
