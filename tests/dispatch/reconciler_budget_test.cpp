// SPDX-License-Identifier: Apache-2.0
// The reconciler's GitHub calls: none when idle however many repositories it has served, at
// most reconcile_github_calls_per_minute in any minute, and the safety nets still reach every
// repository that needs them; a stop during a pass starts no further call. Calls are counted
// at the fake GitHub over simulated minutes.
#include <catch2/catch.hpp>

#include <condition_variable>
#include <mutex>

#include "harness.hpp"
#include "recorded_attempts.hpp"

namespace lxdrunner::dispatch::test {
namespace {

using jobs::JobState;
const std::vector<std::string> kLinux{"self-hosted", "linux"};

std::string repo(int i) {
  return "octo/repo-" + std::to_string(i);
}

// Serves one job in each of `repositories` repositories, end to end.
void serveJobsInRepositories(Harness& h, int repositories) {
  h.dispatcher->start();
  for (int i = 1; i <= repositories; ++i) {
    h.dispatcher->handle(h.github.queue(static_cast<uint64_t>(i), kLinux, repo(i)));
  }
  REQUIRE(h.serveAll());
  REQUIRE(waitFor([&] { return h.store->countSlotsAll() == 0; }));
  // A pass in the very millisecond an instance went looks there once more (it cannot tell
  // which came first); passes come reconcile_interval_s apart, not within a millisecond.
  h.advanceSeconds(1);
}

// One pass a simulated minute; the GitHub calls each pass made.
std::vector<size_t> idleMinutes(Harness& h, int minutes) {
  std::vector<size_t> calls;
  for (int m = 0; m < minutes; ++m) {
    const size_t before = h.github.calls();
    h.reconciler->reconcileOnce();
    calls.push_back(h.github.calls() - before);
    h.advanceSeconds(60);
  }
  return calls;
}

TEST_CASE("reconciler: idle after 20 jobs in 20 repositories it makes at most 2 calls a minute") {
  Harness h({makeEntry("linux", kLinux, 20)});
  serveJobsInRepositories(h, 20);
  const auto calls = idleMinutes(h, 30);
  INFO("calls per minute: " << Catch::Detail::stringify(calls));
  // The first pass looks once where an instance just went (and, after start-up, at every
  // repository served lately); then nothing is left that needs GitHub.
  CHECK(calls.front() <= 20);
  for (size_t m = 1; m < calls.size(); ++m) CHECK(calls[m] <= 2);
  CHECK(h.reconciler->memory().scopes <= 20);
}

TEST_CASE("reconciler: idle calls do not grow with the repositories served") {
  Harness h({makeEntry("linux", kLinux, 60)});
  h.config.dispatcher.reconcile_github_calls_per_minute = 20;
  serveJobsInRepositories(h, 60);
  const auto calls = idleMinutes(h, 20);
  INFO("calls per minute: " << Catch::Detail::stringify(calls));
  for (size_t c : calls) CHECK(c <= 20);  // the budget spreads the first looks over passes
  for (size_t m = 3; m < calls.size(); ++m) CHECK(calls[m] == 0);
  for (int i = 1; i <= 60; ++i) CHECK(h.github.listings()[repo(i)] >= 1);  // each looked at
}

TEST_CASE("reconciler: the call budget caps a pass and reaches every repository in turn") {
  Harness h({makeEntry("linux", kLinux, 30)});
  h.config.dispatcher.reconcile_github_calls_per_minute = 10;
  h.config.dispatcher.register_timeout_s = 120;
  for (int i = 1; i <= 30; ++i)
    leaveJobIn(h, static_cast<uint64_t>(i), JobState::Running, repo(i));  // no runner
  h.advanceSeconds(121);  // every runner is late now
  size_t requeued = 0;
  for (int pass = 0; pass < 3; ++pass) {
    const size_t before = h.github.calls();
    const auto report = h.reconciler->reconcileOnce();
    CHECK(report.github_calls <= 10);
    // Plus the dispatcher's own look for the registration of each instance it removes.
    CHECK(h.github.calls() - before <= 10 + report.destroyed);
    requeued += report.requeued;
    h.advanceSeconds(60);
  }
  // Three passes of ten: the register-timeout rule reached all thirty, none starved.
  CHECK(requeued == 30);
  for (int i = 1; i <= 30; ++i) CHECK(h.state(static_cast<uint64_t>(i)) == JobState::Queued);
}

TEST_CASE("reconciler: a registration left in an idle repository is deleted with few calls") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.config.dispatcher.offline_runner_grace_s = 600;
  serveJobsInRepositories(h, 1);
  // A registration of ours its instance left behind (a failed delete, say).
  const std::string left = h.store->get(1)->instance;
  h.github.registerRunner(left, kLinux, repo(1));
  h.github.runnerOffline(left);
  const auto calls = idleMinutes(h, 12);
  INFO("calls per minute: " << Catch::Detail::stringify(calls));
  CHECK_FALSE(h.github.hasRunner(left));
  size_t total = 0;
  for (size_t c : calls) total += c;
  CHECK(total <= 3);  // seen once, listed again when due, deleted
  CHECK(h.reconciler->memory().offline_since == 0);
}

TEST_CASE("reconciler: what it remembers of idle runners goes with their instances") {
  Harness h({makeEntry("linux", kLinux, 10)});
  h.config.dispatcher.idle_runner_grace_s = 300;
  const auto name = leaveJobIn(h, 1, JobState::Running, repo(1));
  h.github.registerRunner(name, kLinux, repo(1));
  REQUIRE(h.store->transition(1, JobState::Running, JobState::Completed, wallMs()));
  h.reconciler->reconcileOnce();  // first seen idle
  CHECK(h.reconciler->memory().idle_since == 1);
  // The instance goes some other way (removed by hand, say) before the grace ends.
  REQUIRE(h.store->markInstanceGone(name, wallMs()));
  h.reconciler->reconcileOnce();
  CHECK(h.reconciler->memory().idle_since == 0);
}

TEST_CASE("reconciler: a stop during a pass behind slow GitHub calls starts no further call") {
  Harness h({makeEntry("linux", kLinux, 10)});
  for (int i = 1; i <= 5; ++i) leaveJobIn(h, static_cast<uint64_t>(i), JobState::Running, repo(i));
  // GitHub hangs in the pass's first runner listing until the test lets it answer; a pass
  // over these 5 repositories would otherwise list each (5 calls of up to 30 s in the daemon).
  std::mutex mu;
  std::condition_variable cv;
  bool in_call = false;
  bool answer = false;
  h.github.on_listing = [&](const std::string&) {
    std::unique_lock<std::mutex> lock(mu);
    in_call = true;
    cv.notify_all();
    cv.wait(lock, [&] { return answer; });
  };
  h.reconciler->start();
  h.reconciler->trigger();
  {
    std::unique_lock<std::mutex> lock(mu);
    REQUIRE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return in_call; }));
  }
  h.reconciler->requestStop();  // what the daemon does first when it stops
  {
    std::lock_guard<std::mutex> lock(mu);
    answer = true;
  }
  cv.notify_all();
  h.reconciler->stop();
  INFO("repositories listed: " << h.github.listings().size());
  CHECK(h.github.calls() == 1);  // the call in progress; none after the stop
}

}  // namespace
}  // namespace lxdrunner::dispatch::test
