// SPDX-License-Identifier: Apache-2.0
#include "daemon/daemon.hpp"

#include "github/config_settings.hpp"

#include <Poco/File.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <chrono>
#include <set>
#include <sstream>
#include <thread>

#include "config/backend_settings.hpp"
#include "device_probe/lxd_resources_fetch.hpp"
#include "logging/logging.hpp"
#include "lxdrunner/sdk/strings.hpp"

namespace lxdrunner::daemon {
namespace {

// Where people and config.sh see repositories: https://api.github.com -> https://github.com,
// https://ghe.example/api/v3 -> https://ghe.example; anything else (the simulator) as is.
std::string githubWebUrl(const std::string& api_url) {
  if (api_url == "https://api.github.com") return "https://github.com";
  const std::string suffix = "/api/v3";
  if (api_url.size() > suffix.size() &&
      api_url.compare(api_url.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return api_url.substr(0, api_url.size() - suffix.size());
  }
  return api_url;
}

}  // namespace

Daemon::Daemon(const config::Config& config, plugin_host::PluginHost& plugins)
    : config_(config), plugins_(plugins), matcher_(config.runnermap) {}

namespace {

// How long launches in flight may take to finish at shutdown.
constexpr std::chrono::seconds kShutdownGrace{20};

std::chrono::steady_clock::time_point fromMonotonicMs(int64_t deadline_ms) {
  // The ABI's deadlines are CLOCK_MONOTONIC milliseconds, which is steady_clock on Linux.
  if (deadline_ms <= 0) return {};
  return std::chrono::steady_clock::time_point(std::chrono::milliseconds(deadline_ms));
}

}  // namespace

std::optional<std::string> Daemon::startGithub() {
  github::ClientSettings gs = github::settingsFromConfig(config_);
  gs.shutting_down = [this] { return plugins_.services().shutting_down.load(); };
  try {
    github_ = std::make_unique<github::GithubClient>(gs);
  } catch (const std::exception& e) {
    return std::string("GitHub client: ") + e.what();
  }
  // Costs nothing until asked: by the poll source with `repositories: auto` and by the
  // start-up scan; then one listing per refresh interval.
  discovery_ = std::make_unique<github::RepositoryDiscovery>(*github_);
  runner_credentials_ = std::make_unique<RunnerCredentials>(*github_);
  auto& services = plugins_.services();
  services.discovered_repositories = [this] { return discovery_->repositories(); };
  services.github_request = [this](const lxdr_github_request& r, sdk::GithubResponse& out,
                                   std::string& error) {
    try {
      github::RequestOptions options;
      options.deadline = fromMonotonicMs(r.deadline_ms);
      options.installation_id = r.installation_id;
      auto resp =
          github_->request(sdk::copy(r.method), sdk::copy(r.path), sdk::copy(r.body), options);
      out.status = resp.status;
      out.body = std::move(resp.body);
      out.next_path = std::move(resp.next_path);
      out.rate_limit_limit = resp.rate.limit.value_or(-1);
      out.rate_limit_remaining = resp.rate.remaining.value_or(-1);
      out.rate_limit_reset = resp.rate.reset_unix_s.value_or(-1);
      return LXDR_OK;
    } catch (const github::GithubError& e) {
      error = e.what();
      return e.status();
    }
  };
  services.runner_credentials = [this](const lxdr_runner_request& r, bool jit, std::string& out,
                                       std::string& error) {
    try {
      github::RequestOptions options;
      options.deadline = fromMonotonicMs(r.deadline_ms);
      CredentialPrefetch::Ask ask{sdk::copy(r.scope), sdk::copy(r.runner_name),
                                  sdk::copyAll(r.labels, r.label_count), sdk::copy(r.runner_group),
                                  ""};
      // A provisioner that names no group (and every 1.0 one) gets its entry's.
      if (auto registration =
              executor_ ? executor_->registrationOf(ask.runner_name) : std::nullopt) {
        ask.repository = registration->repository;
        if (ask.runner_group.empty() && registration->scope == ask.scope) {
          ask.runner_group = registration->runner_group;
        }
      }
      if (prefetch_) {
        const auto deadline = options.deadline == std::chrono::steady_clock::time_point{}
                                  ? std::chrono::steady_clock::now() + std::chrono::seconds(60)
                                  : options.deadline;
        if (auto ready = prefetch_->take(ask, jit, deadline)) {
          out = std::move(*ready);
          return LXDR_OK;
        }
      }
      if (jit) {
        out = runner_credentials_->jitConfig(ask, options).encoded_jit_config;
      } else {
        out = github_->registrationToken(ask.scope, options);
      }
      return LXDR_OK;
    } catch (const github::GithubError& e) {
      error = e.what();
      return e.status();
    }
  };
  return std::nullopt;
}

void Daemon::wireHostServices() {
  auto& services = plugins_.services();
  services.inbox = &inbox_;
  services.wants_labels = [this](const std::vector<std::string>& labels) {
    return matcher_.wants(labels);
  };
  services.register_http_route = [this](const std::string& plugin, const lxdr_http_route& route,
                                        std::string& error) {
    http::Route r;
    r.plugin = plugin;
    r.path = sdk::copy(route.path);
    r.max_body = route.max_body;
    r.handler = route.handler;
    r.handler_ctx = route.handler_ctx;
    if (r.path.empty() || r.path[0] != '/' || r.handler == nullptr) {
      error = "route '" + r.path + "' from plugin '" + plugin +
              "': a route needs an absolute path and a handler";
      return LXDR_ERR_INVALID_ARGUMENT;
    }
    if (!routes_.add(r)) {
      error = "route " + r.path + " is already registered: give plugin '" + plugin +
              "' another path in its settings";
      return LXDR_ERR_ALREADY_EXISTS;
    }
    Poco::Logger::get("http").information("route %s served by plugin '%s'", r.path, plugin);
    return LXDR_OK;
  };
}

Daemon::~Daemon() {
  stop();
}

std::string Daemon::pluginConfig(const std::string& name, lxdr_plugin_kind kind,
                                 const std::string& settings_json) const {
  if (kind == LXDR_KIND_BACKEND) return config::backendSettingsJson(config_, settings_json);
  Poco::JSON::Parser parser;
  auto settings =
      parser.parse(settings_json.empty() ? "{}" : settings_json).extract<Poco::JSON::Object::Ptr>();
  // What every plugin of a kind needs from the daemon-wide configuration, unless the
  // plugin's own settings say otherwise.
  if (kind == LXDR_KIND_EVENT_SOURCE && !settings->has("hooksecret") &&
      !config_.hooksecretFor(name).empty()) {
    settings->set("hooksecret", config_.hooksecretFor(name).reveal());
  }
  if (kind == LXDR_KIND_PROVISIONER && !settings->has("github_url")) {
    settings->set("github_url", githubWebUrl(config_.github_api_url));
  }
  std::ostringstream out;
  settings->stringify(out);
  return out.str();
}

std::string Daemon::pluginSettings(const std::string& name) const {
  auto it = config_.plugins.find(name);
  return it == config_.plugins.end() ? "{}" : it->second;
}

std::vector<std::string> Daemon::start() {
  std::vector<std::string> errors;
  started_at_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  wireHostServices();
  if (auto error = startGithub()) return {*error};

  std::set<std::string> backends;
  std::set<std::string> provisioners;
  for (const auto& entry : config_.runnermap) {
    backends.insert(entry.backend);
    provisioners.insert(entry.provisioner);
    provisioners.insert(entry.steps.begin(), entry.steps.end());
  }
  std::string error;
  std::map<std::string, plugin_host::PluginInstance*> backend_instances;
  std::map<std::string, plugin_host::PluginInstance*> provisioner_instances;
  for (const auto& name : backends) {
    auto* instance =
        plugins_.instantiate(name, LXDR_KIND_BACKEND,
                             pluginConfig(name, LXDR_KIND_BACKEND, pluginSettings(name)), error);
    if (instance == nullptr) {
      errors.push_back(error);
    } else {
      backend_instances[name] = instance;
    }
  }
  for (const auto& name : provisioners) {
    auto* instance = plugins_.instantiate(
        name, LXDR_KIND_PROVISIONER,
        pluginConfig(name, LXDR_KIND_PROVISIONER, pluginSettings(name)), error);
    if (instance == nullptr) {
      errors.push_back(error);
    } else {
      provisioner_instances[name] = instance;
    }
  }
  for (const auto& source : config_.event_sources) {
    if (!source.enabled) continue;
    auto* instance = plugins_.instantiate(
        source.name, LXDR_KIND_EVENT_SOURCE,
        pluginConfig(source.name, LXDR_KIND_EVENT_SOURCE, source.settings_json), error);
    if (instance == nullptr) {
      errors.push_back(error);
    } else {
      sources_.push_back(instance);
    }
  }
  if (!errors.empty()) return errors;
  if (auto failure =
          startDispatch(std::move(backend_instances), std::move(provisioner_instances))) {
    return {*failure};
  }

  running_ = true;
  consumer_ = std::thread([this] { consume(); });
  for (auto* source : sources_) {
    auto r = source->start();
    if (!r.ok()) errors.push_back(r.error);
  }
  if (!errors.empty()) return errors;

  // Routes are registered by the sources' start(); the server opens once they are in place.
  http::HttpServerSettings settings;
  settings.host = config_.web_host;
  settings.port = static_cast<uint16_t>(config_.web_port);
  settings.tls = config_.web_tls;
  settings.tls_cert = config_.web_tls_cert;
  settings.tls_key = config_.web_tls_key;
  settings.header_timeout_ms = config_.web_header_timeout_s * 1000;
  settings.max_connections = static_cast<std::size_t>(config_.web_max_connections);
  settings.max_connections_per_address =
      static_cast<std::size_t>(config_.web_max_connections_per_address);
  http_ = std::make_unique<http::HttpServer>(settings, routes_);
  http_->addBuiltin("/healthz", [] { return http::BuiltinAnswer{200, "text/plain", "ok\n"}; });
  addObservabilityRoutes();
  try {
    http_->start();
    Poco::Logger::get("http").information("listening on %s://%s:%s",
                                          std::string(settings.tls ? "https" : "http"),
                                          settings.host, std::to_string(http_->port()));
  } catch (const std::exception& e) {
    errors.push_back(std::string("HTTP server: ") + e.what());
  }
  if (errors.empty()) {
    if (auto failure = startOperatorApi()) errors.push_back(*failure);
  }
  // Listening (and, for systemd, READY=1 once start() returns) comes before recovery: one
  // GitHub call per unfinished job and repository could otherwise outlast TimeoutStartSec,
  // and the restart that follows would repeat it.
  if (errors.empty()) startup_ = std::thread([this] { recoverThenDispatch(); });
  return errors;
}

void Daemon::stop() {
  // A reconcile pass behind slow GitHub calls ends after the call in progress, while the
  // intake drains, instead of making every call left in the pass (up to 30 s each) first:
  // together they could overrun the service's stop timeout.
  stopping_ = true;
  if (reconciler_) reconciler_->requestStop();
  // Intake first, so nothing arrives after the consumer is gone.
  if (api_server_) api_server_->stop();
  if (http_) http_->stop();
  for (auto it = sources_.rbegin(); it != sources_.rend(); ++it) {
    auto r = (*it)->stop();
    if (!r.ok()) Poco::Logger::get("daemon").error(r.error);
  }
  sources_.clear();
  running_ = false;
  inbox_.close();
  // The consumer drains what the sources accepted, so no accepted event is lost.
  if (consumer_.joinable()) consumer_.join();
  // Recovery ends after its GitHub call in progress (requestStop) and starts nothing.
  if (startup_.joinable()) startup_.join();
  if (reconciler_) reconciler_->stop();
  if (dispatcher_) {
    // Launches in flight get a grace period to finish; then plugins are told to give up
    // (they return LXDR_ERR_CANCELLED) and the next start resumes those jobs from the store.
    dispatcher_->stopScheduling();
    const auto grace_end = std::chrono::steady_clock::now() + kShutdownGrace;
    while (dispatcher_->launchesInFlight() > 0 && std::chrono::steady_clock::now() < grace_end) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    plugins_.services().shutting_down = true;
    dispatcher_->stop();
  }
  if (device_prober_) device_prober_->stop();
  if (prefetch_) prefetch_->stop();
  if (runner_cache_) runner_cache_->stop();
  plugins_.services().runner_tarball = nullptr;
  plugins_.services().inbox = nullptr;
  plugins_.services().register_http_route = nullptr;
  plugins_.services().wants_labels = nullptr;
  plugins_.services().github_request = nullptr;
  plugins_.services().runner_credentials = nullptr;
  plugins_.services().discovered_repositories = nullptr;
}

void Daemon::consume() {
  auto& log = Poco::Logger::get("daemon");
  for (;;) {
    auto event = inbox_.pop(std::chrono::milliseconds(200));
    if (!event) {
      if (!running_) return;  // closed and drained
      continue;
    }
    const auto& e = event->event;
    log.debug("job %s %s in %s (from %s)", std::to_string(e.job_id),
              std::string(sdk::jobActionName(e.action)), e.repository, event->source);
    try {
      dispatcher_->handle(*event);
      event->settle(true);
    } catch (const std::exception& ex) {
      // The store could not be written (disk full, permissions). The source waiting on it
      // answers 503, so GitHub marks the delivery failed and redelivery or the poll source
      // brings it back.
      log.error("job %s: could not record the %s event: %s", std::to_string(e.job_id),
                std::string(sdk::jobActionName(e.action)), std::string(ex.what()));
      event->settle(false, ex.what());
    }
  }
}

namespace {

// The enabled poll source's explicit `repositories` list; nullopt for `auto`, none given, or
// no poll source: then discovery decides.
std::optional<std::vector<std::string>> polledRepositories(const config::Config& config) {
  for (const auto& source : config.event_sources) {
    if (source.name != "poll" || !source.enabled) continue;
    try {
      Poco::JSON::Parser parser;
      auto settings = parser.parse(source.settings_json).extract<Poco::JSON::Object::Ptr>();
      auto repositories = settings ? settings->getArray("repositories") : nullptr;
      if (!repositories || repositories->size() == 0) continue;
      std::vector<std::string> out;
      for (size_t i = 0; i < repositories->size(); ++i) {
        const std::string r = repositories->get(static_cast<unsigned>(i)).toString();
        if (r.find('/') != std::string::npos) out.push_back(r);
      }
      if (!out.empty()) return out;
    } catch (const std::exception&) {
      // The poll plugin reports its own settings' problems; here it is only a hint.
    }
  }
  return std::nullopt;
}

std::optional<std::string> firstPolledRepository(const config::Config& config) {
  auto polled = polledRepositories(config);
  if (polled) return polled->front();
  return std::nullopt;
}

}  // namespace

std::string Daemon::runnerDownloadsScope() const {
  const std::string& configured = config_.dispatcher.runner_downloads_scope;
  if (!configured.empty()) {
    return (configured.find('/') == std::string::npos ? "orgs/" : "repos/") + configured;
  }
  {
    std::lock_guard<std::mutex> lock(repository_mu_);
    if (!latest_repository_.empty()) return "repos/" + latest_repository_;
  }
  // A fresh install with `repositories: auto`: any discovered repository will do (the list
  // the start-up scan or the poll source fetched; no GitHub call here).
  if (discovery_) {
    if (auto found = discovery_->cached(); found && !found->empty())
      return "repos/" + found->front();
  }
  return {};
}

std::optional<std::string> Daemon::startRunnerCache() {
  runner_cache::RunnerCacheSettings settings;
  settings.dir = config_.runner_cache_dir;
  for (const auto& entry : config_.runnermap) {
    settings.platforms.push_back({std::string(config::toString(entry.runner_os)),
                                  std::string(config::toString(entry.runner_arch))});
  }
  settings.scope = [this] { return runnerDownloadsScope(); };
  try {
    runner_cache_ = std::make_unique<runner_cache::RunnerCache>(settings, *github_);
  } catch (const std::exception& e) {
    return "runner cache " + config_.runner_cache_dir + ": " + e.what() +
           " (check runner_cache_dir and its permissions)";
  }
  const int budget_s = config_.dispatcher.provision_timeout_s;
  plugins_.services().runner_tarball = [this, budget_s](const std::string& os,
                                                        const std::string& arch, bool unpacked,
                                                        std::string& out, std::string& error) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(budget_s);
    auto path = runner_cache_->path(os, arch, unpacked, deadline, error);
    if (!path)
      return runner_cache_->keeps(os, arch) ? LXDR_ERR_TRANSIENT : LXDR_ERR_INVALID_ARGUMENT;
    out = *path;
    return LXDR_OK;
  };
  runner_cache_->start();
  return std::nullopt;
}

std::optional<std::string> Daemon::startDispatch(
    std::map<std::string, plugin_host::PluginInstance*> backends,
    std::map<std::string, plugin_host::PluginInstance*> provisioners) {
  const std::string path = config_.state_dir + "/jobs.sqlite";
  try {
    Poco::File(config_.state_dir).createDirectories();
    store_ = std::make_unique<jobs::JobStore>(path);
  } catch (const std::exception& e) {
    return "job store " + path + ": " + e.what() +
           " (check that state_dir exists and is writable by this user)";
  }
  for (const auto& repository : store_->repositoriesSince(0)) {
    std::lock_guard<std::mutex> lock(repository_mu_);
    if (latest_repository_.empty()) latest_repository_ = repository;
  }
  // A fresh install has served no job yet, but a warm pool needs the runner package before
  // any job: the first repository the poll source watches will do.
  if (latest_repository_.empty()) {
    if (auto polled = firstPolledRepository(config_)) {
      std::lock_guard<std::mutex> lock(repository_mu_);
      latest_repository_ = *polled;
    }
  }
  // Before the first launch can ask for a tarball.
  if (auto failure = startRunnerCache()) return failure;
  // No instance operation a plugin asks for outlasts the longest provisioner call.
  plugins_.services().instance_wait_limit_ms =
      int64_t{1000} * config_.dispatcher.provision_timeout_s;
  executor_ = std::make_unique<PluginExecutor>(std::move(backends), std::move(provisioners));
  for (const auto& entry : config_.runnermap) {
    if (auto bad = executor_->checkChain(entry)) return bad;
  }
  if (github_ && config_.dispatcher.prefetch_jit_config) startCredentialPrefetch();
  if (github_) {
    runner_directory_ = std::make_unique<GithubRunnerDirectory>(*github_);
    // The start-up scan covers what the poll source watches: its list, or the discovered
    // repositories (the default, and the only way a fresh install's scan finds anything).
    auto polled = polledRepositories(config_);
    runner_directory_->startup_repositories = [this, polled] {
      return polled ? *polled : discovery_->repositories();
    };
  }
  dispatcher_ =
      std::make_unique<dispatch::Dispatcher>(config_, *store_, *executor_, runner_directory_.get());
  if (!RemoteDeviceProber::remotesToProbe(config_).empty()) {
    device_prober_ = std::make_unique<RemoteDeviceProber>(config_, [](const config::Remote& r) {
      return device_probe::fetchLxdResources(r, RemoteDeviceProber::kTimeout);
    });
    dispatcher_->setRemoteDeviceSnapshot(
        [prober = device_prober_.get()] { return prober->snapshot(); });
    device_prober_->start();  // its first answers come while recovery runs
  }
  dispatcher_->on_repository = [this](const std::string& repository) {
    std::lock_guard<std::mutex> lock(repository_mu_);
    latest_repository_ = repository;
  };
  reconciler_ = std::make_unique<dispatch::Reconciler>(config_, *store_, *executor_,
                                                       runner_directory_.get(), *dispatcher_);
  return std::nullopt;
}

void Daemon::startCredentialPrefetch() {
  auto generate = [this](const CredentialPrefetch::Ask& ask) {
    CredentialPrefetch::Answer answer;
    try {
      github::RequestOptions options;
      options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      auto jit = runner_credentials_->jitConfig(ask, options);
      answer.value = std::move(jit.encoded_jit_config);
      answer.runner_id = jit.runner_id;
    } catch (const github::GithubError& e) {
      answer.status = e.status();
      answer.error = e.what();
    }
    return answer;
  };
  auto remove = [this](const std::string& scope, uint64_t runner_id) {
    try {
      github::RequestOptions options;
      options.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
      github_->deleteRunner(scope, runner_id, options);
    } catch (const github::GithubError& e) {
      // Offline and of ours: the reconciler's offline sweep deletes it later.
      Poco::Logger::get("daemon").warning(
          "could not delete unused prefetched runner registration %s in %s: %s",
          std::to_string(runner_id), scope, std::string(e.what()));
    }
  };
  prefetch_ = std::make_unique<CredentialPrefetch>(std::move(generate), std::move(remove));
  executor_->on_cold_launch = [this](const config::RunnerEntry& entry, const jobs::JobRecord& job,
                                     const std::string& instance) {
    // The request the provisioner will make: the scope and group it will be given.
    const auto registration = PluginExecutor::registrationFor(entry, job);
    prefetch_->launching(entry.name, {registration.scope, instance, entry.labels,
                                      registration.runner_group, registration.repository});
  };
  executor_->on_destroy = [this](const std::string& instance) { prefetch_->discard(instance); };
}

void Daemon::recoverThenDispatch() {
  auto& log = Poco::Logger::get("daemon");
  dispatch::ReconcileReport report;
  try {
    report = reconciler_->recoverStates(started_at_ms_);
  } catch (const std::exception& e) {
    // What recovery left undone, the reconciler's passes and the scheduler take up.
    log.error("start-up recovery failed: %s (the reconciler's passes repair what it left)",
              std::string(e.what()));
  }
  if (stopping_) return;
  dispatcher_->start();
  reconciler_->start();
  recovered_ = true;
  log.information("recovery done: dispatching");
  // Jobs queued on GitHub while the daemon was down: one call per recent repository, and
  // GitHub may be slow or away; the scheduler serves what arrives meanwhile.
  try {
    reconciler_->discoverQueued(report);
  } catch (const std::exception& e) {
    log.error(
        "start-up poll for queued jobs failed: %s (the poll source and redeliveries "
        "bring them)",
        std::string(e.what()));
  }
  reconciler_->trigger();
}

void Daemon::addObservabilityRoutes() {
  observability::DaemonMetricSources sources;
  sources.config = &config_;
  sources.store = store_.get();
  sources.dispatcher = dispatcher_.get();
  sources.github = github_ ? &github_->stats() : nullptr;
  sources.unwanted_events = &plugins_.services().unwanted_events;
  sources.plugin_events = [this] {
    std::vector<observability::PluginEventCount> out;
    for (auto& c : plugins_.services().plugin_counters.snapshot()) {
      out.push_back({std::move(c.plugin), std::move(c.name), c.value});
    }
    return out;
  };
  sources.http = http_.get();
  if (prefetch_) {
    sources.jit_prefetch = [this] {
      const auto s = prefetch_->stats();
      return observability::JitPrefetchCounts{s.hits, s.misses, s.wasted};
    };
  }
  sources.version = LXDRUNNER_VERSION;
  sources.started_at_ms = started_at_ms_;
  metrics_ = std::make_unique<observability::DaemonMetrics>(sources);
  http_->addBuiltin("/metrics", [this] {
    return http::BuiltinAnswer{200, "text/plain; version=0.0.4; charset=utf-8", metrics_->render()};
  });

  // Probes may come every second; what they ask a backend or GitHub is remembered a while.
  using std::chrono::milliseconds;
  using std::chrono::seconds;
  readiness_ = std::make_unique<observability::Readiness>();
  readiness_->add(
      "recovery",
      [this]() -> std::optional<std::string> {
        if (recovered_) return std::nullopt;
        return std::string("start-up recovery is still running (webhooks are stored and wait)");
      },
      std::chrono::milliseconds(0));
  readiness_->add(
      "job_store",
      [this]() -> std::optional<std::string> {
        store_->probeWritable(dispatcher_->now());
        return std::nullopt;
      },
      seconds(2));
  std::set<std::string> backends;
  for (const auto& entry : config_.runnermap) backends.insert(entry.backend);
  for (const auto& backend : backends) {
    readiness_->add(
        "backend " + backend,
        [this, backend]() -> std::optional<std::string> {
          std::vector<dispatch::InstanceInfo> found;
          const auto r =
              executor_->list(backend, found, std::chrono::steady_clock::now() + seconds(5));
          if (r.ok()) return std::nullopt;
          return r.error;
        },
        seconds(10));
  }
  readiness_->add(
      "github",
      [this]() -> std::optional<std::string> {
        github::RequestOptions options;
        options.deadline = std::chrono::steady_clock::now() + seconds(5);
        // GET /rate_limit is authenticated but does not count against the rate limit.
        const auto resp = github_->request("GET", "/rate_limit", {}, options);
        if (resp.status == 200) return std::nullopt;
        return "GET /rate_limit answered HTTP " + std::to_string(resp.status) +
               (resp.status == 401 ? " (check pat or github_app)" : "");
      },
      seconds(30));
  http_->addBuiltin("/readyz", [this] {
    const auto report = readiness_->evaluate();
    return http::BuiltinAnswer{report.ready ? 200 : 503, "text/plain; charset=utf-8", report.body};
  });
}

std::optional<std::string> Daemon::startOperatorApi() {
  const auto& settings = config_.operator_api;
  if (!settings.enabled) return std::nullopt;
  logging::addSecret(settings.token.reveal());
  operator_api::OperatorApiContext context;
  context.config = &config_;
  context.store = store_.get();
  context.dispatcher = dispatcher_.get();
  context.reconciler = reconciler_.get();
  context.executor = executor_.get();
  context.runners = runner_directory_.get();
  context.token = settings.token.reveal();
  context.version = LXDRUNNER_VERSION;
  context.started_at_ms = started_at_ms_;
  operator_api_ = std::make_unique<operator_api::OperatorApi>(std::move(context));
  api_server_ = std::make_unique<operator_api::ApiServer>(
      settings.host, static_cast<uint16_t>(settings.port), *operator_api_);
  try {
    api_server_->start();
  } catch (const std::exception& e) {
    return std::string(e.what());
  }
  Poco::Logger::get("operator_api")
      .information("operator API listening on http://%s:%s/api/v1", settings.host,
                   std::to_string(api_server_->port()));
  return std::nullopt;
}

}  // namespace lxdrunner::daemon
