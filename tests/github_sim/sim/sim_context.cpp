// SPDX-License-Identifier: Apache-2.0
#include "sim/sim_context.hpp"

#include <iostream>

#include "sim/state_snapshot.hpp"
#include "sim/webhook_dispatch.hpp"

namespace lxdrunner::github_sim {
namespace {

// GitHub gives a receiver 10 seconds to answer.
constexpr std::chrono::milliseconds kDeliveryTimeout{10000};

}  // namespace

SimContext::SimContext(const SimulatorOptions& opts)
    : options(opts),
      limiter(clock, opts.rateLimit, opts.rateLimitWindowSeconds, opts.secondaryPointsPerMinute),
      jwt(opts.appId, opts.appPublicKeyPem),
      sender([this](std::int64_t id,
                    const DeliveryOutcome& outcome) { recordDeliveryOutcome(*this, id, outcome); },
             kDeliveryTimeout),
      installationTokenLifetime(opts.installationTokenLifetimeSeconds) {}

void SimContext::persist() {
  if (options.stateFile.empty()) return;
  try {
    writeFileAtomically(options.stateFile, toJson(stateSnapshot(*this, true)));
  } catch (const std::exception& e) {
    // Losing persistence must not take the simulator down mid-test; say it loudly instead.
    std::cerr << "github-sim: cannot save state: " << e.what() << std::endl;
  }
}

}  // namespace lxdrunner::github_sim
