// SPDX-License-Identifier: Apache-2.0
#include "app/daemon.hpp"

#include <Poco/Logger.h>

#include <chrono>
#include <set>

namespace lxdrunner::app {
namespace {

const char* actionName(lxdr_job_action action) {
  switch (action) {
    case LXDR_JOB_QUEUED:
      return "queued";
    case LXDR_JOB_WAITING:
      return "waiting";
    case LXDR_JOB_IN_PROGRESS:
      return "in_progress";
    case LXDR_JOB_COMPLETED:
      return "completed";
  }
  return "unknown";
}

}  // namespace

Daemon::Daemon(const config::Config& config, plugin_host::PluginHost& plugins)
    : config_(config), plugins_(plugins) {}

Daemon::~Daemon() {
  stop();
}

std::string Daemon::pluginConfig(const std::string& name) const {
  auto it = config_.plugins.find(name);
  return it == config_.plugins.end() ? "{}" : it->second;
}

std::vector<std::string> Daemon::start() {
  std::vector<std::string> errors;
  plugins_.services().inbox = &inbox_;

  std::set<std::string> backends;
  std::set<std::string> provisioners;
  for (const auto& entry : config_.runnermap) {
    backends.insert(entry.backend);
    provisioners.insert(entry.provisioner);
  }
  std::string error;
  for (const auto& name : backends) {
    if (plugins_.instantiate(name, LXDR_KIND_BACKEND, pluginConfig(name), error) == nullptr) {
      errors.push_back(error);
    }
  }
  for (const auto& name : provisioners) {
    if (plugins_.instantiate(name, LXDR_KIND_PROVISIONER, pluginConfig(name), error) == nullptr) {
      errors.push_back(error);
    }
  }
  for (const auto& source : config_.event_sources) {
    if (!source.enabled) continue;
    auto* instance =
        plugins_.instantiate(source.name, LXDR_KIND_EVENT_SOURCE, source.settings_json, error);
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
  return errors;
}

void Daemon::stop() {
  // Intake first, so nothing arrives after the consumer is gone.
  for (auto it = sources_.rbegin(); it != sources_.rend(); ++it) {
    auto r = (*it)->stop();
    if (!r.ok()) Poco::Logger::get("daemon").error(r.error);
  }
  sources_.clear();
  running_ = false;
  inbox_.close();
  if (consumer_.joinable()) consumer_.join();
  plugins_.services().inbox = nullptr;
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
                    std::string(actionName(e.action)), e.repository, labels, event->source);
  }
}

}  // namespace lxdrunner::app
