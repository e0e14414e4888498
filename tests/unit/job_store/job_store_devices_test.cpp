// SPDX-License-Identifier: Apache-2.0
// Device-pool holds: written with the launch, exclusive per item, freed with the instance.
#include <catch2/catch.hpp>

#include "jobs/job_store.hpp"
#include "temp_db.hpp"

using namespace lxdrunner::jobs;

namespace {

DeviceHold hold(std::string item, std::string pool = "ttys") {
  DeviceHold h;
  h.pool = std::move(pool);
  h.remote = "main";
  h.item = std::move(item);
  h.device = "tty";
  return h;
}

TransitionFields launchFields(const std::string& instance) {
  TransitionFields fields;
  fields.instance = instance;
  fields.backend = "lxd-container";
  fields.attempts = 1;
  return fields;
}

}  // namespace

TEST_CASE("a launch holds its items in the same transaction as the move to launching") {
  test::TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(test::queuedEvent(1), "board", 1));
  REQUIRE(store.launchHolding(1, 5, launchFields("lxdr-1-1abcd"), {hold("source=/dev/zero")}));
  const auto job = store.get(1);
  REQUIRE(job);
  CHECK(job->state == JobState::Launching);
  CHECK(job->instance == "lxdr-1-1abcd");
  const auto holds = store.deviceHolds();
  REQUIRE(holds.size() == 1);
  CHECK(holds[0].instance == "lxdr-1-1abcd");
  CHECK(holds[0].item == "source=/dev/zero");
  CHECK(holds[0].held_at == 5);
}

TEST_CASE("an item is held by one instance at most; a refused launch changes nothing") {
  test::TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(test::queuedEvent(1), "board", 1));
  REQUIRE(store.recordQueued(test::queuedEvent(2), "board", 1));
  REQUIRE(store.launchHolding(1, 5, launchFields("i-1"), {hold("source=/dev/zero")}));
  // Job 2 asks for a free item and the held one: neither is taken, and it stays queued.
  CHECK_FALSE(store.launchHolding(2, 6, launchFields("i-2"),
                                  {hold("source=/dev/full"), hold("source=/dev/zero")}));
  CHECK(store.get(2)->state == JobState::Queued);
  CHECK(store.get(2)->instance.empty());
  CHECK(store.deviceHolds().size() == 1);
  // A job that is not queued takes nothing either.
  CHECK_FALSE(store.launchHolding(1, 7, launchFields("i-1b"), {hold("source=/dev/full")}));
  CHECK(store.deviceHolds().size() == 1);
}

TEST_CASE("the instance's removal frees its items") {
  test::TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(test::queuedEvent(1), "board", 1));
  REQUIRE(store.launchHolding(1, 5, launchFields("i-1"),
                              {hold("source=/dev/zero"), hold("pci=0000:41:00.0", "gpus")}));
  CHECK(store.deviceHolds().size() == 2);
  CHECK(store.markInstanceGone("i-1", 9));
  CHECK(store.deviceHolds().empty());
  // Free again for the next job.
  REQUIRE(store.recordQueued(test::queuedEvent(2), "board", 1));
  CHECK(store.launchHolding(2, 10, launchFields("i-2"), {hold("source=/dev/zero")}));
}

TEST_CASE("holds of instances nothing knows as live are released as stale") {
  test::TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(test::queuedEvent(1), "board", 1));
  REQUIRE(store.recordQueued(test::queuedEvent(2), "board", 1));
  REQUIRE(store.launchHolding(1, 5, launchFields("i-1"), {hold("source=/dev/zero")}));
  REQUIRE(store.launchHolding(2, 5, launchFields("i-2"), {hold("source=/dev/full")}));
  // i-2's job record moves to another instance without i-2 being marked gone (as a
  // requeue after a crash can): its hold has no live holder.
  REQUIRE(store.transition(2, JobState::Launching, JobState::Queued, 6));
  REQUIRE(store.transition(2, JobState::Queued, JobState::Launching, 7, launchFields("i-2b")));
  const auto stale = store.releaseStaleHolds();
  REQUIRE(stale.size() == 1);
  CHECK(stale[0].instance == "i-2");
  const auto holds = store.deviceHolds();
  REQUIRE(holds.size() == 1);
  CHECK(holds[0].instance == "i-1");
  CHECK(store.releaseHolds("i-1") == 1);
  CHECK(store.deviceHolds().empty());
}

namespace {

// An idle warm instance of entry "board" on `remote`.
void addIdleWarm(JobStore& store, const std::string& name, const std::string& remote,
                 int64_t ready_at) {
  WarmRecord w;
  w.name = name;
  w.entry = "board";
  w.backend = "lxd-container";
  w.created_at = ready_at - 1;
  store.addWarm(w);
  REQUIRE(store.setWarmState(name, WarmState::Launching, WarmState::Preparing, ready_at - 1, remote,
                             ""));
  REQUIRE(store.setWarmState(name, WarmState::Preparing, WarmState::Idle, ready_at));
}

}  // namespace

TEST_CASE("a warm claim holds the items of the claimed instance's remote in one transaction") {
  test::TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(test::queuedEvent(1), "board", 1));
  REQUIRE(store.recordQueued(test::queuedEvent(2), "board", 1));
  addIdleWarm(store, "w-main", "main", 10);  // longest idle, but no free item there
  addIdleWarm(store, "w-lab", "lab", 20);
  auto lab_item = hold("source=/dev/zero");
  lab_item.remote = "lab";
  const std::map<std::string, std::vector<DeviceHold>> free_on{{"lab", {lab_item}}};
  const auto claimed = store.claimWarm(1, "board", 30, &free_on);
  REQUIRE(claimed);
  CHECK(claimed->name == "w-lab");
  const auto holds = store.deviceHolds();
  REQUIRE(holds.size() == 1);
  CHECK(holds[0].instance == "w-lab");
  CHECK(holds[0].remote == "lab");
  CHECK(holds[0].held_at == 30);
  CHECK(store.get(1)->instance == "w-lab");
  // The same item again: refused, and nothing changes (job 2 queued, w-main idle).
  const std::map<std::string, std::vector<DeviceHold>> taken{{"main", {lab_item}}};
  CHECK_FALSE(store.claimWarm(2, "board", 31, &taken));
  CHECK(store.get(2)->state == JobState::Queued);
  CHECK(store.countWarm("board", WarmState::Idle) == 1);
  CHECK(store.deviceHolds().size() == 1);
  // No remote with free items: nothing is claimed.
  const std::map<std::string, std::vector<DeviceHold>> none;
  CHECK_FALSE(store.claimWarm(2, "board", 32, &none));
  CHECK(store.countWarm("board", WarmState::Idle) == 1);
}

TEST_CASE("a hold found in LXD is recorded unless its item is held already") {
  test::TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(test::queuedEvent(1), "board", 1));
  REQUIRE(store.launchHolding(1, 5, launchFields("i-1"), {hold("source=/dev/zero")}));
  auto found = hold("source=/dev/full");
  found.instance = "i-9";
  found.held_at = 8;
  CHECK(store.recordHold(found));
  // Held now: a launch does not get it, and recording it again changes nothing.
  REQUIRE(store.recordQueued(test::queuedEvent(2), "board", 1));
  CHECK_FALSE(store.launchHolding(2, 9, launchFields("i-2"), {hold("source=/dev/full")}));
  CHECK_FALSE(store.recordHold(found));
  // An item another instance holds keeps its holder.
  auto taken = hold("source=/dev/zero");
  taken.instance = "i-9";
  CHECK_FALSE(store.recordHold(taken));
  // No instance: nothing to hold it.
  auto nobody = hold("source=/dev/null");
  CHECK_FALSE(store.recordHold(nobody));
  const auto holds = store.deviceHolds();
  REQUIRE(holds.size() == 2);
  CHECK(holds[0].item == "source=/dev/full");
  CHECK(holds[0].instance == "i-9");
  CHECK(holds[0].held_at == 8);
  CHECK(holds[1].item == "source=/dev/zero");
  CHECK(holds[1].instance == "i-1");
  // Freed with its instance like any other hold.
  CHECK(store.releaseHolds("i-9") == 1);
}

TEST_CASE("an instance's holds are released if stale, never a live job instance's") {
  test::TempDb db;
  JobStore store(db.path());
  REQUIRE(store.recordQueued(test::queuedEvent(1), "board", 1));
  REQUIRE(store.launchHolding(1, 5, launchFields("i-1"), {hold("source=/dev/zero")}));
  auto orphan = hold("source=/dev/full");
  orphan.instance = "i-orphan";
  REQUIRE(store.recordHold(orphan));
  CHECK(store.releaseHoldsIfStale("i-1") == 0);  // job 1's live instance
  CHECK(store.releaseHoldsIfStale("i-orphan") == 1);
  const auto holds = store.deviceHolds();
  REQUIRE(holds.size() == 1);
  CHECK(holds[0].instance == "i-1");
}
