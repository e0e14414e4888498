// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "recorded_attempts.hpp"

namespace lxdrunner::dispatch::test {
namespace {

using jobs::JobState;
const std::vector<std::string> kLinux{"self-hosted", "linux"};

TEST_CASE("recovery resumes or cleans up every state a crash can leave") {
  Harness h({makeEntry("linux", kLinux, 10)});
  leaveJobIn(h, 1, JobState::Queued);
  const auto launching = leaveJobIn(h, 2, JobState::Launching);
  const auto provisioning_online = leaveJobIn(h, 3, JobState::Provisioning);
  h.github.registerRunner(provisioning_online, kLinux, "octo/repo");
  const auto provisioning_dead = leaveJobIn(h, 4, JobState::Provisioning);
  const auto running = leaveJobIn(h, 5, JobState::Running);
  h.github.registerRunner(running, kLinux, "octo/repo");

  const auto report = h.reconciler->recover();
  CHECK(report.requeued == 2);  // launching, provisioning without a runner
  CHECK(report.adopted == 2);   // provisioning with its runner online, running
  CHECK(h.state(2) == JobState::Queued);
  CHECK_FALSE(h.executor.isLive(launching));
  CHECK(h.state(3) == JobState::Running);
  CHECK(h.executor.isLive(provisioning_online));
  CHECK(h.state(4) == JobState::Queued);
  CHECK_FALSE(h.executor.isLive(provisioning_dead));
  CHECK(h.state(5) == JobState::Running);
  CHECK(h.executor.isLive(running));

  // Then everything is served exactly once, requeued jobs on fresh instance names.
  h.dispatcher->start();
  REQUIRE(h.serveAll());
  for (uint64_t id = 1; id <= 5; ++id) {
    INFO("job " << id);
    CHECK(h.github.served().at(id) == 1);
    CHECK(h.state(id) == JobState::Completed);
  }
  CHECK(h.store->get(2)->instance != launching);  // served by another instance
  CHECK(h.github.runnerCount() == 0);
}

// A runner started before the crash, registered but not yet online when recovery lists the
// runners, takes its job a moment later: the instance must stay (destroying it would strand
// the job on GitHub, where it fails after its runner is lost).
void runnerTakesItsJob(Harness& h, const std::string& name) {
  h.github.runnerOnline(name);
  CHECK(h.github.assign() == 1);
}

TEST_CASE("recovery keeps a provisioning instance whose runner takes a job after the listing") {
  Harness h({makeEntry("linux", kLinux, 10)});
  const auto name = leaveJobIn(h, 1, JobState::Provisioning);
  h.github.registerRunner(name, kLinux, "octo/repo");
  h.github.runnerOffline(name);
  h.github.dispatcher = nullptr;  // its in_progress webhook comes after recovery
  int listings = 0;
  h.github.on_listing = [&](const std::string&) {
    if (listings++ == 1) runnerTakesItsJob(h, name);  // after the first listing answered
  };
  h.reconciler->recover();
  CHECK(h.executor.isLive(name));
  CHECK(h.state(1) == JobState::Running);
  CHECK(h.github.hasRunner(name));
}

TEST_CASE("recovery keeps an instance whose runner takes a job as its registration is deleted") {
  Harness h({makeEntry("linux", kLinux, 10)});
  const auto name = leaveJobIn(h, 1, JobState::Provisioning);
  h.github.registerRunner(name, kLinux, "octo/repo");
  h.github.runnerOffline(name);
  h.github.dispatcher = nullptr;
  h.github.on_delete = [&] { runnerTakesItsJob(h, name); };
  h.reconciler->recover();
  CHECK(h.executor.isLive(name));  // GitHub refused the delete: the runner has a job
  CHECK(h.state(1) == JobState::Running);
}

TEST_CASE("recovery removes a provisioning instance whose idle runner it could retire") {
  Harness h({makeEntry("linux", kLinux, 10)});
  const auto name = leaveJobIn(h, 1, JobState::Provisioning);
  h.github.registerRunner(name, kLinux, "octo/repo");
  h.github.runnerOffline(name);
  h.reconciler->recover();
  CHECK_FALSE(h.executor.isLive(name));
  CHECK_FALSE(h.github.hasRunner(name));  // retired before the instance went
  CHECK(h.state(1) == JobState::Queued);
}

TEST_CASE("recovery completes a job whose completed event was missed while down") {
  Harness h({makeEntry("linux", kLinux, 10)});
  const auto name = leaveJobIn(h, 1, JobState::Running);
  h.github.registerRunner(name, kLinux, "octo/repo");
  Dispatcher* listening = h.github.dispatcher;
  h.github.dispatcher = nullptr;  // GitHub runs and finishes the job while nobody listens
  CHECK(h.github.assign() == 1);
  CHECK(h.github.completeRunning() == 1);
  h.github.dispatcher = listening;
  h.reconciler->recover();
  CHECK(h.state(1) == JobState::Completed);
  CHECK(h.store->get(1)->runner_name == name);
  CHECK_FALSE(h.executor.isLive(name));
  CHECK(h.store->countSlotsAll() == 0);
}

TEST_CASE("recovery does not relaunch a job that ended on GitHub while the daemon was down") {
  Harness h({makeEntry("linux", kLinux, 10)});
  const auto name = leaveJobIn(h, 1, JobState::Launching);
  h.github.registerRunner("someone-elses-runner", kLinux, "octo/repo");
  Dispatcher* listening = h.github.dispatcher;
  h.github.dispatcher = nullptr;
  CHECK(h.github.assign() == 1);  // job 1 runs on another runner and completes
  CHECK(h.github.completeRunning() == 1);
  h.github.dispatcher = listening;
  h.reconciler->recover();
  CHECK(h.state(1) == JobState::Cancelled);
  CHECK_FALSE(h.executor.isLive(name));
  h.dispatcher->start();
  CHECK(h.executor.launches() == 0);
}

TEST_CASE("reconciler: a lost completed event is found by asking GitHub about an idle runner") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.config.dispatcher.idle_runner_grace_s = 60;
  const auto name = leaveJobIn(h, 1, JobState::Running);
  h.github.registerRunner("someone-elses-runner", kLinux, "octo/repo");
  Dispatcher* listening = h.github.dispatcher;
  h.github.dispatcher = nullptr;  // the webhooks are lost
  REQUIRE(h.github.assign() == 1);
  REQUIRE(h.github.completeRunning() == 1);
  h.github.dispatcher = listening;
  h.github.registerRunner(name, kLinux, "octo/repo");  // our runner: online, idle
  h.reconciler->reconcileOnce();                       // first seen idle
  CHECK(h.state(1) == JobState::Running);
  h.advanceSeconds(61);
  h.reconciler->reconcileOnce();
  CHECK(h.state(1) == JobState::Completed);  // by a runner that is not ours
  REQUIRE(waitFor([&] { return !h.executor.isLive(name) && !h.github.hasRunner(name); }));
}

TEST_CASE("recovery finds jobs queued while the daemon was down") {
  Harness h({makeEntry("linux", kLinux, 10)});
  auto known = h.github.queue(1, kLinux);
  h.dispatcher->handle(known);  // the repository is known from an earlier job
  h.github.queue(2, kLinux);    // its webhook went nowhere
  const auto report = h.reconciler->recover();
  CHECK(report.discovered == 1);
  REQUIRE(h.store->get(2).has_value());
  CHECK(h.store->get(2)->source == "startup-poll");
}

TEST_CASE("recovery on a fresh store finds jobs queued in discovered repositories") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.github.queue(1, kLinux, "octo/discovered");  // queued before lxdrunner was ever started
  h.github.queue(2, kLinux, "octo/elsewhere");   // a repository discovery does not list
  h.github.startup_repositories = {"octo/discovered", "octo/empty"};
  REQUIRE(h.store->repositoriesSince(0).empty());
  const auto report = h.reconciler->recover();
  CHECK(report.discovered == 1);
  REQUIRE(h.store->get(1).has_value());
  CHECK(h.store->get(1)->source == "startup-poll");
  CHECK(h.store->get(1)->repository == "octo/discovered");
  CHECK_FALSE(h.store->get(2).has_value());
  CHECK(h.github.queuedLookups() ==
        std::map<std::string, int>{{"octo/discovered", 1}, {"octo/empty", 1}});
}

TEST_CASE("recovery scans the union of the store's and the discovered repositories once each") {
  Harness h({makeEntry("linux", kLinux, 10)});
  auto known = h.github.queue(1, kLinux, "octo/known");
  h.dispatcher->handle(known);
  h.github.queue(2, kLinux, "octo/known");
  h.github.queue(3, kLinux, "octo/new");
  h.github.startup_repositories = {"Octo/Known", "octo/new"};  // GitHub's case may differ
  const auto report = h.reconciler->recover();
  CHECK(report.discovered == 2);
  CHECK(h.github.queuedLookups() == std::map<std::string, int>{{"octo/known", 1}, {"octo/new", 1}});
}

TEST_CASE("recovery leaves discovered repositories to the poll source when the rate limit is low") {
  Harness h({makeEntry("linux", kLinux, 10)});
  auto known = h.github.queue(1, kLinux, "octo/known");
  h.dispatcher->handle(known);
  h.github.queue(2, kLinux, "octo/known");
  h.github.queue(3, kLinux, "octo/new");
  h.github.startup_repositories = {"octo/new", "octo/other"};
  h.github.rate_limit_room = false;
  const auto report = h.reconciler->recover();
  CHECK(report.discovered == 1);  // the store's repository is still scanned
  CHECK(report.deferred == 2);
  CHECK(h.github.queuedLookups() == std::map<std::string, int>{{"octo/known", 1}});
}

TEST_CASE("reconciler: a stopped instance whose runner took no job is removed, its job retried") {
  Harness h({makeEntry("linux", kLinux, 10)});
  const auto name = leaveJobIn(h, 1, JobState::Running);
  h.executor.setStatus(name, "stopped");
  const auto report = h.reconciler->reconcileOnce();
  CHECK(report.requeued == 1);
  REQUIRE(waitFor([&] { return !h.executor.isLive(name); }));
  CHECK(h.state(1) == JobState::Queued);
  h.dispatcher->start();
  REQUIRE(h.serveAll());
  CHECK(h.github.served().at(1) == 1);
}

TEST_CASE("reconciler: an instance older than max_lifetime_s is removed and its job failed") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.config.dispatcher.max_lifetime_s = 3600;
  const auto name = leaveJobIn(h, 1, JobState::Running);
  h.github.registerRunner(name, kLinux, "octo/repo");
  h.advanceSeconds(3601);
  const auto report = h.reconciler->reconcileOnce();
  CHECK(report.failed == 1);
  CHECK(h.state(1) == JobState::Failed);
  CHECK_THAT(h.store->get(1)->last_error, Catch::Contains("max_lifetime_s"));
  REQUIRE(waitFor([&] { return !h.executor.isLive(name) && !h.github.hasRunner(name); }));
}

TEST_CASE("reconciler: a runner that never comes online is reaped and its job retried") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.config.dispatcher.register_timeout_s = 120;
  const auto name = leaveJobIn(h, 1, JobState::Running);  // no runner registered
  CHECK(h.reconciler->reconcileOnce().requeued == 0);     // not yet: within the timeout
  CHECK(h.executor.isLive(name));
  h.advanceSeconds(121);
  const auto report = h.reconciler->reconcileOnce();
  CHECK(report.requeued == 1);
  CHECK_THAT(h.store->get(1)->last_error, Catch::Contains("did not come online"));
  REQUIRE(waitFor([&] { return !h.executor.isLive(name); }));
}

TEST_CASE("reconciler: an idle runner whose job went elsewhere goes after the grace period") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.config.dispatcher.idle_runner_grace_s = 300;
  const auto name = leaveJobIn(h, 1, JobState::Running);
  h.github.registerRunner(name, kLinux, "octo/repo");
  // The job completed on a runner that is not ours.
  REQUIRE(h.store->transition(1, JobState::Running, JobState::Completed, wallMs()));
  h.reconciler->reconcileOnce();  // first seen idle
  CHECK(h.executor.isLive(name));
  h.advanceSeconds(301);
  h.reconciler->reconcileOnce();
  REQUIRE(waitFor([&] { return !h.executor.isLive(name) && !h.github.hasRunner(name); }));
  CHECK(h.store->countSlotsAll() == 0);
}

TEST_CASE("reconciler: instances no job owns are removed after a grace period") {
  Harness h({makeEntry("linux", kLinux, 10)});
  // Earlier attempts of job 1 whose removal failed: its record names only its latest.
  recordAttempts(h, 1, 3);
  const auto old_one = coldInstanceName("lxdrunner", 1, 1, "abcd");
  const auto new_one = coldInstanceName("lxdrunner", 1, 2, "abcd");
  h.executor.addForeign(old_one, wallMs() - 3600 * 1000);
  h.executor.addForeign(new_one, wallMs());
  h.reconciler->reconcileOnce();
  REQUIRE(waitFor([&] { return !h.executor.isLive(old_one); }));
  CHECK(h.executor.isLive(new_one));
}

TEST_CASE("reconciler: offline registrations of ours are deleted after the grace") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.config.dispatcher.offline_runner_grace_s = 600;
  recordAttempts(h, 1, 2);  // makes octo/repo a known repository
  const auto left = coldInstanceName("lxdrunner", 1, 1, "abcd");  // its first attempt's
  h.github.registerRunner(left, kLinux, "octo/repo");
  h.github.runnerOffline(left);
  h.github.registerRunner("someone-else", kLinux, "octo/repo");
  h.github.runnerOffline("someone-else");
  h.reconciler->reconcileOnce();
  CHECK(h.github.hasRunner(left));  // first seen offline now
  h.advanceSeconds(601);
  CHECK(h.reconciler->reconcileOnce().runners_deleted == 1);
  CHECK_FALSE(h.github.hasRunner(left));
  CHECK(h.github.hasRunner("someone-else"));  // not ours: never touched
}

TEST_CASE("reconciler: nothing is removed on what GitHub could not tell") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.config.dispatcher.idle_runner_grace_s = 1;
  const auto name = leaveJobIn(h, 1, JobState::Running);
  REQUIRE(h.store->transition(1, JobState::Running, JobState::Completed, wallMs()));
  h.github.reachable = false;
  h.advanceSeconds(10);
  auto report = h.reconciler->reconcileOnce();
  h.advanceSeconds(10);
  report = h.reconciler->reconcileOnce();
  CHECK_FALSE(report.errors.empty());
  CHECK(h.executor.isLive(name));
}

}  // namespace
}  // namespace lxdrunner::dispatch::test

namespace lxdrunner::dispatch::test {
namespace {

TEST_CASE("reconciler: an instance launched while LXD was being listed is not taken for gone") {
  Harness h({makeEntry("linux", kLinux, 5)});
  h.dispatcher->start();
  bool once = false;
  // The whole launch happens while the listing is under way: the answer predates it.
  h.executor.on_list = [&] {
    if (once) return;
    once = true;
    h.dispatcher->handle(h.github.queue(1, kLinux));
    REQUIRE(waitFor([&] { return h.state(1) == JobState::Running; }));
  };
  h.reconciler->reconcileOnce();
  const auto job = h.store->get(1);
  CHECK(job->state == JobState::Running);
  CHECK(job->hasLiveInstance());
  CHECK(h.executor.liveCount() == 1);
  // The next pass sees it listed, and everything is in order.
  h.reconciler->reconcileOnce();
  CHECK(h.state(1) == JobState::Running);
  CHECK(h.executor.liveCount() == 1);
}

}  // namespace
}  // namespace lxdrunner::dispatch::test
