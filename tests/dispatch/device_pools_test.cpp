// SPDX-License-Identifier: Apache-2.0
// Device pools against the in-memory cloud: each instance holds one free item of each pool
// of its entry, exclusively; jobs wait in order for an item without holding up other
// entries; items are freed with their instance, and after a restart.
#include <catch2/catch.hpp>
#include <map>
#include <mutex>

#include "device_pool_fixtures.hpp"
#include "dispatch/device_pools.hpp"

namespace lxdrunner::dispatch::test {
namespace {

using jobs::JobState;

// What an instance of boardEntry holding the ttys item `source` has as its devices
// (withHeldDevices): how LXD lists it.
std::map<std::string, std::map<std::string, std::string>> boardDevices(const std::string& source) {
  return {{"tty", {{"type", "unix-char"}, {"source", source}, {"path", "/dev/board"}}}};
}

// Job `id` of entry "board" running on `instance` (with `holds` in the store), and the
// instance in LXD with `devices`, created `age_s` ago: what a run before a restart left.
void leaveRunning(Harness& h, uint64_t id, const std::string& instance,
                  std::vector<jobs::DeviceHold> holds, int age_s,
                  std::map<std::string, std::map<std::string, std::string>> devices) {
  h.github.queue(id, {"board"});
  sdk::JobEvent e;
  e.job_id = id;
  e.repository = "octo/repo";
  e.labels = {"board"};
  REQUIRE(h.store->recordQueued(e, "board", 1));
  jobs::TransitionFields f;
  f.instance = instance;
  f.backend = "fake-backend";
  f.attempts = 1;
  REQUIRE(h.store->launchHolding(id, 2, f, std::move(holds)));
  REQUIRE(h.store->transition(id, JobState::Launching, JobState::Provisioning, 3));
  REQUIRE(h.store->transition(id, JobState::Provisioning, JobState::Running, 4));
  h.executor.addInstance(instance, "board", id, wallMs() - int64_t{1000} * age_s,
                         std::move(devices));
}

// The ttys source the live instance of job `id` was launched with.
std::string ttySource(const Harness& h, uint64_t id) {
  const auto devices = h.executor.devicesOf(h.store->get(id)->instance);
  const auto tty = devices.find("tty");
  if (tty == devices.end() || tty->second.count("source") == 0) return "";
  return tty->second.at("source");
}

TEST_CASE("six jobs on a pool of two: two instances at most, each with its own item") {
  Harness h({boardEntry("board", {"board"}, 4)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero", "/dev/full"})};
  h.dispatcher->start();
  for (uint64_t id = 1; id <= 6; ++id) h.dispatcher->handle(h.github.queue(id, {"board"}));
  REQUIRE(h.serveAll());
  CHECK(h.executor.maxLive() == 2);  // max_workers 4, but only two items
  CHECK(h.executor.deviceConflicts() == 0);
  const auto served = h.github.served();
  REQUIRE(served.size() == 6);
  for (const auto& [id, times] : served) CHECK(times == 1);
  CHECK(h.store->deviceHolds().empty());
}

TEST_CASE("the instance gets its item as the entry's device, over the entry's own keys") {
  Harness h({boardEntry("board", {"board"}, 1)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero"})};
  h.executor.hold("board");  // keep the launch (and its hold) in place to look at it
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, {"board"}));
  // The hold is written with the move to launching, before the backend is called.
  REQUIRE(waitFor([&] { return h.state(1) == JobState::Launching; }));
  const auto holds = h.store->deviceHolds();
  REQUIRE(holds.size() == 1);
  CHECK(holds[0].pool == "ttys");
  CHECK(holds[0].item == "source=/dev/zero");
  CHECK(holds[0].device == "tty");
  CHECK(holds[0].instance == h.store->get(1)->instance);
  h.executor.release("board");
  REQUIRE(waitFor([&] { return h.state(1) == JobState::Running; }));
  const auto devices = h.executor.devicesOf(h.store->get(1)->instance);
  CHECK(devices.at("tty") == std::map<std::string, std::string>{{"type", "unix-char"},
                                                                {"source", "/dev/zero"},
                                                                {"path", "/dev/board"}});
  REQUIRE(h.serveAll());
  CHECK(h.store->deviceHolds().empty());
}

TEST_CASE("a job waiting for an item does not hold up another entry") {
  Harness h({boardEntry("board", {"board"}, 4), makeEntry("plain", {"plain"}, 4)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero"})};
  h.executor.hold("board");  // board's launch hangs, holding the only item
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, {"board"}));
  h.dispatcher->handle(h.github.queue(2, {"board"}));
  h.dispatcher->handle(h.github.queue(3, {"plain"}));
  REQUIRE(waitFor([&] { return h.state(3) == JobState::Running; }));
  CHECK(h.state(2) == JobState::Queued);  // waits for the item, not for max_workers
  CHECK(h.state(1) == JobState::Launching);
  h.executor.release("board");
  REQUIRE(h.serveAll());
  CHECK(h.github.served().size() == 3);
  CHECK(h.store->deviceHolds().empty());
}

TEST_CASE("entries sharing a pool get its item in the order their jobs came") {
  Harness h({boardEntry("a", {"a"}, 4), boardEntry("b", {"b"}, 4)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero"})};
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, {"a"}));
  h.dispatcher->handle(h.github.queue(2, {"b"}));
  h.dispatcher->handle(h.github.queue(3, {"a"}));
  h.dispatcher->handle(h.github.queue(4, {"b"}));
  REQUIRE(h.serveAll());
  CHECK(h.executor.launchedFor() == std::vector<uint64_t>{1, 2, 3, 4});
  CHECK(h.executor.maxLive() == 1);
  CHECK(h.executor.deviceConflicts() == 0);
}

TEST_CASE("a failed launch frees its item for the retry") {
  Harness h({boardEntry("board", {"board"}, 2)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero"})};
  std::atomic<int> failures{0};
  h.executor.on_launch = [&](const std::string&, const config::RunnerEntry&) {
    StepResult r;
    if (failures++ == 0) {
      r.status = LXDR_ERR_TRANSIENT;
      r.error = "fake: busy";
    }
    return r;
  };
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, {"board"}));
  REQUIRE(h.serveAll());
  CHECK(h.executor.launches() == 2);
  CHECK(h.github.served().at(1) == 1);
  CHECK(h.store->deviceHolds().empty());
}

TEST_CASE("an entry taking two devices of one pool gets two different items") {
  auto entry = makeEntry("pair", {"pair"}, 4);
  entry.device_pools = {{"tty0", "ttys"}, {"tty1", "ttys"}};
  Harness h({entry});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero", "/dev/full", "/dev/null"})};
  h.dispatcher->start();
  for (uint64_t id = 1; id <= 3; ++id) h.dispatcher->handle(h.github.queue(id, {"pair"}));
  REQUIRE(h.serveAll());
  CHECK(h.executor.maxLive() == 1);  // three items: one instance at a time
  CHECK(h.executor.deviceConflicts() == 0);
  CHECK(h.github.served().size() == 3);
}

TEST_CASE("an item on another remote launches the instance there") {
  auto entry = boardEntry("board", {"board"}, 2);
  entry.remotes = {"main", "lab"};
  config::Config config;
  config.device_pools = {ttyPool("ttys", {"/dev/zero"}, "lab")};
  const auto picked = pickDevices(config, entry, {});
  REQUIRE(picked);
  REQUIRE(picked->size() == 1);
  CHECK(picked->front().remote == "lab");
  const auto launch = withHeldDevices(config, entry, *picked);
  CHECK(launch.remotes == std::vector<std::string>{"lab"});
  // Held: nothing is free on any remote.
  auto held = *picked;
  held[0].instance = "x";
  CHECK_FALSE(pickDevices(config, entry, held));
  // Unavailable: skipped like a held one.
  CHECK_FALSE(pickDevices(config, entry, {}, {deviceItemKey("ttys", "lab", "source=/dev/zero")}));
}

TEST_CASE("an item whose host device is missing is skipped and reported") {
  Harness h({boardEntry("board", {"board"}, 4)});
  h.config.remotes = {{"main", "", config::RemoteProtocol::Lxd, false, {}}};  // this host: checked
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero", "/dev/lxdrunner-test-no-such-tty"})};
  h.dispatcher->start();
  for (uint64_t id = 1; id <= 3; ++id) h.dispatcher->handle(h.github.queue(id, {"board"}));
  REQUIRE(h.serveAll());
  CHECK(h.executor.maxLive() == 1);  // only /dev/zero was used
  CHECK(h.github.served().size() == 3);
  const auto unavailable = h.dispatcher->unavailableDevices();
  REQUIRE(unavailable.size() == 1);
  CHECK(unavailable.begin()->first == "ttys main source=/dev/lxdrunner-test-no-such-tty");
  CHECK(unavailable.begin()->second == "/dev/lxdrunner-test-no-such-tty does not exist");
  const auto status = deviceItemStatus(h.config, h.store->deviceHolds(), unavailable);
  REQUIRE(status.size() == 2);
  CHECK(status[0].state() == "free");
  CHECK(status[1].state() == "unavailable");
}

TEST_CASE("an item its remote's LXD reports missing is skipped until it is back") {
  auto entry = boardEntry("board", {"board"}, 4);
  entry.remotes = {"lab"};
  Harness h({entry});
  h.config.remotes = {
      {"main", "", config::RemoteProtocol::Lxd, false, {}},
      {"lab", "https://lab.example.com:8443", config::RemoteProtocol::Lxd, false, {}}};
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero", "/dev/full"}, "lab")};
  // What the daemon's prober would hand over: its last snapshot, read at each device check.
  std::mutex mu;
  std::map<std::string, std::string> reported{
      {"ttys lab source=/dev/full", "/dev/full is not on remote 'lab'"}};
  h.dispatcher->setRemoteDeviceSnapshot([&] {
    std::lock_guard<std::mutex> lock(mu);
    return reported;
  });
  h.dispatcher->start();
  for (uint64_t id = 1; id <= 3; ++id) h.dispatcher->handle(h.github.queue(id, {"board"}));
  REQUIRE(h.serveAll());
  CHECK(h.executor.maxLive() == 1);  // only /dev/zero was used
  CHECK(h.github.served().size() == 3);
  CHECK(h.dispatcher->unavailableDevices() == reported);

  // Back in the next snapshot: available at the next check (at most 10 s later).
  {
    std::lock_guard<std::mutex> lock(mu);
    reported.clear();
  }
  h.advanceSeconds(11);
  h.dispatcher->handle(h.github.queue(4, {"board"}));
  REQUIRE(h.serveAll());
  CHECK(h.dispatcher->unavailableDevices().empty());
}

TEST_CASE("recovery: a launch cut short frees its item; a hold nothing keeps is released") {
  Harness h({boardEntry("board", {"board"}, 4)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero", "/dev/full"})};
  // What a kill -9 leaves: job 1 launching (item held, instance half-made), and a hold of an
  // instance that job 2's record no longer names.
  h.github.queue(1, {"board"});
  h.github.queue(2, {"board"});
  jobs::DeviceHold zero{"ttys", "main", "source=/dev/zero", "tty", "", 0};
  jobs::DeviceHold full{"ttys", "main", "source=/dev/full", "tty", "", 0};
  sdk::JobEvent e1;
  e1.job_id = 1;
  e1.repository = "octo/repo";
  e1.labels = {"board"};
  auto e2 = e1;
  e2.job_id = 2;
  REQUIRE(h.store->recordQueued(e1, "board", 1));
  REQUIRE(h.store->recordQueued(e2, "board", 1));
  jobs::TransitionFields f1;
  f1.instance = "lxdrunner-1-1aaaa";
  f1.backend = "fake-backend";
  f1.attempts = 1;
  REQUIRE(h.store->launchHolding(1, 2, f1, {zero}));
  auto f2 = f1;
  f2.instance = "lxdrunner-2-1bbbb";
  REQUIRE(h.store->launchHolding(2, 2, f2, {full}));
  REQUIRE(h.store->transition(2, JobState::Launching, JobState::Queued, 3));
  f2.instance = "lxdrunner-2-2cccc";
  REQUIRE(h.store->transition(2, JobState::Queued, JobState::Launching, 4, f2));
  CHECK(heldItems(*h.store).size() == 2);

  const auto report = h.reconciler->recover();
  CHECK(report.holds_released == 1);   // lxdrunner-2-1bbbb's
  CHECK(heldItems(*h.store).empty());  // and lxdrunner-1-1aaaa's went with its instance
  CHECK(h.state(1) == JobState::Queued);
  CHECK(h.state(2) == JobState::Queued);
  h.dispatcher->start();
  REQUIRE(h.serveAll());
  CHECK(h.github.served().size() == 2);
  CHECK(h.executor.deviceConflicts() == 0);
  CHECK(h.store->deviceHolds().empty());
}

TEST_CASE("recovery: an item on two instances stays with the older; the younger is removed") {
  Harness h({boardEntry("board", {"board"}, 4)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero", "/dev/full"})};
  const jobs::DeviceHold zero{"ttys", "main", "source=/dev/zero", "tty", "", 0};
  // Job 2's instance has /dev/zero in LXD although the store gave it nothing (a lost hold).
  leaveRunning(h, 1, "lxdrunner-1-1aaaa", {zero}, 600, boardDevices("/dev/zero"));
  leaveRunning(h, 2, "lxdrunner-2-1bbbb", {}, 300, boardDevices("/dev/zero"));

  const auto report = h.reconciler->recoverStates();
  CHECK(report.items_shared == 1);
  CHECK(report.destroyed == 1);
  CHECK(h.executor.isLive("lxdrunner-1-1aaaa"));
  CHECK_FALSE(h.executor.isLive("lxdrunner-2-1bbbb"));
  CHECK(h.state(1) == JobState::Running);
  CHECK(h.state(2) == JobState::Queued);  // its runner never took it: served again
  CHECK(heldItems(*h.store) == std::vector<std::string>{"source=/dev/zero@lxdrunner-1-1aaaa"});
  // Served again with the free item, never the older instance's.
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return h.state(2) == JobState::Running; }));
  CHECK(ttySource(h, 2) == "/dev/full");
  CHECK(h.executor.deviceConflicts() == 0);
}

TEST_CASE("recovery: an item attached in LXD without a hold is held again") {
  Harness h({boardEntry("board", {"board"}, 4)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero", "/dev/full"})};
  leaveRunning(h, 1, "lxdrunner-1-1aaaa", {}, 600, boardDevices("/dev/zero"));
  sdk::JobEvent e2;
  e2.job_id = 2;
  e2.repository = "octo/repo";
  e2.labels = {"board"};
  h.github.queue(2, {"board"});
  REQUIRE(h.store->recordQueued(e2, "board", 1));

  const auto report = h.reconciler->recoverStates();
  CHECK(report.holds_rebuilt == 1);
  CHECK(report.destroyed == 0);
  CHECK(heldItems(*h.store) == std::vector<std::string>{"source=/dev/zero@lxdrunner-1-1aaaa"});
  const auto holds = h.store->deviceHolds();
  REQUIRE(holds.size() == 1);
  CHECK(holds[0].device == "tty");
  // The queued job of the entry gets the other item.
  h.dispatcher->start();
  REQUIRE(waitFor([&] { return h.state(2) == JobState::Running; }));
  CHECK(ttySource(h, 2) == "/dev/full");
  CHECK(h.executor.deviceConflicts() == 0);
  CHECK(h.executor.isLive("lxdrunner-1-1aaaa"));
}

TEST_CASE("recovery: a backend that does not list devices is not checked") {
  Harness h({boardEntry("board", {"board"}, 4)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero", "/dev/full"})};
  const jobs::DeviceHold zero{"ttys", "main", "source=/dev/zero", "tty", "", 0};
  leaveRunning(h, 1, "lxdrunner-1-1aaaa", {zero}, 600, boardDevices("/dev/zero"));
  leaveRunning(h, 2, "lxdrunner-2-1bbbb", {}, 300, boardDevices("/dev/zero"));
  leaveRunning(h, 3, "lxdrunner-3-1cccc", {}, 300, boardDevices("/dev/full"));
  h.executor.reports_devices = false;  // unknown, not "no devices"

  const auto report = h.reconciler->recoverStates();
  CHECK(report.items_shared == 0);
  CHECK(report.holds_rebuilt == 0);
  CHECK(report.destroyed == 0);
  CHECK(h.executor.liveCount() == 3);
  CHECK(heldItems(*h.store) == std::vector<std::string>{"source=/dev/zero@lxdrunner-1-1aaaa"});
  for (uint64_t id = 1; id <= 3; ++id) CHECK(h.state(id) == JobState::Running);
}

TEST_CASE("recovery: LXD not answering leaves the holds as the store has them") {
  Harness h({boardEntry("board", {"board"}, 4)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero", "/dev/full"})};
  leaveRunning(h, 1, "lxdrunner-1-1aaaa", {}, 600, boardDevices("/dev/zero"));
  leaveRunning(h, 2, "lxdrunner-2-1bbbb", {}, 300, boardDevices("/dev/zero"));
  h.executor.list_fails = true;

  const auto report = h.reconciler->recoverStates();
  CHECK(report.items_shared == 0);
  CHECK(report.holds_rebuilt == 0);
  CHECK(h.executor.liveCount() == 2);
  CHECK(h.store->deviceHolds().empty());
  REQUIRE_FALSE(report.errors.empty());
  CHECK_THAT(report.errors.back(), Catch::Contains("devices of the instances of fake-backend"));
}

TEST_CASE("recovery: a hold rebuilt for an instance no job owns goes once LXD has not got it") {
  Harness h({boardEntry("board", {"board"}, 4)});
  h.config.device_pools = {ttyPool("ttys", {"/dev/zero", "/dev/full"})};
  // A lost store: an instance of a previous run, still running, with /dev/zero.
  h.executor.addInstance("lxdrunner-7-1zzzz", "board", 7, wallMs() - 600000,
                         boardDevices("/dev/zero"));
  const auto report = h.reconciler->recoverStates();
  CHECK(report.holds_rebuilt == 1);
  CHECK(heldItems(*h.store) == std::vector<std::string>{"source=/dev/zero@lxdrunner-7-1zzzz"});
  // Still in LXD: the periodic pass keeps the hold.
  h.reconciler->reconcileOnce();
  CHECK(h.store->deviceHolds().size() == 1);
  // Its runner finished and the ephemeral instance went by itself.
  h.executor.destroy("fake-backend", "lxdrunner-7-1zzzz", "main", deadlineAfter(1));
  const auto pass = h.reconciler->reconcileOnce();
  CHECK(pass.holds_released == 1);
  CHECK(h.store->deviceHolds().empty());
}

}  // namespace
}  // namespace lxdrunner::dispatch::test
