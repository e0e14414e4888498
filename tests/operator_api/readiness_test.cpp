// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <stdexcept>

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

}  // namespace
}  // namespace lxdrunner::observability
