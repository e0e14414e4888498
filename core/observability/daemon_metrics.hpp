// SPDX-License-Identifier: Apache-2.0
// The daemon's /metrics: which series exist and where each number comes from. Everything is
// read at scrape time from the component that owns it (job store, dispatcher counters, GitHub
// client stats, host services, HTTP server), so a scrape never disagrees with the operator API.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "config/model.hpp"
#include "dispatch/dispatcher.hpp"
#include "github/github_client.hpp"
#include "http/http_server.hpp"
#include "jobs/job_store.hpp"
#include "observability/job_phases.hpp"
#include "observability/metrics_registry.hpp"

namespace lxdrunner::observability {

// The JIT prefetch's counts (daemon/credential_prefetch.hpp).
struct JitPrefetchCounts {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t wasted = 0;
};

// One counter a plugin keeps through the counter_add host service.
struct PluginEventCount {
  std::string plugin;
  std::string event;
  uint64_t value = 0;
};

// Null pointers (and empty functions) leave their series out (tests, a daemon without GitHub).
struct DaemonMetricSources {
  const config::Config* config = nullptr;
  const jobs::JobStore* store = nullptr;
  const dispatch::Dispatcher* dispatcher = nullptr;
  const github::GithubClient::Stats* github = nullptr;
  const std::atomic<uint64_t>* unwanted_events = nullptr;  // HostServices::unwanted_events
  const http::HttpServer* http = nullptr;
  std::function<JitPrefetchCounts()> jit_prefetch;
  std::function<std::vector<PluginEventCount>()> plugin_events;
  std::string version;
  int64_t started_at_ms = 0;  // Unix ms; also where the phase histograms start counting
};

class DaemonMetrics {
 public:
  explicit DaemonMetrics(DaemonMetricSources sources);
  DaemonMetrics(const DaemonMetrics&) = delete;
  DaemonMetrics& operator=(const DaemonMetrics&) = delete;

  // The whole exposition, collected now.
  std::string render() { return registry_.render(); }
  MetricsRegistry& registry() noexcept { return registry_; }

 private:
  void collect(MetricsRegistry& r);
  void collectJobs(MetricsRegistry& r);
  void collectDispatcher(MetricsRegistry& r);
  void collectGithub(MetricsRegistry& r);
  void collectHttp(MetricsRegistry& r);

  DaemonMetricSources sources_;
  MetricsRegistry registry_;
  std::unique_ptr<JobPhaseRecorder> phases_;
};

}  // namespace lxdrunner::observability
