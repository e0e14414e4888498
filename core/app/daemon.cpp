// SPDX-License-Identifier: Apache-2.0
#include "app/daemon.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include <chrono>
#include <set>
#include <sstream>

#include "logging/logging.hpp"
#include "lxdrunner/sdk/strings.hpp"

namespace lxdrunner::app {
namespace {}  // namespace

Daemon::Daemon(const config::Config& config, plugin_host::PluginHost& plugins)
    : config_(config), plugins_(plugins), matcher_(config.runnermap) {}

namespace {

std::chrono::steady_clock::time_point fromMonotonicMs(int64_t deadline_ms) {
  // The ABI's deadlines are CLOCK_MONOTONIC milliseconds, which is steady_clock on Linux.
  if (deadline_ms <= 0) return {};
  return std::chrono::steady_clock::time_point(std::chrono::milliseconds(deadline_ms));
}

}  // namespace

std::optional<std::string> Daemon::startGithub() {
  github::ClientSettings gs;
  gs.api_url = config_.github_api_url;
  gs.pat = config_.pat.reveal();
  if (config_.github_app) {
    gs.app = github::GithubAppCredentials{
        config_.github_app->app_id, static_cast<uint64_t>(config_.github_app->installation_id),
        config_.github_app->private_key.reveal()};
  }
  gs.shutting_down = [this] { return plugins_.services().shutting_down.load(); };
  gs.on_secret = [](const std::string& secret) { logging::addSecret(secret); };
  try {
    github_ = std::make_unique<github::GithubClient>(gs);
  } catch (const std::exception& e) {
    return std::string("GitHub client: ") + e.what();
  }
  auto& services = plugins_.services();
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
      const std::string scope = sdk::copy(r.scope);
      if (jit) {
        out = github_
                  ->generateJitConfig(scope, sdk::copy(r.runner_name),
                                      sdk::copyAll(r.labels, r.label_count), 0, "", options)
                  .encoded_jit_config;
      } else {
        out = github_->registrationToken(scope, options);
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
  Poco::JSON::Parser parser;
  auto settings =
      parser.parse(settings_json.empty() ? "{}" : settings_json).extract<Poco::JSON::Object::Ptr>();
  // What every plugin of a kind needs from the daemon-wide configuration, unless the
  // plugin's own settings say otherwise.
  if (kind == LXDR_KIND_EVENT_SOURCE && !settings->has("hooksecret") &&
      !config_.hooksecret.empty()) {
    settings->set("hooksecret", config_.hooksecret.reveal());
  }
  if (kind == LXDR_KIND_BACKEND) {
    if (!settings->has("manager")) settings->set("manager", config_.prefix);
    if (!settings->has("remotes")) {
      Poco::JSON::Object::Ptr remotes = new Poco::JSON::Object();
      for (const auto& r : config_.remotes) {
        Poco::JSON::Object::Ptr remote = new Poco::JSON::Object();
        remote->set("addr", r.addr);
        remote->set("protocol", std::string(r.protocol == config::RemoteProtocol::SimpleStreams
                                                ? "simplestreams"
                                                : "lxd"));
        remotes->set(r.name, remote);
      }
      settings->set("remotes", remotes);
    }
  }
  (void)name;
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
  wireHostServices();
  if (auto error = startGithub()) return {*error};

  std::set<std::string> backends;
  std::set<std::string> provisioners;
  for (const auto& entry : config_.runnermap) {
    backends.insert(entry.backend);
    provisioners.insert(entry.provisioner);
  }
  std::string error;
  for (const auto& name : backends) {
    if (plugins_.instantiate(name, LXDR_KIND_BACKEND,
                             pluginConfig(name, LXDR_KIND_BACKEND, pluginSettings(name)),
                             error) == nullptr) {
      errors.push_back(error);
    }
  }
  for (const auto& name : provisioners) {
    if (plugins_.instantiate(name, LXDR_KIND_PROVISIONER,
                             pluginConfig(name, LXDR_KIND_PROVISIONER, pluginSettings(name)),
                             error) == nullptr) {
      errors.push_back(error);
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
  http_ = std::make_unique<http::HttpServer>(settings, routes_);
  http_->addBuiltin("/healthz", [] { return http::BuiltinAnswer{200, "text/plain", "ok\n"}; });
  try {
    http_->start();
    Poco::Logger::get("http").information("listening on %s://%s:%s",
                                          std::string(settings.tls ? "https" : "http"),
                                          settings.host, std::to_string(http_->port()));
  } catch (const std::exception& e) {
    errors.push_back(std::string("HTTP server: ") + e.what());
  }
  return errors;
}

void Daemon::stop() {
  // Intake first, so nothing arrives after the consumer is gone.
  if (http_) http_->stop();
  for (auto it = sources_.rbegin(); it != sources_.rend(); ++it) {
    auto r = (*it)->stop();
    if (!r.ok()) Poco::Logger::get("daemon").error(r.error);
  }
  sources_.clear();
  running_ = false;
  inbox_.close();
  if (consumer_.joinable()) consumer_.join();
  plugins_.services().inbox = nullptr;
  plugins_.services().register_http_route = nullptr;
  plugins_.services().wants_labels = nullptr;
  plugins_.services().github_request = nullptr;
  plugins_.services().runner_credentials = nullptr;
}

void Daemon::consume() {
  auto& log = Poco::Logger::get("daemon");
  while (running_) {
    auto event = inbox_.pop(std::chrono::milliseconds(200));
    if (!event) continue;
    const auto& e = event->event;
    std::string labels;
    for (const auto& l : e.labels) labels += (labels.empty() ? "" : ",") + l;
    log.information("job %s %s in %s labels [%s] (from %s)", std::to_string(e.job_id),
                    std::string(sdk::jobActionName(e.action)), e.repository, labels, event->source);
  }
}

}  // namespace lxdrunner::app
