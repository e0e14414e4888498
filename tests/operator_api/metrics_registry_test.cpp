// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <future>
#include <limits>
#include <thread>

#include "observability/metrics_registry.hpp"

namespace lxdrunner::observability {
namespace {

TEST_CASE("counters and gauges render as text format 0.0.4, families in registration order") {
  MetricsRegistry r;
  r.counter("app_requests_total", "Requests served", {{"code", "200"}}).inc(3);
  r.counter("app_requests_total", "ignored: the first help wins", {{"code", "500"}}).inc();
  r.gauge("app_temperature", "Degrees").set(-1.5);
  CHECK(r.render() ==
        "# HELP app_requests_total Requests served\n"
        "# TYPE app_requests_total counter\n"
        "app_requests_total{code=\"200\"} 3\n"
        "app_requests_total{code=\"500\"} 1\n"
        "# HELP app_temperature Degrees\n"
        "# TYPE app_temperature gauge\n"
        "app_temperature -1.5\n");
}

TEST_CASE("label values and help text are escaped") {
  MetricsRegistry r;
  r.gauge("odd", "a \\ backslash\nand a newline", {{"v", "say \"hi\"\\\n"}}).set(1);
  CHECK(r.render() ==
        "# HELP odd a \\\\ backslash\\nand a newline\n"
        "# TYPE odd gauge\n"
        "odd{v=\"say \\\"hi\\\"\\\\\\n\"} 1\n");
}

TEST_CASE("histograms have cumulative buckets, +Inf, _sum and _count") {
  MetricsRegistry r;
  auto& h = r.histogram("lat_seconds", "Latency", {0.1, 1, 10}, {{"phase", "x"}});
  h.observe(0.0625);
  h.observe(0.5);
  h.observe(1);  // on a bound: counted in that bucket (le is "less or equal")
  h.observe(5);
  h.observe(100);
  CHECK(r.render() ==
        "# HELP lat_seconds Latency\n"
        "# TYPE lat_seconds histogram\n"
        "lat_seconds_bucket{phase=\"x\",le=\"0.1\"} 1\n"
        "lat_seconds_bucket{phase=\"x\",le=\"1\"} 3\n"
        "lat_seconds_bucket{phase=\"x\",le=\"10\"} 4\n"
        "lat_seconds_bucket{phase=\"x\",le=\"+Inf\"} 5\n"
        "lat_seconds_sum{phase=\"x\"} 106.5625\n"
        "lat_seconds_count{phase=\"x\"} 5\n");
}

TEST_CASE("values use the shortest exact form and Prometheus' spellings of specials") {
  CHECK(formatValue(0) == "0");
  CHECK(formatValue(42) == "42");
  CHECK(formatValue(0.1) == "0.1");
  CHECK(formatValue(1e21) == "1e+21");
  CHECK(formatValue(18446744073709551615.0) == "1.8446744073709552e+19");
  CHECK(formatValue(std::numeric_limits<double>::infinity()) == "+Inf");
  CHECK(formatValue(-std::numeric_limits<double>::infinity()) == "-Inf");
  CHECK(formatValue(std::nan("")) == "NaN");
}

TEST_CASE("collectors run before each render and cleared gauges disappear") {
  MetricsRegistry r;
  int round = 0;
  r.addCollector([&](MetricsRegistry& reg) {
    ++round;
    reg.clearGauges("things");
    reg.gauge("things", "Things", {{"where", round == 1 ? "a" : "b"}}).set(round);
  });
  CHECK(r.render() == "# HELP things Things\n# TYPE things gauge\nthings{where=\"a\"} 1\n");
  CHECK(r.render() == "# HELP things Things\n# TYPE things gauge\nthings{where=\"b\"} 2\n");
}

TEST_CASE("bad names, reserved labels and type clashes are refused") {
  MetricsRegistry r;
  CHECK_THROWS_AS(r.counter("1abc", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("a-b", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("ok", "x", {{"__reserved", "v"}}), std::invalid_argument);
  CHECK_THROWS_AS(r.histogram("h", "x", {1}, {{"le", "v"}}), std::invalid_argument);
  r.counter("taken", "x");
  CHECK_THROWS_AS(r.gauge("taken", "x"), std::invalid_argument);
  CHECK_THROWS_AS(r.counter("c", "x").inc(-1), std::invalid_argument);
  CHECK_THROWS_AS(Histogram({1, 1}), std::invalid_argument);
  CHECK_NOTHROW(r.counter("ns:sub_total", "colons are allowed in metric names"));
}

TEST_CASE("renderLabels writes nothing for no labels") {
  CHECK(renderLabels({}).empty());
  CHECK(renderLabels({{"a", "1"}, {"b", "2"}}) == "{a=\"1\",b=\"2\"}");
}

TEST_CASE("scrapes during a render share it: the collectors run once for all of them") {
  MetricsRegistry r;
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> collected{0};
  r.addCollector([&](MetricsRegistry& reg) {
    ++collected;
    released.wait();  // a job store busy with the dispatcher
    reg.gauge("lxdrunner_x", "x").set(collected.load());
  });
  auto first = std::async(std::launch::async, [&] { return r.render(); });
  while (collected == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::vector<std::future<std::string>> joined;
  for (int i = 0; i < 8; ++i)
    joined.push_back(std::async(std::launch::async, [&] { return r.render(); }));
  while (r.scrapesWaiting() < 8) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  release.set_value();
  const std::string text = first.get();
  for (auto& j : joined) CHECK(j.get().find("lxdrunner_x 1") != std::string::npos);
  CHECK(text.find("lxdrunner_x 1") != std::string::npos);
  CHECK(collected == 1);
}

}  // namespace
}  // namespace lxdrunner::observability
