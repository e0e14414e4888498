// SPDX-License-Identifier: Apache-2.0
#include "config/detail/schema.hpp"
#include "config/detail/sections.hpp"
#include "config/detail/value_readers.hpp"

namespace lxdrunner::config::detail {

namespace {

void readSeconds(const MappingView& section, const char* key, int min, int& target,
                 DiagnosticSink& sink) {
  if (const Field* const field = section.find(key)) {
    target = readInt(*field, sink, min).value_or(target);
  }
}

}  // namespace

void parseDispatcher(const MappingView& top, Config& config, DiagnosticSink& sink) {
  const Field* const field = top.find("dispatcher");
  if (field == nullptr || !expectMapping(*field, sink)) {
    return;
  }
  const MappingView section(*field, schema::dispatcherKeys(), sink);
  auto& d = config.dispatcher;
  readSeconds(section, "launch_concurrency", 0, d.launch_concurrency, sink);
  readSeconds(section, "launch_attempts", 1, d.launch_attempts, sink);
  readSeconds(section, "retry_backoff_s", 0, d.retry_backoff_s, sink);
  readSeconds(section, "provision_timeout_s", 1, d.provision_timeout_s, sink);
  readSeconds(section, "reconcile_interval_s", 1, d.reconcile_interval_s, sink);
  readSeconds(section, "max_lifetime_s", 60, d.max_lifetime_s, sink);
  readSeconds(section, "idle_runner_grace_s", 1, d.idle_runner_grace_s, sink);
  readSeconds(section, "register_timeout_s", 1, d.register_timeout_s, sink);
  readSeconds(section, "offline_runner_grace_s", 1, d.offline_runner_grace_s, sink);
  readSeconds(section, "reconcile_github_calls_per_minute", 1, d.reconcile_github_calls_per_minute,
              sink);
  readSeconds(section, "job_retention_days", 1, d.job_retention_days, sink);
  if (const Field* const prefetch = section.find("prefetch_jit_config")) {
    d.prefetch_jit_config = readBool(*prefetch, sink).value_or(d.prefetch_jit_config);
  }
  if (const Field* const scope = section.find("runner_downloads_scope")) {
    d.runner_downloads_scope = readString(*scope, sink).value_or("");
  }
}

}  // namespace lxdrunner::config::detail
