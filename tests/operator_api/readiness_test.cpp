// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

#include "observability/readiness.hpp"

namespace lxdrunner::observability {
namespace {

using namespace std::chrono_literals;

TEST_CASE("readiness: one line per check, 'ok' or 'fail: reason'; not ready when any fails") {
  Readiness r;
  r.add(
      "store", [] { return std::optional<std::string>(); }, 0ms);
  r.add(
      "github", [] { return std::optional<std::string>("HTTP 401\nsecond line"); }, 0ms);
  r.add(
      "lxd", []() -> std::optional<std::string> { throw std::runtime_error("socket gone"); }, 0ms);
  const auto report = r.evaluate();
  CHECK_FALSE(report.ready);
  CHECK(report.body == "store ok\ngithub fail: HTTP 401 second line\nlxd fail: socket gone\n");
}

TEST_CASE("readiness: remote checks are cached for their period") {
  auto now = std::chrono::steady_clock::time_point(1000s);
  Readiness r([&] { return now; });
  int asked = 0;
  r.add(
      "github",
      [&] {
        ++asked;
        return std::optional<std::string>();
      },
      30s);
  CHECK(r.evaluate().ready);
  now += 29s;
  CHECK(r.evaluate().ready);
  CHECK(asked == 1);
  now += 1s;
  CHECK(r.evaluate().body == "github ok\n");
  CHECK(asked == 2);
}

TEST_CASE("readiness: checks run at once, so a probe costs the slowest, not the sum") {
  // Each check waits for the other to have started: asked one after the other, the first
  // would give up after 5 s and report that the second never started.
  Readiness r({}, 20s);
  std::promise<void> a_started;
  std::promise<void> b_started;
  auto a_seen = b_started.get_future().share();
  auto b_seen = a_started.get_future().share();
  r.add(
      "a",
      [&]() -> std::optional<std::string> {
        a_started.set_value();
        if (a_seen.wait_for(5s) != std::future_status::ready) return std::string("b not asked");
        return std::nullopt;
      },
      0ms);
  r.add(
      "b",
      [&]() -> std::optional<std::string> {
        b_started.set_value();
        if (b_seen.wait_for(5s) != std::future_status::ready) return std::string("a not asked");
        return std::nullopt;
      },
      0ms);
  const auto report = r.evaluate();
  CHECK(report.body == "a ok\nb ok\n");
}

TEST_CASE("readiness: a check slower than the wait reports no answer, then its own") {
  Readiness r({}, 50ms);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> asked{0};
  r.add(
      "github",
      [&]() -> std::optional<std::string> {
        ++asked;
        released.wait();
        return std::string("HTTP 503");
      },
      30s);
  auto first = r.evaluate();
  CHECK_FALSE(first.ready);
  CHECK(first.body == "github fail: no answer yet (the check is still running)\n");
  CHECK_FALSE(r.evaluate().ready);  // a probe meanwhile shares the call in flight
  release.set_value();
  Readiness::Report later;
  for (int i = 0; i < 500 && later.body != "github fail: HTTP 503\n"; ++i) {
    later = r.evaluate();
    std::this_thread::sleep_for(10ms);
  }
  CHECK(later.body == "github fail: HTTP 503\n");
  CHECK(asked == 1);
}

}  // namespace
}  // namespace lxdrunner::observability
