// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "observability/daemon_metrics.hpp"

namespace lxdrunner::observability {
namespace {

using dispatch::test::Harness;
using dispatch::test::makeEntry;

const std::vector<std::string> kLinux{"self-hosted", "linux"};

TEST_CASE("daemon metrics: jobs, queues, instances, phases and dispatcher counters") {
  Harness h({makeEntry("linux", kLinux, 5), makeEntry("idle \"entry\"", {"gpu"}, 1)});
  std::atomic<uint64_t> unwanted{4};
  DaemonMetricSources sources;
  sources.config = &h.config;
  sources.store = h.store.get();
  sources.dispatcher = h.dispatcher.get();
  sources.unwanted_events = &unwanted;
  sources.jit_prefetch = [] { return JitPrefetchCounts{7, 2, 1}; };
  sources.version = "1.2.3";
  sources.started_at_ms = dispatch::test::wallMs() - 1000;
  DaemonMetrics metrics(sources);
  h.dispatcher->start();
  for (uint64_t id = 1; id <= 3; ++id) h.dispatcher->handle(h.github.queue(id, kLinux));
  // Every job running before GitHub hands any out: a job that ends while still provisioning
  // (fast jobs may) has no provisioning_to_running phase, and the counts below expect three.
  REQUIRE(dispatch::test::waitFor([&] {
    return h.state(1) == jobs::JobState::Running && h.state(2) == jobs::JobState::Running &&
           h.state(3) == jobs::JobState::Running;
  }));
  REQUIRE(h.serveAll());
  h.dispatcher->drain("linux");
  h.dispatcher->handle(h.github.queue(4, kLinux));

  const std::string text = metrics.render();
  INFO(text);
  for (const auto& line : {
           "lxdrunner_build_info{version=\"1.2.3\"} 1\n",
           "# TYPE lxdrunner_jobs gauge\n",
           "lxdrunner_jobs{state=\"completed\"} 3\n",
           "lxdrunner_jobs{state=\"queued\"} 1\n",
           "lxdrunner_jobs{state=\"failed\"} 0\n",
           "lxdrunner_queue_length{entry=\"linux\"} 1\n",
           "lxdrunner_queue_length{entry=\"idle \\\"entry\\\"\"} 0\n",
           "lxdrunner_entry_drained{entry=\"linux\"} 1\n",
           "lxdrunner_entry_max_workers{entry=\"linux\"} 5\n",
           "# TYPE lxdrunner_job_phase_seconds histogram\n",
           "lxdrunner_job_phase_seconds_count{phase=\"queued_to_finished\"} 3\n",
           "lxdrunner_job_phase_seconds_bucket{phase=\"provisioning_to_running\",le=\"+Inf\"} 3\n",
           "lxdrunner_dispatcher_launches_succeeded_total 3\n",
           "lxdrunner_dispatcher_launches_in_flight 0\n",
           "lxdrunner_job_events_total{result=\"unwanted\"} 4\n",
           "lxdrunner_errors_total{kind=\"launch_failure\"} 0\n",
           "lxdrunner_jit_prefetch_total{result=\"hit\"} 7\n",
           "lxdrunner_jit_prefetch_total{result=\"miss\"} 2\n",
           "lxdrunner_jit_prefetch_total{result=\"wasted\"} 1\n",
       }) {
    CHECK_THAT(text, Catch::Contains(line));
  }
  // No GitHub client, no HTTP server: their series are left out, not zero.
  CHECK_THAT(text, !Catch::Contains("lxdrunner_github_"));
  CHECK_THAT(text, !Catch::Contains("lxdrunner_http_requests_total"));
  // Every instance was removed after its job: the gauge has no series left.
  CHECK_THAT(text, !Catch::Contains("lxdrunner_instances{"));
  // A second scrape counts no job twice.
  CHECK_THAT(
      metrics.render(),
      Catch::Contains("lxdrunner_job_phase_seconds_count{phase=\"queued_to_finished\"} 3\n"));
}

TEST_CASE("daemon metrics: live instances per backend and remote") {
  Harness h({makeEntry("linux", kLinux, 5)});
  DaemonMetricSources sources;
  sources.config = &h.config;
  sources.store = h.store.get();
  sources.dispatcher = h.dispatcher.get();
  DaemonMetrics metrics(sources);
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, kLinux));
  h.dispatcher->handle(h.github.queue(2, kLinux));
  REQUIRE(dispatch::test::waitFor([&] { return h.store->countSlotsAll() == 2; }));
  REQUIRE(dispatch::test::waitFor([&] { return h.dispatcher->launchesInFlight() == 0; }));
  CHECK_THAT(metrics.render(),
             Catch::Contains("lxdrunner_instances{backend=\"fake-backend\",remote=\"main\"} 2\n"));
}

TEST_CASE("daemon metrics: device pool items by state") {
  auto entry = makeEntry("board", {"board"}, 4);
  entry.device_pools = {{"tty", "ttys"}};
  Harness h({entry});
  config::DevicePool pool;
  pool.name = "ttys";
  pool.type = config::DevicePoolType::UnixChar;
  for (const char* source : {"/dev/zero", "/dev/full", "/dev/null"}) {
    config::DevicePoolItem item;
    item.settings = {{"source", source}};
    pool.items.push_back(item);
  }
  h.config.device_pools = {pool};
  DaemonMetricSources sources;
  sources.config = &h.config;
  sources.store = h.store.get();
  DaemonMetrics metrics(sources);
  CHECK_THAT(metrics.render(),
             Catch::Contains("lxdrunner_device_pool_items{pool=\"ttys\",state=\"free\"} 3\n"));
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(1, {"board"}));
  REQUIRE(dispatch::test::waitFor([&] { return h.store->countSlotsAll() == 1; }));
  const std::string text = metrics.render();
  CHECK_THAT(text,
             Catch::Contains("lxdrunner_device_pool_items{pool=\"ttys\",state=\"free\"} 2\n"));
  CHECK_THAT(text,
             Catch::Contains("lxdrunner_device_pool_items{pool=\"ttys\",state=\"held\"} 1\n"));
}

}  // namespace
}  // namespace lxdrunner::observability
