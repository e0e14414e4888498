// SPDX-License-Identifier: Apache-2.0
// The running daemon: creates the plugin instances the configuration names, starts the
// event sources, and consumes the inbox until asked to stop.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "daemon/credential_prefetch.hpp"
#include "daemon/github_runner_directory.hpp"
#include "daemon/plugin_executor.hpp"
#include "daemon/remote_device_prober.hpp"
#include "daemon/runner_credentials.hpp"
#include "dispatch/dispatcher.hpp"
#include "dispatch/reconciler.hpp"
#include "events/inbox.hpp"
#include "github/github_client.hpp"
#include "github/repository_discovery.hpp"
#include "http/http_server.hpp"
#include "http/route_table.hpp"
#include "jobs/job_store.hpp"
#include "jobs/runner_matcher.hpp"
#include "observability/daemon_metrics.hpp"
#include "observability/readiness.hpp"
#include "operator_api/api_server.hpp"
#include "operator_api/operator_api.hpp"
#include "plugin_host/plugin_host.hpp"
#include "runner_cache/runner_cache.hpp"

namespace lxdrunner::daemon {

class Daemon {
 public:
  Daemon(const config::Config& config, plugin_host::PluginHost& plugins);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Returns one line per problem; the daemon must not run when any is returned.
  std::vector<std::string> start();
  // Stops intake first (event sources), then the inbox consumer. Idempotent.
  void stop();

  events::Inbox& inbox() noexcept { return inbox_; }
  dispatch::Dispatcher* dispatcher() noexcept { return dispatcher_.get(); }
  dispatch::Reconciler* reconciler() noexcept { return reconciler_.get(); }
  jobs::JobStore* store() noexcept { return store_.get(); }
  // The HTTP server's port once started (0 before).
  uint16_t httpPort() const noexcept { return http_ ? http_->port() : 0; }
  // The operator API's port once started (0 when off).
  uint16_t operatorApiPort() const noexcept { return api_server_ ? api_server_->port() : 0; }

 private:
  // The JSON a plugin's create() receives: its own settings plus what its kind needs from
  // the daemon-wide configuration (event sources: hooksecret; backends: manager, remotes).
  std::string pluginConfig(const std::string& name, lxdr_plugin_kind kind,
                           const std::string& settings_json) const;
  std::string pluginSettings(const std::string& name) const;
  void consume();
  // The runner tarball cache and the runner_tarball host service; one line on failure.
  std::optional<std::string> startRunnerCache();
  // Where runner downloads are asked for: the configured scope, else the latest job's repository.
  std::string runnerDownloadsScope() const;
  // On its own thread once the daemon listens: recovery (which may wait on GitHub for long),
  // then the dispatcher and the reconciler's passes. Webhooks meanwhile are stored and wait.
  void recoverThenDispatch();
  // JIT configs fetched while instances launch (credential_prefetch.hpp).
  void startCredentialPrefetch();
  // Opens the job store and creates the dispatcher and reconciler; one line on failure.
  std::optional<std::string> startDispatch(
      std::map<std::string, plugin_host::PluginInstance*> backends,
      std::map<std::string, plugin_host::PluginInstance*> provisioners);
  void wireHostServices();
  // Creates the GitHub client from the configuration; one line on failure.
  std::optional<std::string> startGithub();
  // /readyz and /metrics on the HTTP server (created, not yet started).
  void addObservabilityRoutes();
  // The operator API's listener when operator_api.enabled; one line on failure.
  std::optional<std::string> startOperatorApi();

  const config::Config& config_;
  plugin_host::PluginHost& plugins_;
  events::Inbox inbox_;
  jobs::RunnerMatcher matcher_;
  http::RouteTable routes_;
  std::unique_ptr<http::HttpServer> http_;
  std::unique_ptr<github::GithubClient> github_;
  std::unique_ptr<github::RepositoryDiscovery> discovery_;  // uses github_
  std::unique_ptr<RunnerCredentials> runner_credentials_;   // uses github_
  std::unique_ptr<runner_cache::RunnerCache> runner_cache_;
  mutable std::mutex repository_mu_;
  std::string latest_repository_;
  std::vector<plugin_host::PluginInstance*> sources_;
  // Declared in dependency order: destroyed in reverse (reconciler before dispatcher before
  // the store they use).
  std::unique_ptr<jobs::JobStore> store_;
  std::unique_ptr<PluginExecutor> executor_;
  std::unique_ptr<CredentialPrefetch> prefetch_;  // uses github_ and executor_
  std::unique_ptr<GithubRunnerDirectory> runner_directory_;
  std::unique_ptr<RemoteDeviceProber> device_prober_;  // read by dispatcher_; null: no remote
  std::unique_ptr<dispatch::Dispatcher> dispatcher_;
  std::unique_ptr<dispatch::Reconciler> reconciler_;
  // Read the components above; destroyed before them.
  int64_t started_at_ms_ = 0;
  std::unique_ptr<observability::DaemonMetrics> metrics_;
  std::unique_ptr<observability::Readiness> readiness_;
  std::unique_ptr<operator_api::OperatorApi> operator_api_;
  std::unique_ptr<operator_api::ApiServer> api_server_;
  std::atomic<bool> running_{false};
  std::thread consumer_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> recovered_{false};  // recovery done, the dispatcher started
  std::thread startup_;
};

}  // namespace lxdrunner::daemon
