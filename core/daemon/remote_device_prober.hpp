// SPDX-License-Identifier: Apache-2.0
// Asks the LXD of every other host that has device pool items which of them are there
// (GET /1.0/resources, config/device_resources.hpp), on a thread of its own, so a slow or
// unreachable host never holds up scheduling. The dispatcher reads the last snapshot
// (Dispatcher::setRemoteDeviceSnapshot). A remote that does not answer keeps its items'
// last state: unknown is not gone.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "config/model.hpp"

namespace lxdrunner::daemon {

class RemoteDeviceProber {
 public:
  // The metadata of the remote's GET /1.0/resources as JSON text; throws when it cannot.
  using Fetch = std::function<std::string(const config::Remote&)>;

  static constexpr std::chrono::seconds kInterval{30};
  static constexpr std::chrono::seconds kTimeout{10};

  RemoteDeviceProber(const config::Config& config, Fetch fetch,
                     std::chrono::milliseconds interval = kInterval);
  ~RemoteDeviceProber();
  RemoteDeviceProber(const RemoteDeviceProber&) = delete;
  RemoteDeviceProber& operator=(const RemoteDeviceProber&) = delete;

  // The remotes it asks: those that are not this host's LXD and have a gpu, pci or usb item.
  static std::set<std::string> remotesToProbe(const config::Config& config);

  // Probes now, then every interval, until stop(). Idempotent.
  void start();
  // Waits for a probe in flight (at most its timeout). Idempotent.
  void stop();
  // Every remote once, on the calling thread.
  void probeOnce();

  // Items found missing at their remote's last answer: "POOL REMOTE ITEM" -> why.
  std::map<std::string, std::string> snapshot() const;

 private:
  struct RemoteState {
    std::map<std::string, std::string> missing;
    bool answering = true;  // until it fails once
  };
  void probe(const std::string& remote);
  void loop();

  const config::Config& config_;
  Fetch fetch_;
  std::chrono::milliseconds interval_;
  std::set<std::string> remotes_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::map<std::string, RemoteState> state_;  // remote name -> what it said last
  std::thread thread_;
};

}  // namespace lxdrunner::daemon
