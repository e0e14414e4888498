// SPDX-License-Identifier: Apache-2.0
// Launches that end without moving their job on (a store write threw, a step reported
// cancelled): the slot must not stay held until max_lifetime_s.
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <catch2/catch.hpp>

#include <atomic>

#include "harness.hpp"
#include "recorded_attempts.hpp"

namespace lxdrunner::dispatch::test {
namespace {

using jobs::JobState;
const std::vector<std::string> kLinux{"self-hosted", "linux"};
// settleGraceMs() at the default reconcile_interval_s (60 s): 120 s.
constexpr int kPastGraceS = 121;

// Makes every store write that moves a job from `from` to `to` throw, as a full disk would;
// until the returned session runs dropStoreFailure().
Poco::Data::Session failStoreWrites(Harness& h, const std::string& from, const std::string& to) {
  Poco::Data::SQLite::Connector::registerConnector();
  Poco::Data::Session s("SQLite", h.db.path());
  s << "CREATE TRIGGER test_store_failure BEFORE UPDATE OF state ON jobs WHEN OLD.state = '" +
           from + "' AND NEW.state = '" + to +
           "' BEGIN SELECT RAISE(ABORT, 'disk I/O error (test)'); END",
      Poco::Data::Keywords::now;
  return s;
}

void dropStoreFailure(Poco::Data::Session& s) {
  s << "DROP TRIGGER test_store_failure", Poco::Data::Keywords::now;
}

TEST_CASE("stranded launch: a provision reported cancelled frees its slot after the grace") {
  Harness h({makeEntry("linux", kLinux, 10)});
  std::atomic<int> provisions{0};
  h.executor.on_provision = [&](const std::string&) {
    StepResult r;
    if (provisions++ == 0) {
      r.status = LXDR_ERR_CANCELLED;  // LXD said the operation was cancelled; no shutdown
      r.error = "operation cancelled (test)";
    }
    return r;
  };
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, kLinux));
  REQUIRE(waitFor([&] { return provisions.load() == 1 && h.dispatcher->launchesInFlight() == 0; }));
  const std::string first = h.store->get(1)->instance;
  REQUIRE(h.state(1) == JobState::Provisioning);
  REQUIRE(h.executor.isLive(first));

  CHECK(h.reconciler->reconcileOnce().requeued == 0);  // within the grace: left alone
  CHECK(h.state(1) == JobState::Provisioning);

  h.advanceSeconds(kPastGraceS);
  const auto report = h.reconciler->reconcileOnce();
  CHECK(report.requeued == 1);
  CHECK(report.destroyed == 1);
  REQUIRE(h.serveAll());
  CHECK_FALSE(h.executor.isLive(first));
  CHECK(h.store->get(1)->instance != first);
  CHECK(h.github.served().at(1) == 1);
  CHECK(h.state(1) == JobState::Completed);
}

TEST_CASE("stranded launch: out of attempts, the job is failed and its instance removed") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.config.dispatcher.launch_attempts = 1;
  const auto name = leaveJobIn(h, 1, JobState::Provisioning);
  h.advanceSeconds(kPastGraceS);
  CHECK(h.reconciler->reconcileOnce().failed == 1);
  CHECK(h.state(1) == JobState::Failed);
  CHECK_THAT(h.store->get(1)->last_error, Catch::Contains("gave up"));
  REQUIRE(waitFor([&] { return !h.executor.isLive(name); }));
  CHECK(h.store->countSlotsAll() == 0);
}

TEST_CASE("stranded launch: a runner that took its job is kept and its job is running") {
  Harness h({makeEntry("linux", kLinux, 10)});
  const auto name = leaveJobIn(h, 1, JobState::Provisioning);
  h.github.registerRunner(name, kLinux, "octo/repo");
  Dispatcher* listening = h.github.dispatcher;
  h.github.dispatcher = nullptr;  // the in_progress event is lost
  REQUIRE(h.github.assign() == 1);
  h.github.dispatcher = listening;
  h.advanceSeconds(kPastGraceS);
  const auto report = h.reconciler->reconcileOnce();
  CHECK(report.adopted == 1);
  CHECK(report.requeued == 0);
  CHECK(h.state(1) == JobState::Running);
  CHECK(h.executor.isLive(name));
  CHECK(h.github.hasRunner(name));
}

TEST_CASE("stranded launch: GitHub unreachable, a provisioning instance is left alone") {
  Harness h({makeEntry("linux", kLinux, 10)});
  const auto name = leaveJobIn(h, 1, JobState::Provisioning);
  h.github.reachable = false;
  h.advanceSeconds(kPastGraceS);
  const auto report = h.reconciler->reconcileOnce();
  CHECK(report.requeued == 0);
  CHECK(h.state(1) == JobState::Provisioning);
  CHECK(h.executor.isLive(name));
}

TEST_CASE("stranded launch: a launch in flight is never taken for stranded") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.executor.hold("linux");
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, kLinux));
  REQUIRE(waitFor([&] { return h.state(1) == JobState::Launching; }));
  h.advanceSeconds(3600);
  CHECK(h.reconciler->reconcileOnce().requeued == 0);
  CHECK(h.state(1) == JobState::Launching);
  h.executor.release("linux");
  REQUIRE(h.serveAll());
  CHECK(h.github.served().at(1) == 1);
}

TEST_CASE("stranded launch: a store write that throws in a launch requeues the job at once") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.config.dispatcher.retry_backoff_s = 3600;  // the retry waits until the test moves the clock
  auto session = failStoreWrites(h, "launching", "provisioning");
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, kLinux));
  REQUIRE(waitFor([&] {
    return h.executor.launches() == 1 && h.dispatcher->launchesInFlight() == 0 &&
           h.state(1) == JobState::Queued;
  }));
  CHECK(h.executor.liveCount() == 0);  // no reconciler pass was needed
  CHECK(h.store->countSlotsAll() == 0);
  CHECK_THAT(h.store->get(1)->last_error, Catch::Contains("disk I/O error (test)"));

  dropStoreFailure(session);
  h.advanceSeconds(3601);
  h.dispatcher->wake();
  REQUIRE(h.serveAll());
  CHECK(h.github.served().at(1) == 1);
  CHECK(h.state(1) == JobState::Completed);
}

TEST_CASE("stranded launch: a store write that throws after the runner started keeps it") {
  Harness h({makeEntry("linux", kLinux, 10)});
  auto session = failStoreWrites(h, "provisioning", "running");
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, kLinux));
  REQUIRE(waitFor([&] {
    return h.executor.launches() == 1 && h.dispatcher->launchesInFlight() == 0 &&
           h.github.runnerCount() == 1;
  }));
  const std::string name = h.store->get(1)->instance;
  CHECK(h.executor.isLive(name));  // a started runner is not removed on a store error
  CHECK(h.state(1) == JobState::Provisioning);

  dropStoreFailure(session);
  h.advanceSeconds(kPastGraceS);
  CHECK(h.reconciler->reconcileOnce().adopted == 1);  // its runner is online
  CHECK(h.state(1) == JobState::Running);
  REQUIRE(h.serveAll());
  CHECK(h.github.served().at(1) == 1);
}

}  // namespace
}  // namespace lxdrunner::dispatch::test
