// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "sim/app_jwt.hpp"
#include "sim/download_catalog.hpp"
#include "sim/fault_injector.hpp"
#include "sim/github_objects.hpp"
#include "sim/rate_limiter.hpp"
#include "sim/sim_clock.hpp"
#include "sim/sim_state.hpp"
#include "sim/simulator_options.hpp"
#include "sim/webhook_sender.hpp"

namespace lxdrunner::github_sim {

// Everything a route handler may use. The parts have their own locks except `state`, whose
// mutex handlers hold while they read or change it.
struct SimContext {
  explicit SimContext(const SimulatorOptions& opts);

  const SimulatorOptions options;
  SimClock clock;
  SimState state;
  RateLimiter limiter;
  FaultInjector faults;
  DownloadCatalog downloads;
  AppJwtVerifier jwt;
  WebhookSender sender;
  std::atomic<std::int64_t> installationTokenLifetime;
  std::atomic<bool> stopping{false};
  // Set once the socket is bound; read-only afterwards.
  std::string publicUrl;

  SiteUrls urls() const { return {publicUrl, publicUrl}; }
  // Writes the state file when one is configured. Caller holds state.mutex.
  void persist();
};

}  // namespace lxdrunner::github_sim
