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
