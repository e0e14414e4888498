// SPDX-License-Identifier: Apache-2.0
#include "daemon/remote_device_prober.hpp"

#include <Poco/Logger.h>

#include <exception>

#include "config/device_availability.hpp"
#include "config/device_resources.hpp"

namespace lxdrunner::daemon {

RemoteDeviceProber::RemoteDeviceProber(const config::Config& config, Fetch fetch,
                                       std::chrono::milliseconds interval)
    : config_(config),
      fetch_(std::move(fetch)),
      interval_(interval),
      remotes_(remotesToProbe(config)) {}

RemoteDeviceProber::~RemoteDeviceProber() {
  stop();
}

std::set<std::string> RemoteDeviceProber::remotesToProbe(const config::Config& config) {
  std::set<std::string> out;
  for (const auto& pool : config.device_pools) {
    if (!config::checkableThroughResources(pool.type)) continue;
    for (const auto& item : pool.items) {
      if (!config::isThisHost(config, item.remote) && config.findRemote(item.remote) != nullptr)
        out.insert(item.remote);
    }
  }
  return out;
}

void RemoteDeviceProber::start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (thread_.joinable() || remotes_.empty()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void RemoteDeviceProber::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RemoteDeviceProber::loop() {
  for (;;) {
    probeOnce();
    std::unique_lock<std::mutex> lock(mu_);
    if (cv_.wait_for(lock, interval_, [this] { return stopping_; })) return;
  }
}

void RemoteDeviceProber::probeOnce() {
  for (const auto& remote : remotes_) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    probe(remote);
  }
}

void RemoteDeviceProber::probe(const std::string& name) {
  auto& log = Poco::Logger::get("devices");
  const config::Remote* const remote = config_.findRemote(name);
  if (remote == nullptr) return;
  std::map<std::string, std::string> missing;
  try {
    const auto resources = config::parseLxdResources(fetch_(*remote));
    for (const auto& pool : config_.device_pools) {
      for (const auto& item : pool.items) {
        if (item.remote != name) continue;
        if (auto why = config::missingFromResources(pool, item, resources)) {
          missing[config::deviceItemKey(pool.name, item.remote, item.id())] = std::move(*why);
        }
      }
    }
  } catch (const std::exception& e) {
    std::lock_guard<std::mutex> lock(mu_);
    RemoteState& state = state_[name];
    if (state.answering) {
      log.warning(
          "device pool items on remote '%s' are not checked: %s; they keep their last state "
          "until it answers",
          name, std::string(e.what()));
    }
    state.answering = false;
    return;
  }
  std::lock_guard<std::mutex> lock(mu_);
  RemoteState& state = state_[name];
  if (!state.answering) {
    log.information("remote '%s' answers again: its device pool items are checked", name);
  }
  state.answering = true;
  state.missing = std::move(missing);
}

std::map<std::string, std::string> RemoteDeviceProber::snapshot() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::map<std::string, std::string> out;
  for (const auto& [remote, state] : state_) out.insert(state.missing.begin(), state.missing.end());
  return out;
}

}  // namespace lxdrunner::daemon
