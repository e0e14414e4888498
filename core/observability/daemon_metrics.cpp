// SPDX-License-Identifier: Apache-2.0
#include "observability/daemon_metrics.hpp"

#include <map>
#include <utility>

#include "dispatch/device_pools.hpp"

namespace lxdrunner::observability {
namespace {

constexpr jobs::JobState kAllStates[] = {
    jobs::JobState::Queued,    jobs::JobState::Launching, jobs::JobState::Provisioning,
    jobs::JobState::Running,   jobs::JobState::Completed, jobs::JobState::Failed,
    jobs::JobState::Cancelled,
};

constexpr const char* kEventsHelp =
    "Job events from every event source by what became of them: handled by the dispatcher, "
    "duplicate (a job already recorded), unwanted (no runnermap entry fits)";
constexpr const char* kErrorsHelp = "Failures by kind since start";

double asDouble(uint64_t n) {
  return static_cast<double>(n);
}

}  // namespace

DaemonMetrics::DaemonMetrics(DaemonMetricSources sources) : sources_(std::move(sources)) {
  registry_
      .gauge("lxdrunner_build_info", "Always 1; the version is in the label",
             {{"version", sources_.version}})
      .set(1);
  registry_.gauge("lxdrunner_start_time_seconds", "When the daemon started, Unix seconds")
      .set(static_cast<double>(sources_.started_at_ms) / 1000.0);
  if (sources_.store != nullptr) {
    phases_ = std::make_unique<JobPhaseRecorder>(registry_, sources_.started_at_ms);
  }
  registry_.addCollector([this](MetricsRegistry& r) { collect(r); });
}

void DaemonMetrics::collect(MetricsRegistry& r) {
  collectJobs(r);
  collectDispatcher(r);
  collectGithub(r);
  collectHttp(r);
}

void DaemonMetrics::collectJobs(MetricsRegistry& r) {
  if (sources_.store == nullptr) return;
  const auto& store = *sources_.store;
  std::map<jobs::JobState, size_t> by_state;
  std::map<std::string, size_t> queued;
  for (const auto& c : store.countByEntryAndState()) {
    by_state[c.state] += c.count;
    if (c.state == jobs::JobState::Queued) queued[c.entry] += c.count;
  }
  for (const auto state : kAllStates) {
    r.gauge("lxdrunner_jobs", "Jobs in the job store by state (finished ones until pruned)",
            {{"state", std::string(jobs::toString(state))}})
        .set(asDouble(by_state[state]));
  }
  r.clearGauges("lxdrunner_queue_length");
  if (sources_.config != nullptr) {
    for (const auto& entry : sources_.config->runnermap) queued.emplace(entry.name, 0);
  }
  for (const auto& [entry, n] : queued) {
    r.gauge("lxdrunner_queue_length", "Jobs waiting for an instance, per runnermap entry",
            {{"entry", entry}})
        .set(asDouble(n));
  }
  std::map<std::pair<std::string, std::string>, size_t> instances;
  std::map<std::string, size_t> slots;
  for (const auto& job : store.liveInstances()) {
    ++instances[{job.backend, job.remote}];
    ++slots[job.entry];
  }
  r.clearGauges("lxdrunner_instances");
  for (const auto& [where, n] : instances) {
    r.gauge("lxdrunner_instances", "Live instances this daemon made, per backend and remote",
            {{"backend", where.first}, {"remote", where.second}})
        .set(asDouble(n));
  }
  if (sources_.config != nullptr) {
    for (const auto& entry : sources_.config->runnermap) {
      r.gauge("lxdrunner_entry_slots_used", "Live instances per runnermap entry",
              {{"entry", entry.name}})
          .set(asDouble(slots[entry.name]));
      r.gauge("lxdrunner_entry_max_workers", "The entry's max_workers", {{"entry", entry.name}})
          .set(entry.max_workers);
      if (sources_.dispatcher != nullptr) {
        r.gauge("lxdrunner_entry_drained", "1 while the entry is drained (launches nothing new)",
                {{"entry", entry.name}})
            .set(sources_.dispatcher->isDrained(entry.name) ? 1 : 0);
      }
    }
  }
  if (sources_.config != nullptr && !sources_.config->device_pools.empty()) {
    std::map<std::pair<std::string, std::string>, size_t> items;  // (pool, state) -> items
    for (const auto& pool : sources_.config->device_pools) {
      items[{pool.name, "free"}] += 0;
      items[{pool.name, "held"}] += 0;
      items[{pool.name, "unavailable"}] += 0;
    }
    const auto unavailable = sources_.dispatcher != nullptr
                                 ? sources_.dispatcher->unavailableDevices()
                                 : std::map<std::string, std::string>{};
    for (const auto& item :
         dispatch::deviceItemStatus(*sources_.config, store.deviceHolds(), unavailable)) {
      ++items[{item.pool, item.state()}];
    }
    r.clearGauges("lxdrunner_device_pool_items");
    for (const auto& [key, n] : items) {
      r.gauge("lxdrunner_device_pool_items",
              "Items of each device pool, by state (free, held, unavailable)",
              {{"pool", key.first}, {"state", key.second}})
          .set(asDouble(n));
    }
  }
  if (phases_) phases_->update(store);
}

void DaemonMetrics::collectDispatcher(MetricsRegistry& r) {
  if (sources_.dispatcher != nullptr) {
    const auto& c = sources_.dispatcher->counters();
    const std::pair<const char*, const std::atomic<uint64_t>*> totals[] = {
        {"events", &c.events},
        {"launches_started", &c.launches_started},
        {"launches_succeeded", &c.launches_succeeded},
        {"instances_destroyed", &c.instances_destroyed},
        {"cancelled_before_launch", &c.cancelled_before_launch},
        {"runner_swaps", &c.runner_swaps},
    };
    for (const auto& [name, value] : totals) {
      r.counter(std::string("lxdrunner_dispatcher_") + name + "_total",
                std::string("Dispatcher count of ") + name + " since start")
          .set(asDouble(value->load()));
    }
    r.gauge("lxdrunner_dispatcher_launches_in_flight", "Launches (create + provision) running now")
        .set(asDouble(sources_.dispatcher->launchesInFlight()));
    r.counter("lxdrunner_job_events_total", kEventsHelp, {{"result", "handled"}})
        .set(asDouble(c.events.load()));
    r.counter("lxdrunner_job_events_total", kEventsHelp, {{"result", "duplicate"}})
        .set(asDouble(c.duplicates.load()));
    r.counter("lxdrunner_errors_total", kErrorsHelp, {{"kind", "launch_failure"}})
        .set(asDouble(c.launch_failures.load()));
    r.counter("lxdrunner_errors_total", kErrorsHelp, {{"kind", "job_failed"}})
        .set(asDouble(c.jobs_failed.load()));
  }
  if (sources_.dispatcher != nullptr) {
    const auto& c = sources_.dispatcher->counters();
    const std::pair<const char*, const std::atomic<uint64_t>*> warm_totals[] = {
        {"refills", &c.warm_refills},
        {"refill_failures", &c.warm_refill_failures},
        {"recycled", &c.warm_recycled},
    };
    for (const auto& [name, value] : warm_totals) {
      r.counter(std::string("lxdrunner_warm_") + name + "_total",
                std::string("Warm pool ") + name + " since start")
          .set(asDouble(value->load()));
    }
    for (const auto& pool : sources_.dispatcher->warmPools()) {
      r.gauge("lxdrunner_warm_pool_idle", "Idle warm instances ready for a job, per entry",
              {{"entry", pool.entry}})
          .set(asDouble(pool.idle));
      r.gauge("lxdrunner_warm_pool_preparing", "Warm instances being launched or prepared",
              {{"entry", pool.entry}})
          .set(asDouble(pool.preparing));
      r.gauge("lxdrunner_warm_pool_size", "The entry's warm_pool.size (its idle target)",
              {{"entry", pool.entry}})
          .set(pool.size);
      const char* const help = "Jobs of an entry with a warm pool: served warm (hit) or cold";
      r.counter("lxdrunner_warm_claims_total", help, {{"entry", pool.entry}, {"result", "hit"}})
          .set(asDouble(pool.hits));
      r.counter("lxdrunner_warm_claims_total", help, {{"entry", pool.entry}, {"result", "miss"}})
          .set(asDouble(pool.misses));
    }
  }
  if (sources_.unwanted_events != nullptr) {
    r.counter("lxdrunner_job_events_total", kEventsHelp, {{"result", "unwanted"}})
        .set(asDouble(sources_.unwanted_events->load()));
  }
  if (sources_.plugin_events) {
    for (const auto& c : sources_.plugin_events()) {
      r.counter("lxdrunner_plugin_events_total",
                "What plugins count (counter_add), e.g. the webhook's refused deliveries",
                {{"plugin", c.plugin}, {"event", c.event}})
          .set(asDouble(c.value));
    }
  }
}

void DaemonMetrics::collectGithub(MetricsRegistry& r) {
  if (sources_.jit_prefetch) {
    const JitPrefetchCounts c = sources_.jit_prefetch();
    const char* const help =
        "JIT configs a cold launch's provisioner asked for: fetched while the instance launched "
        "(hit) or asked for then (miss); prefetched ones deleted unused (wasted)";
    r.counter("lxdrunner_jit_prefetch_total", help, {{"result", "hit"}}).set(asDouble(c.hits));
    r.counter("lxdrunner_jit_prefetch_total", help, {{"result", "miss"}}).set(asDouble(c.misses));
    r.counter("lxdrunner_jit_prefetch_total", help, {{"result", "wasted"}}).set(asDouble(c.wasted));
  }
  if (sources_.github == nullptr) return;
  const auto& s = *sources_.github;
  r.counter("lxdrunner_github_api_calls_total", "GitHub REST requests sent (retries included)")
      .set(asDouble(s.requests.load()));
  r.counter("lxdrunner_github_rate_limited_total", "GitHub answers that said rate limited")
      .set(asDouble(s.rate_limited.load()));
  r.counter("lxdrunner_github_retries_total", "GitHub requests retried after 5xx or no answer")
      .set(asDouble(s.retries.load()));
  r.counter("lxdrunner_github_token_refreshes_total", "Installation tokens fetched")
      .set(asDouble(s.token_refreshes.load()));
  // Unknown (-1) until GitHub has answered once: no sample rather than a misleading number.
  const int64_t remaining = s.rate_remaining.load();
  if (remaining >= 0) {
    r.gauge("lxdrunner_github_rate_limit_remaining",
            "Requests left in the current GitHub rate-limit window, from the last answer")
        .set(static_cast<double>(remaining));
  }
}

void DaemonMetrics::collectHttp(MetricsRegistry& r) {
  if (sources_.http == nullptr) return;
  const auto& c = sources_.http->counters();
  r.counter("lxdrunner_http_requests_total",
            "Requests to the daemon's HTTP server (webhooks, "
            "probes, metrics)")
      .set(asDouble(c.requests.load()));
  r.counter("lxdrunner_errors_total", kErrorsHelp, {{"kind", "http_not_found"}})
      .set(asDouble(c.not_found.load()));
  r.counter("lxdrunner_errors_total", kErrorsHelp, {{"kind", "http_body_too_large"}})
      .set(asDouble(c.too_large.load()));
  r.counter("lxdrunner_errors_total", kErrorsHelp, {{"kind", "http_handler_error"}})
      .set(asDouble(c.handler_errors.load()));
  r.gauge("lxdrunner_http_connections",
          "Connections open to the daemon's HTTP server, waiting for a request head or served")
      .set(asDouble(sources_.http->openConnections()));
  if (const auto* gate = sources_.http->gateCounters()) {
    constexpr const char* kRefusedHelp =
        "Connections the HTTP server closed before serving a request, by reason: over_limit "
        "(too many connections, from one address or in all), head_timeout (the request head "
        "took longer than web_header_timeout_s), head_too_large (over 64 KiB), busy (every "
        "worker thread busy and the queue full)";
    r.counter("lxdrunner_http_refused_total", kRefusedHelp, {{"reason", "over_limit"}})
        .set(asDouble(gate->refused_over_limit.load()));
    r.counter("lxdrunner_http_refused_total", kRefusedHelp, {{"reason", "head_timeout"}})
        .set(asDouble(gate->header_timeouts.load()));
    r.counter("lxdrunner_http_refused_total", kRefusedHelp, {{"reason", "head_too_large"}})
        .set(asDouble(gate->heads_too_large.load()));
    r.counter("lxdrunner_http_refused_total", kRefusedHelp, {{"reason", "busy"}})
        .set(asDouble(gate->refused_busy.load()));
  }
}

}  // namespace lxdrunner::observability
