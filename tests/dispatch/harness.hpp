// SPDX-License-Identifier: Apache-2.0
// A dispatcher over a temporary job store, the fake LXD and the fake GitHub, with a clock the
// test can move.
#pragma once

#include <atomic>
#include <memory>

#include "../unit/job_store/temp_db.hpp"
#include "dispatch/dispatcher.hpp"
#include "dispatch/reconciler.hpp"
#include "fake_cloud.hpp"

namespace lxdrunner::dispatch::test {

inline config::RunnerEntry makeEntry(const std::string& name, std::vector<std::string> labels,
                                     int max_workers) {
  config::RunnerEntry e;
  e.name = name;
  e.labels = std::move(labels);
  e.max_workers = max_workers;
  e.backend = "fake-backend";
  e.provisioner = "fake-provisioner";
  return e;
}

struct Harness {
  jobs::test::TempDb db;
  config::Config config;
  std::unique_ptr<jobs::JobStore> store;
  FakeGithub github;
  FakeExecutor executor;
  std::atomic<int64_t> clock_offset_ms{0};  // added to the wall clock
  std::unique_ptr<Dispatcher> dispatcher;
  std::unique_ptr<Reconciler> reconciler;

  explicit Harness(std::vector<config::RunnerEntry> entries, int global_max = 100) {
    config.prefix = "lxdrunner";
    config.max_workers = global_max;
    config.runnermap = std::move(entries);
    config.dispatcher.launch_concurrency = 4;
    config.dispatcher.retry_backoff_s = 0;
    open();
  }
  // (Re)creates store, dispatcher and reconciler on the same database: a restart.
  void open() {
    reconciler.reset();
    dispatcher.reset();
    store = std::make_unique<jobs::JobStore>(db.path());
    executor.github = &github;
    dispatcher = std::make_unique<Dispatcher>(config, *store, executor, &github,
                                              [this] { return wallMs() + clock_offset_ms.load(); });
    github.dispatcher = dispatcher.get();
    reconciler = std::make_unique<Reconciler>(config, *store, executor, &github, *dispatcher);
  }
  void advanceSeconds(int s) { clock_offset_ms += int64_t{1000} * s; }

  // Plays GitHub until every job is completed and every instance is gone, in LXD and in the
  // store.
  bool serveAll() {
    return waitFor([&] {
      github.assign();
      github.completeRunning();
      // The store hears of a removal after LXD (the clean-up marks it gone last).
      return github.allCompleted() && executor.liveCount() == 0 &&
             dispatcher->launchesInFlight() == 0 && store->liveInstances().empty();
    });
  }
  // Plays GitHub until every job is completed and no job's instance is left; warm
  // instances stay.
  bool serveJobs() {
    return waitFor([&] {
      github.assign();
      github.completeRunning();
      return github.allCompleted() && dispatcher->launchesInFlight() == 0 &&
             store->liveInstances().empty();
    });
  }
  jobs::JobState state(uint64_t id) const { return store->get(id)->state; }
};

}  // namespace lxdrunner::dispatch::test
