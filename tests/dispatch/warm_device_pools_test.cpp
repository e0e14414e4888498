// SPDX-License-Identifier: Apache-2.0
// Warm pools of entries using device pools, against the in-memory cloud: an idle warm
// instance holds no item; a claim takes the items in the store and hot-plugs them before
// the runner starts; a failed hot-plug frees them; a type LXD cannot hot-plug keeps the
// entry cold.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>

#include "device_pool_fixtures.hpp"

namespace lxdrunner::dispatch::test {
namespace {

using jobs::JobState;
using jobs::WarmState;

config::RunnerEntry warmBoard(int max_workers, int size) {
  auto e = boardEntry("board", {"board"}, max_workers);
  e.warm_pool.size = size;
  return e;
}

size_t idle(Harness& h) {
  return h.store->countWarm("board", WarmState::Idle);
}

TEST_CASE("warm devices: an idle instance holds no item; the claim hot-plugs one") {
  Harness h({warmBoard(4, 2)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero", "/dev/full"})};
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h) == 2; }));
  CHECK(h.store->deviceHolds().empty());
  for (const auto& w : h.store->warmInstances()) {
    // Launched without the pool's device (the entry's `path` alone is no device).
    CHECK(h.executor.devicesOf(w.name).count("tty") == 0);
  }
  h.executor.on_start = [&](const std::string& instance) {
    // The item is held in the store and on the instance before the runner starts.
    StepResult r;
    const auto holds = h.store->deviceHolds();
    const bool held = std::any_of(holds.begin(), holds.end(), [&](const jobs::DeviceHold& d) {
      return d.instance == instance;
    });
    if (!held || h.executor.devicesOf(instance).count("tty") == 0) {
      r.status = LXDR_ERR_INTERNAL;
      r.error = "started without its device";
    }
    return r;
  };
  h.dispatcher->handle(h.github.queue(1, {"board"}));
  REQUIRE(waitFor([&] { return h.state(1) == JobState::Running; }));
  const auto job = h.store->get(1);
  CHECK(job->served_warm);
  CHECK(h.executor.devicesOf(job->instance).at("tty") ==
        std::map<std::string, std::string>{
            {"type", "unix-char"}, {"source", "/dev/zero"}, {"path", "/dev/board"}});
  CHECK(heldItems(*h.store) == std::vector<std::string>{"source=/dev/zero@" + job->instance});
  CHECK(h.store->log(1).find("device tty attached: item source=/dev/zero of pool 'ttys'") !=
        std::string::npos);
  REQUIRE(h.serveJobs());
  CHECK(h.store->deviceHolds().empty());
  REQUIRE(waitFor([&] { return idle(h) == 2; }));  // refilled, still holding nothing
  CHECK(h.store->deviceHolds().empty());
}

TEST_CASE("warm devices: six jobs on a pool of two, warm pool of two: one item per instance") {
  Harness h({warmBoard(4, 2)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero", "/dev/full"})};
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h) == 2; }));
  std::atomic<size_t> most_held{0};
  h.executor.on_start = [&](const std::string&) {
    most_held = std::max(most_held.load(), h.store->deviceHolds().size());
    return StepResult{};
  };
  for (uint64_t id = 1; id <= 6; ++id) h.dispatcher->handle(h.github.queue(id, {"board"}));
  REQUIRE(h.serveJobs());
  const auto served = h.github.served();
  REQUIRE(served.size() == 6);
  for (const auto& [id, times] : served) CHECK(times == 1);
  CHECK(h.executor.deviceConflicts() == 0);
  CHECK(most_held.load() <= 2);
  CHECK(h.store->deviceHolds().empty());
}

TEST_CASE("warm devices: a failed hot-plug frees the item and the job is served again") {
  Harness h({warmBoard(2, 1)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero"})};
  h.config.dispatcher.retry_backoff_s = 0;
  std::atomic<int> attaches{0};
  h.executor.on_attach = [&](const std::string&, const std::string&) {
    StepResult r;
    if (attaches++ == 0) {
      r.status = LXDR_ERR_TRANSIENT;
      r.error = "fake: device busy";
    }
    return r;
  };
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return idle(h) == 1; }));
  h.dispatcher->handle(h.github.queue(1, {"board"}));
  REQUIRE(h.serveJobs());
  CHECK(h.github.served().at(1) == 1);
  CHECK(attaches.load() >= 1);
  CHECK(h.store->get(1)->attempts == 2);
  CHECK(h.store->log(1).find("attach device failed: fake: device busy") != std::string::npos);
  CHECK(h.store->deviceHolds().empty());
  CHECK(h.executor.deviceConflicts() == 0);
}

TEST_CASE("warm devices: an item LXD cannot hot-plug keeps the entry cold") {
  auto e = warmBoard(2, 2);
  e.type = config::InstanceType::VirtualMachine;  // unix-char devices are for containers
  Harness h({e});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero"})};
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, {"board"}));
  REQUIRE(h.serveAll());
  CHECK_FALSE(h.store->get(1)->served_warm);
  CHECK(h.executor.prepares() == 0);  // no warm instance was made
  CHECK(h.store->warmInstances().empty());
  const auto pools = h.dispatcher->warmPools();
  REQUIRE(pools.size() == 1);
  CHECK_FALSE(pools[0].served);  // `lxdrunner status` says cold only
}

}  // namespace
}  // namespace lxdrunner::dispatch::test
