// SPDX-License-Identifier: Apache-2.0
// Warm pools against the in-memory cloud: filling, claiming (races included), refilling
// behind queued jobs, restart adoption, every recycle rule, freeze/thaw and drain.
#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <functional>
#include <thread>
#include <tuple>

#include "harness.hpp"

namespace lxdrunner::dispatch::test {
namespace {

using jobs::JobState;
using jobs::WarmState;
const std::vector<std::string> kLinux{"self-hosted", "linux"};

config::RunnerEntry pooled(const std::string& name, std::vector<std::string> labels,
                           int max_workers, int size, bool freeze = false) {
  config::RunnerEntry e = makeEntry(name, std::move(labels), max_workers);
  e.warm_pool.size = size;
  e.warm_pool.freeze = freeze;
  return e;
}

size_t idle(Harness& h, const std::string& entry) {
  return h.store->countWarm(entry, WarmState::Idle);
}

TEST_CASE("warm pool: fills to its size with prepared instances and no runner registered") {
  Harness h({pooled("linux", kLinux, 5, 3)});
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h, "linux") == 3; }));
  CHECK(h.executor.launches() == 3);
  CHECK(h.executor.prepares() == 3);
  CHECK(h.executor.starts() == 0);
  CHECK(h.github.runnerCount() == 0);  // no credential before a job
  CHECK(h.store->countSlots("linux") == 3);
  for (const auto& w : h.store->warmInstances()) {
    CHECK(w.name.rfind("lxdrunner-w-", 0) == 0);
    CHECK(w.image == "img-1");
    CHECK(w.entry_hash == Dispatcher::entryHash(h.config.runnermap[0]));
  }
}

TEST_CASE("warm pool: a job is served by a warm instance, then the pool refills") {
  Harness h({pooled("linux", kLinux, 5, 2)});
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h, "linux") == 2; }));
  const auto before = h.store->warmInstances();
  h.dispatcher->handle(h.github.queue(1, kLinux));
  REQUIRE(h.serveJobs());
  const auto job = h.store->get(1);
  CHECK(job->state == JobState::Completed);
  CHECK(job->served_warm);
  const auto longest_idle = std::min_element(
      before.begin(), before.end(), [](const jobs::WarmRecord& a, const jobs::WarmRecord& b) {
        return std::tie(a.ready_at, a.name) < std::tie(b.ready_at, b.name);
      });
  CHECK(job->instance == longest_idle->name);
  CHECK(h.executor.starts() == 1);
  CHECK(h.store->log(1).find("served by warm instance") != std::string::npos);
  REQUIRE(waitFor([&] { return idle(h, "linux") == 2; }));
  CHECK(h.executor.launches() == 3);  // two warm + one refill; no cold launch
  const auto pools = h.dispatcher->warmPools();
  REQUIRE(pools.size() == 1);
  CHECK(pools[0].hits == 1);
  CHECK(pools[0].misses == 0);
  CHECK(h.github.runnerCount() == 0);
}

TEST_CASE("warm pool: two jobs and one idle instance: one warm, one cold, both served once") {
  Harness h({pooled("linux", kLinux, 2, 1)});
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h, "linux") == 1; }));
  h.dispatcher->handle(h.github.queue(1, kLinux));
  h.dispatcher->handle(h.github.queue(2, kLinux));
  REQUIRE(h.serveJobs());
  CHECK(h.github.served().at(1) == 1);
  CHECK(h.github.served().at(2) == 1);
  // One of them took the idle instance; the other launched cold, or (on a slow machine,
  // when its event came late) took the refill that replaced it.
  CHECK((h.store->get(1)->served_warm || h.store->get(2)->served_warm));
  CHECK(h.executor.maxLive() <= 2);
}

TEST_CASE("warm pool: claimWarm gives one idle instance to exactly one of two racing jobs") {
  Harness h({pooled("linux", kLinux, 2, 1)});
  h.github.queue(1, kLinux);
  h.github.queue(2, kLinux);
  for (const uint64_t id : {uint64_t{1}, uint64_t{2}}) {
    sdk::JobEvent e;
    e.job_id = id;
    e.labels = kLinux;
    e.repository = "octo/repo";
    REQUIRE(h.store->recordQueued(e, "linux", wallMs()));
  }
  for (int round = 0; round < 50; ++round) {
    jobs::WarmRecord w;
    w.name = "lxdrunner-w-race" + std::to_string(round);
    w.entry = "linux";
    w.backend = "fake-backend";
    w.state = WarmState::Idle;
    h.store->addWarm(w);
    std::atomic<int> won{0};
    std::thread a([&] { won += h.store->claimWarm(1, "linux", wallMs()).has_value(); });
    std::thread b([&] { won += h.store->claimWarm(2, "linux", wallMs()).has_value(); });
    a.join();
    b.join();
    REQUIRE(won == 1);
    CHECK(h.store->countWarm("linux", WarmState::Idle) == 0);
    // Back to queued for the next round (a requeue, as after a failed start).
    for (const uint64_t id : {uint64_t{1}, uint64_t{2}}) {
      h.store->transition(id, JobState::Provisioning, JobState::Queued, wallMs());
      h.store->markInstanceGone(w.name, wallMs());
    }
  }
}

TEST_CASE("warm pool: a queued job of another entry wins over idle warm instances") {
  // Global max 2, filled by entry a's pool; a job of entry b evicts one idle instance.
  Harness h({pooled("a", {"a"}, 2, 2), makeEntry("b", {"b"}, 2)}, 2);
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h, "a") == 2; }));
  h.dispatcher->handle(h.github.queue(1, {"b"}));
  REQUIRE(h.serveJobs());
  CHECK(h.store->get(1)->state == JobState::Completed);
  CHECK_FALSE(h.store->get(1)->served_warm);
  CHECK(h.executor.maxLive() <= 2);
  // Afterwards the pool is whole again.
  REQUIRE(waitFor([&] { return idle(h, "a") == 2; }));
}

// Runs a callback on the thread that logs a message containing `needle` (the first time).
class LogTrigger : public Poco::Channel {
 public:
  LogTrigger(std::string needle, std::function<void()> action)
      : needle_(std::move(needle)), action_(std::move(action)) {}
  void log(const Poco::Message& message) override {
    if (message.getText().find(needle_) != std::string::npos && !fired_.exchange(true)) action_();
  }

 private:
  std::string needle_;
  std::function<void()> action_;
  std::atomic<bool> fired_{false};
};

TEST_CASE("warm pool: an eviction right as a refill publishes its instance idle is carried out") {
  // The moment after the refill marks the instance idle and before its task ends: a job of
  // another entry, held back by the global limit, evicts that instance there. The removal
  // once found the instance still marked as the refill's, gave up silently, and left the
  // row "removing" until the next pool check: the job waited a reconcile interval.
  Harness h({pooled("a", {"a"}, 1, 1), makeEntry("b", {"b"}, 1)}, 1);
  auto& log = Poco::Logger::get("warm-pool");
  Poco::AutoPtr<Poco::Channel> before(log.getChannel(), true);
  const int level = log.getLevel();
  std::atomic<bool> queued{false};
  Poco::AutoPtr<LogTrigger> trigger(new LogTrigger("ready in", [&] {
    h.dispatcher->handle(h.github.queue(1, {"b"}));
    queued = true;
    // The eviction has run once the row is no longer idle (removing, or gone).
    waitFor([&] { return idle(h, "a") == 0; });
  }));
  log.setChannel(trigger);
  log.setLevel(Poco::Message::PRIO_INFORMATION);
  h.dispatcher->start();
  const bool served = waitFor([&] { return queued.load(); }) && h.serveJobs();
  log.setChannel(before);
  log.setLevel(level);
  REQUIRE(served);
  CHECK(h.store->get(1)->state == JobState::Completed);
  CHECK_FALSE(h.store->get(1)->served_warm);
  REQUIRE(waitFor([&] { return idle(h, "a") == 1; }));
}

TEST_CASE("warm pool: refills wait while a job needs the room") {
  // Entry b's job is held back only by the global limit while a's pool is below size: the
  // refill must not take the slot the job is waiting for.
  Harness h({pooled("a", {"a"}, 2, 1), makeEntry("b", {"b"}, 2)}, 1);
  h.executor.hold("b");  // b's launch hangs: it holds the only slot
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, {"b"}));
  REQUIRE(waitFor([&] { return h.state(1) == JobState::Launching; }));
  h.dispatcher->handle(h.github.queue(2, {"b"}));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(h.store->warmInstances().empty());  // no refill took room while job 2 waits
  h.executor.release("b");
  REQUIRE(h.serveJobs());
  CHECK(h.github.served().size() == 2);
  REQUIRE(waitFor([&] { return idle(h, "a") == 1; }));
}

TEST_CASE("warm pool: a restart adopts idle instances and replaces interrupted ones") {
  Harness h({pooled("linux", kLinux, 5, 2)});
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h, "linux") == 2; }));
  const auto adopted = h.store->warmInstances();
  h.dispatcher->stop();
  // A refill that was preparing when the daemon died.
  h.executor.addForeign("lxdrunner-w-halfmade", wallMs());
  jobs::WarmRecord half;
  half.name = "lxdrunner-w-halfmade";
  half.entry = "linux";
  half.backend = "fake-backend";
  half.state = WarmState::Preparing;
  half.entry_hash = Dispatcher::entryHash(h.config.runnermap[0]);
  h.store->addWarm(half);
  const size_t launches = h.executor.launches();

  h.open();
  h.dispatcher->start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK_FALSE(h.executor.isLive("lxdrunner-w-halfmade"));
  CHECK_FALSE(h.store->warm("lxdrunner-w-halfmade"));
  CHECK(idle(h, "linux") == 2);
  CHECK(h.executor.launches() == launches);  // nothing relaunched
  for (const auto& w : adopted) CHECK(h.store->warm(w.name)->state == WarmState::Idle);
  h.dispatcher->handle(h.github.queue(1, kLinux));
  REQUIRE(h.serveJobs());
  CHECK(h.store->get(1)->served_warm);
}

TEST_CASE("warm pool: recycle rules replace stale idle instances") {
  Harness h({pooled("linux", kLinux, 5, 2)});
  h.config.runnermap[0].warm_pool.max_idle_s = 600;
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h, "linux") == 2; }));
  auto names = [&] {
    std::set<std::string> out;
    for (const auto& w : h.store->warmInstances()) out.insert(w.name);
    return out;
  };
  auto replacedAll = [&](const std::set<std::string>& old) {
    return waitFor([&] {
      if (idle(h, "linux") != 2) return false;
      for (const auto& n : names()) {
        if (old.count(n)) return false;
      }
      for (const auto& n : old) {
        if (h.executor.isLive(n)) return false;
      }
      return true;
    });
  };
  // The daemon reads its configuration once: a change takes effect across a restart (and a
  // test that changed it under running threads would race them).
  auto restartWith = [&](const std::function<void(config::RunnerEntry&)>& change) {
    h.dispatcher->stop();
    change(h.config.runnermap[0]);
    h.open();
    h.dispatcher->start();
  };

  SECTION("idle longer than max_idle_s") {
    auto old = names();
    h.dispatcher->recycleWarm();
    CHECK(names() == old);  // young: kept
    h.advanceSeconds(601);
    h.dispatcher->recycleWarm();
    CHECK(replacedAll(old));
  }
  SECTION("the image alias moved") {
    auto old = names();
    h.executor.setImage("img-2");
    h.dispatcher->recycleWarm();
    CHECK(replacedAll(old));
    for (const auto& w : h.store->warmInstances()) CHECK(w.image == "img-2");
  }
  SECTION("the entry's configuration changed") {
    auto old = names();
    restartWith([](config::RunnerEntry& e) { e.profiles = {"default", "gpu"}; });
    h.dispatcher->recycleWarm();
    CHECK(replacedAll(old));
  }
  SECTION("a change of max_workers or of the pool size alone keeps them") {
    auto old = names();
    restartWith([](config::RunnerEntry& e) {
      e.max_workers = 6;
      e.warm_pool.max_idle_s = 700;
    });
    h.dispatcher->recycleWarm();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CHECK(names() == old);
  }
  SECTION("the pool was made smaller") {
    restartWith([](config::RunnerEntry& e) { e.warm_pool.size = 1; });
    h.dispatcher->recycleWarm();
    CHECK(waitFor([&] { return h.store->warmInstances().size() == 1; }));
    CHECK(waitFor([&] { return h.executor.liveCount() == 1; }));
  }
  SECTION("an idle instance stopped") {
    auto old = names();
    const std::string victim = *old.begin();
    h.executor.setStatus(victim, "stopped");
    h.dispatcher->recycleWarm();
    CHECK(waitFor([&] { return !h.executor.isLive(victim) && idle(h, "linux") == 2; }));
    CHECK_FALSE(h.store->warm(victim));
  }
}

TEST_CASE("warm pool: frozen while idle, thawed before the runner starts") {
  Harness h({pooled("linux", kLinux, 5, 1, /*freeze=*/true)});
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h, "linux") == 1; }));
  const auto warm = h.store->warmInstances().front();
  CHECK(warm.frozen);
  CHECK(h.executor.isFrozen(warm.name));
  h.dispatcher->handle(h.github.queue(1, kLinux));
  REQUIRE(h.serveJobs());
  CHECK(h.store->get(1)->served_warm);
  const auto events = h.executor.events();
  auto at = [&](const std::string& e) {
    return std::find(events.begin(), events.end(), e) - events.begin();
  };
  CHECK(at("thaw " + warm.name) < at("start " + warm.name));
  CHECK(at("freeze " + warm.name) < at("thaw " + warm.name));
}

TEST_CASE("warm pool: drain stops claims and refills until resume") {
  Harness h({pooled("linux", kLinux, 5, 2)});
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h, "linux") == 2; }));
  h.dispatcher->drain("linux");
  h.dispatcher->handle(h.github.queue(1, kLinux));
  h.executor.setImage("img-2");  // both idle instances become stale
  h.dispatcher->recycleWarm();
  REQUIRE(waitFor([&] { return h.store->warmInstances().empty(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(h.store->warmInstances().empty());  // no refill while drained
  CHECK(h.state(1) == JobState::Queued);
  h.dispatcher->resume("linux");
  REQUIRE(h.serveJobs());
  REQUIRE(waitFor([&] { return idle(h, "linux") == 2; }));
}

TEST_CASE("warm pool: max_lifetime_s counts from the claim, not from the launch") {
  Harness h({pooled("linux", kLinux, 5, 1)});
  h.config.runnermap[0].warm_pool.max_idle_s = 100000;
  h.config.dispatcher.max_lifetime_s = 3600;
  // The fake LXD stamps created_ms with the wall clock, the dispatcher reads the moved one:
  // the instance is 50 minutes old when the job claims it. (Moving the clock after the pool
  // filled raced a scheduling pass that had read the clock before the move.)
  h.advanceSeconds(3000);
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h, "linux") == 1; }));
  h.dispatcher->handle(h.github.queue(1, kLinux));
  REQUIRE(waitFor([&] { return h.state(1) == JobState::Running; }));
  h.github.assign();       // the runner works on the job
  h.advanceSeconds(1200);  // 70 minutes after launch, 20 after the claim
  h.reconciler->reconcileOnce();
  CHECK(h.state(1) == JobState::Running);
  h.advanceSeconds(2500);  // over an hour after the claim
  h.reconciler->reconcileOnce();
  CHECK(h.state(1) == JobState::Failed);
}

TEST_CASE("warm pool: a provisioner without prepare/start (ABI 1.0) is served cold only") {
  Harness h({pooled("linux", kLinux, 5, 2)});
  h.executor.phases = false;
  h.dispatcher->start();
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(h.store->warmInstances().empty());
  h.dispatcher->handle(h.github.queue(1, kLinux));
  REQUIRE(h.serveAll());
  CHECK_FALSE(h.store->get(1)->served_warm);
  CHECK(h.executor.prepares() == 0);
}

TEST_CASE("warm pool: a failed start destroys the instance and retries the job") {
  Harness h({pooled("linux", kLinux, 5, 1)});
  std::atomic<int> failures{1};
  h.executor.on_start = [&](const std::string&) {
    StepResult r;
    if (failures-- > 0) {
      r.status = LXDR_ERR_TRANSIENT;
      r.error = "runner did not start (test)";
    }
    return r;
  };
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h, "linux") == 1; }));
  const auto first = h.store->warmInstances().front().name;
  h.dispatcher->handle(h.github.queue(1, kLinux));
  REQUIRE(h.serveJobs());
  CHECK(h.store->get(1)->state == JobState::Completed);
  CHECK(h.store->get(1)->attempts == 2);
  CHECK_FALSE(h.executor.isLive(first));
  CHECK(h.github.served().at(1) == 1);
}

TEST_CASE("warm pool: a start that fails after its runner took the job leaves the job alone") {
  // The runner took the job, then died while start() watched it: GitHub has the job on that
  // runner, so requeueing it would launch a runner that never gets it.
  Harness h({pooled("linux", kLinux, 5, 1)});
  std::atomic<bool> first{true};
  h.executor.on_start = [&](const std::string& instance) {
    StepResult r;
    if (first.exchange(false)) {
      h.github.registerRunner(instance, kLinux, "octo/repo");
      h.github.assign();  // in_progress reaches the dispatcher now
      r.status = LXDR_ERR_INTERNAL;
      r.error = "the runner exited with status 2 right after starting (test)";
    }
    return r;
  };
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h, "linux") == 1; }));
  h.dispatcher->handle(h.github.queue(1, kLinux));
  REQUIRE(waitFor([&] { return !h.store->get(1)->runner_name.empty(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  CHECK(h.store->get(1)->state != JobState::Queued);
  CHECK(h.store->get(1)->attempts == 1);
  REQUIRE(h.serveJobs());
  CHECK(h.state(1) == JobState::Completed);
  CHECK(h.github.served().at(1) == 1);
  CHECK(h.executor.starts() == 1);
}

TEST_CASE("warm pool: refills of a pool whose launches fail back off") {
  Harness h({pooled("linux", kLinux, 5, 2)});
  h.config.dispatcher.retry_backoff_s = 60;
  h.executor.on_launch = [](const std::string&, const config::RunnerEntry&) {
    StepResult r;
    r.status = LXDR_ERR_NOT_FOUND;
    r.error = "image alias not found (test)";
    return r;
  };
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return h.dispatcher->counters().warm_refill_failures >= 1; }));
  std::this_thread::sleep_for(std::chrono::milliseconds(1200));
  CHECK(h.dispatcher->counters().warm_refill_failures <= 2);  // not a hot loop
  CHECK(h.store->warmInstances().empty());
  CHECK(h.executor.liveCount() == 0);
}

}  // namespace
}  // namespace lxdrunner::dispatch::test
