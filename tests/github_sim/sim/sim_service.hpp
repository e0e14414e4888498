// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "sim/http_types.hpp"
#include "sim/router.hpp"
#include "sim/sim_context.hpp"

namespace lxdrunner::github_sim {

// The simulator without sockets: turns a SimRequest into a SimResponse the way api.github.com
// would (GHES /api/v3 prefix, API version check, authentication, injected faults, rate limits,
// headers, error bodies) and counts every request per route for /_sim/state.
class SimService {
 public:
  explicit SimService(const SimulatorOptions& options);
  ~SimService();
  SimService(const SimService&) = delete;
  SimService& operator=(const SimService&) = delete;

  // Called once the listening URL is known: loads the state file, installs the app hook and
  // the configured downloads, and starts the webhook sender. Throws on a bad state file.
  void start(const std::string& publicUrl);
  // Wakes long-polling runners, stops the webhook sender and saves the state.
  void stop();

  SimResponse handle(SimRequest request);
  SimContext& context() { return ctx_; }

 private:
  SimResponse handleRest(const Route& route, RouteContext& rc);
  SimResponse runHandler(const Route& route, RouteContext& rc);
  void count(const SimRequest& request, const std::string& routeName, bool rest);
  void log(const SimRequest& request, int status);

  SimContext ctx_;
  Router router_;
};

}  // namespace lxdrunner::github_sim
