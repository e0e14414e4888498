// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <thread>

#include "events/inbox.hpp"

using lxdrunner::events::Inbox;
using lxdrunner::events::InboxEvent;

namespace {
InboxEvent job(uint64_t id) {
  InboxEvent e;
  e.source = "test";
  e.event.job_id = id;
  return e;
}
}  // namespace

TEST_CASE("the inbox is FIFO and bounded", "[inbox]") {
  Inbox inbox(2);
  CHECK(inbox.push(job(1)));
  CHECK(inbox.push(job(2)));
  CHECK_FALSE(inbox.push(job(3)));  // full: refused, never blocks
  CHECK(inbox.size() == 2);
  CHECK(inbox.pop(std::chrono::milliseconds(0))->event.job_id == 1);
  CHECK(inbox.pop(std::chrono::milliseconds(0))->event.job_id == 2);
  CHECK_FALSE(inbox.pop(std::chrono::milliseconds(1)).has_value());
}

TEST_CASE("closing wakes a waiting consumer and refuses new events", "[inbox]") {
  Inbox inbox;
  std::thread consumer([&] { CHECK_FALSE(inbox.pop(std::chrono::seconds(30)).has_value()); });
  inbox.close();
  consumer.join();
  CHECK_FALSE(inbox.push(job(1)));
}

TEST_CASE("events pushed from several threads all arrive once", "[inbox]") {
  Inbox inbox;
  constexpr int kThreads = 4;
  constexpr int kEach = 500;
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) inbox.push(job(static_cast<uint64_t>(t * kEach + i + 1)));
    });
  }
  std::vector<bool> seen(kThreads * kEach + 1, false);
  for (int n = 0; n < kThreads * kEach; ++n) {
    auto e = inbox.pop(std::chrono::seconds(5));
    REQUIRE(e.has_value());
    CHECK_FALSE(seen[e->event.job_id]);
    seen[e->event.job_id] = true;
  }
  for (auto& p : producers) p.join();
  CHECK(inbox.size() == 0);
}

TEST_CASE("deliver waits until the consumer settles the event", "[inbox]") {
  using lxdrunner::events::DeliveryOutcome;
  Inbox inbox;
  SECTION("recorded") {
    std::thread consumer([&] {
      auto item = inbox.pop(std::chrono::seconds(30));
      REQUIRE(item.has_value());
      CHECK(item->event.job_id == 7);
      item->settle(true);
      item->settle(false, "too late");  // the first outcome stands
    });
    const auto r = inbox.deliver(job(7), std::chrono::seconds(30));
    consumer.join();
    CHECK(r.outcome == DeliveryOutcome::kRecorded);
  }
  SECTION("the store failed: the error comes back") {
    std::thread consumer([&] {
      auto item = inbox.pop(std::chrono::seconds(30));
      REQUIRE(item.has_value());
      item->settle(false, "database or disk is full");
    });
    const auto r = inbox.deliver(job(8), std::chrono::seconds(30));
    consumer.join();
    CHECK(r.outcome == DeliveryOutcome::kFailed);
    CHECK(r.error == "database or disk is full");
  }
  SECTION("nobody consumes: timed out, and the event is still there to record") {
    const auto r = inbox.deliver(job(9), std::chrono::milliseconds(10));
    CHECK(r.outcome == DeliveryOutcome::kTimedOut);
    CHECK(inbox.size() == 1);
    inbox.pop(std::chrono::milliseconds(0))->settle(true);  // nobody waits any more: harmless
  }
  SECTION("closed: refused at once") {
    inbox.close();
    CHECK(inbox.deliver(job(10), std::chrono::seconds(30)).outcome == DeliveryOutcome::kRefused);
  }
}

TEST_CASE("settling a pushed event (nobody waits) does nothing", "[inbox]") {
  Inbox inbox;
  REQUIRE(inbox.push(job(1)));
  auto item = inbox.pop(std::chrono::milliseconds(0));
  REQUIRE(item.has_value());
  item->settle(true);
  item->settle(false, "x");
  CHECK(inbox.size() == 0);
}
