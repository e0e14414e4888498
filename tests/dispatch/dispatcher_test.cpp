// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "harness.hpp"

namespace lxdrunner::dispatch::test {
namespace {

using jobs::JobState;
const std::vector<std::string> kLinux{"self-hosted", "linux"};

TEST_CASE("one job from three sources gives one instance") {
  Harness h({makeEntry("linux", kLinux, 5)});
  h.dispatcher->start();
  auto webhook = h.github.queue(1, kLinux);
  auto redelivery = webhook;
  auto poll = webhook;
  poll.source = "poll";
  h.dispatcher->handle(webhook);
  h.dispatcher->handle(redelivery);
  h.dispatcher->handle(poll);
  REQUIRE(h.serveAll());
  CHECK(h.executor.launches() == 1);
  CHECK(h.github.served().at(1) == 1);
  CHECK(h.dispatcher->counters().duplicates == 2);
  CHECK(h.state(1) == JobState::Completed);
  CHECK(h.store->get(1)->source == "webhook");
}

TEST_CASE("10 jobs with max_workers 3: never more than 3 instances, all served once") {
  Harness h({makeEntry("linux", kLinux, 3)});
  h.dispatcher->start();
  for (uint64_t id = 1; id <= 10; ++id) h.dispatcher->handle(h.github.queue(id, kLinux));
  REQUIRE(h.serveAll());
  CHECK(h.executor.maxLive() <= 3);
  CHECK(h.executor.maxLive() >= 1);
  const auto served = h.github.served();
  REQUIRE(served.size() == 10);
  for (const auto& [id, times] : served) {
    INFO("job " << id);
    CHECK(times == 1);
    CHECK(h.state(id) == JobState::Completed);
  }
  CHECK(h.github.runnerCount() == 0);
  CHECK(h.store->countSlotsAll() == 0);
}

TEST_CASE("the global max_workers caps every entry together") {
  Harness h({makeEntry("a", {"a"}, 5), makeEntry("b", {"b"}, 5)}, 2);
  h.dispatcher->start();
  for (uint64_t id = 1; id <= 6; ++id) {
    h.dispatcher->handle(h.github.queue(id, {id % 2 ? "a" : "b"}));
  }
  REQUIRE(h.serveAll());
  CHECK(h.executor.maxLive() <= 2);
  CHECK(h.github.served().size() == 6);
}

TEST_CASE("a full entry does not delay another entry") {
  Harness h({makeEntry("a", {"a"}, 1), makeEntry("b", {"b"}, 1)});
  h.executor.hold("a");  // a's launches hang: entry a is full and stays full
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, {"a"}));
  h.dispatcher->handle(h.github.queue(2, {"a"}));
  h.dispatcher->handle(h.github.queue(3, {"b"}));
  REQUIRE(waitFor([&] { return h.state(3) == JobState::Running; }));
  CHECK(h.state(2) == JobState::Queued);  // behind job 1 in its own entry only
  h.executor.release("a");
  REQUIRE(h.serveAll());
  CHECK(h.github.served().size() == 3);
}

TEST_CASE("queued jobs start in FIFO order as capacity frees") {
  Harness h({makeEntry("linux", kLinux, 1)});
  h.dispatcher->start();
  for (uint64_t id = 1; id <= 5; ++id) h.dispatcher->handle(h.github.queue(id, kLinux));
  REQUIRE(h.serveAll());
  CHECK(h.executor.launchedFor() == std::vector<uint64_t>{1, 2, 3, 4, 5});
}

TEST_CASE("a job cancelled before launch gets no instance") {
  Harness h({makeEntry("linux", kLinux, 1)});
  h.executor.hold("linux");
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, kLinux));
  h.dispatcher->handle(h.github.queue(2, kLinux));
  REQUIRE(waitFor([&] { return h.state(1) == JobState::Launching; }));
  h.github.cancel(2);
  CHECK(h.state(2) == JobState::Cancelled);
  h.executor.release("linux");
  REQUIRE(h.serveAll());
  CHECK(h.executor.launchedFor() == std::vector<uint64_t>{1});
  CHECK(h.dispatcher->counters().cancelled_before_launch == 1);
}

TEST_CASE("a job cancelled while its instance launches: the instance is removed") {
  Harness h({makeEntry("linux", kLinux, 1)});
  h.executor.hold("linux");
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, kLinux));
  REQUIRE(waitFor([&] { return h.state(1) == JobState::Launching; }));
  h.github.cancel(1);
  h.executor.release("linux");
  REQUIRE(waitFor([&] {
    return h.executor.liveCount() == 0 && h.github.runnerCount() == 0 &&
           h.store->countSlotsAll() == 0;
  }));
  CHECK(h.state(1) == JobState::Cancelled);
}

TEST_CASE("transient launch failures are retried with a fresh instance") {
  Harness h({makeEntry("linux", kLinux, 2)});
  int failures = 2;
  h.executor.on_launch = [&](const std::string&, const config::RunnerEntry&) {
    StepResult r;
    if (failures-- > 0) {
      r.status = LXDR_ERR_TRANSIENT;
      r.error = "lxd-container: LXD is busy";
    }
    return r;
  };
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(7, kLinux));
  REQUIRE(h.serveAll());
  const auto job = *h.store->get(7);
  CHECK(job.state == JobState::Completed);
  CHECK(job.attempts == 3);
  CHECK_THAT(job.instance, Catch::Matches("lxdrunner-7-3[a-z0-9]{4}"));
}

TEST_CASE("a permanent launch failure fails the job at once with its reason") {
  Harness h({makeEntry("linux", kLinux, 2)});
  h.executor.on_launch = [](const std::string&, const config::RunnerEntry&) {
    StepResult r;
    r.status = LXDR_ERR_NOT_FOUND;
    r.error = "lxd-container: image 'nope' not found on remote main: import it or fix the entry";
    return r;
  };
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(8, kLinux));
  REQUIRE(waitFor([&] { return h.state(8) == JobState::Failed; }));
  const auto job = *h.store->get(8);
  CHECK(job.attempts == 1);
  CHECK_THAT(job.last_error,
             Catch::Contains("launch failed: lxd-container: image 'nope' not found"));
  CHECK(h.store->countSlotsAll() == 0);
}

TEST_CASE("after launch_attempts transient failures the job fails") {
  Harness h({makeEntry("linux", kLinux, 2)});
  h.executor.on_provision = [](const std::string&) {
    StepResult r;
    r.status = LXDR_ERR_TIMEOUT;
    r.error = "bash: setup script timed out";
    return r;
  };
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(9, kLinux));
  REQUIRE(waitFor([&] { return h.state(9) == JobState::Failed; }));
  const auto job = *h.store->get(9);
  CHECK(job.attempts == 3);
  CHECK_THAT(job.last_error, Catch::Contains("gave up after 3 attempts"));
  CHECK_THAT(h.store->log(9), Catch::Contains("provision failed: bash: setup script timed out"));
  REQUIRE(waitFor([&] { return h.executor.liveCount() == 0; }));
}

TEST_CASE("a runner that takes another job swaps bindings; every job is served once") {
  Harness h({makeEntry("linux", kLinux, 1)});
  // GitHub's order differs from the order the events arrive in: the runner launched for
  // job 1 gets job 2 (GitHub's oldest).
  auto second = h.github.queue(2, kLinux);
  auto first = h.github.queue(1, kLinux);
  h.dispatcher->start();
  h.dispatcher->handle(first);
  h.dispatcher->handle(second);
  REQUIRE(h.serveAll());
  CHECK(h.dispatcher->counters().runner_swaps == 1);
  CHECK(h.github.served().at(1) == 1);
  CHECK(h.github.served().at(2) == 1);
  CHECK(h.state(1) == JobState::Completed);
  CHECK(h.state(2) == JobState::Completed);
  CHECK_THAT(h.store->get(2)->runner_name, Catch::Matches("lxdrunner-1-1[a-z0-9]{4}"));
}

TEST_CASE("a drained entry launches nothing until resumed; others carry on") {
  Harness h({makeEntry("a", {"a"}, 2), makeEntry("b", {"b"}, 2)});
  h.dispatcher->drain("a");
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, {"a"}));
  h.dispatcher->handle(h.github.queue(2, {"b"}));
  REQUIRE(waitFor([&] { return h.state(2) == JobState::Running; }));
  CHECK(h.state(1) == JobState::Queued);
  CHECK(h.dispatcher->isDrained("a"));
  h.dispatcher->resume("a");
  REQUIRE(h.serveAll());
  CHECK(h.state(1) == JobState::Completed);
}

TEST_CASE("stop() leaves running instances running") {
  Harness h({makeEntry("linux", kLinux, 2)});
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, kLinux));
  REQUIRE(waitFor([&] { return h.state(1) == JobState::Running; }));
  h.dispatcher->stop();
  CHECK(h.executor.isLive(h.store->get(1)->instance));
  CHECK(h.state(1) == JobState::Running);
}

}  // namespace
}  // namespace lxdrunner::dispatch::test

namespace lxdrunner::dispatch::test {
namespace {

TEST_CASE("a failed provision whose runner GitHub says is busy is left to finish its job") {
  // The in_progress event was lost (the daemon was down): only GitHub knows the runner took
  // a job. Destroying the instance would strand that job, in progress on a dead runner.
  Harness h({makeEntry("linux", {"self-hosted", "linux"}, 2)});
  std::atomic<bool> first{true};
  h.executor.on_provision = [&](const std::string& instance) {
    StepResult r;
    if (first.exchange(false)) {
      h.github.registerRunner(instance, {"self-hosted", "linux"}, "octo/repo");
      h.github.dispatcher = nullptr;  // the in_progress webhook goes nowhere
      h.github.assign();
      h.github.dispatcher = h.dispatcher.get();
      r.status = LXDR_ERR_INTERNAL;
      r.error = "the runner exited right after starting (test)";
    }
    return r;
  };
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, {"self-hosted", "linux"}));
  REQUIRE(waitFor([&] { return h.executor.launches() == 1 && h.github.runnerCount() == 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto job = h.store->get(1);
  CHECK(h.executor.isLive(job->instance));  // not destroyed under the busy runner
  CHECK(h.github.deletes() == 0);
  CHECK(h.executor.launches() == 1);  // and not launched again
  h.github.completeRunning();
  REQUIRE(h.serveAll());
  CHECK(h.github.served().at(1) == 1);
}

}  // namespace
}  // namespace lxdrunner::dispatch::test
