// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "sim/github_simulator.hpp"
#include "sim_http_client.hpp"
#include "webhook_receiver.hpp"

namespace lxdrunner::github_sim::testing {

inline const std::string kPat = "ghp_simulatorTestToken0000000000000000";
inline const std::string kWebhookSecret = "test-webhook-secret";

inline SimulatorOptions testOptions() {
  SimulatorOptions options;
  options.bindAddress = "127.0.0.1";
  options.port = 0;
  options.pats = {kPat};
  options.maxThreads = 16;
  return options;
}

// A started simulator whose app hook posts to a recording receiver, and a client for it.
struct SimWithReceiver {
  explicit SimWithReceiver(SimulatorOptions options = testOptions())
      : simulator(withReceiver(std::move(options), receiver)), client("") {
    simulator.start();
    client = SimHttpClient(simulator.url());
  }

  static SimulatorOptions withReceiver(SimulatorOptions options, const WebhookReceiver& to) {
    options.webhookUrl = to.url();
    options.webhookSecret = kWebhookSecret;
    return options;
  }

  WebhookReceiver receiver;  // declared first: it must outlive the simulator's sender
  GithubSimulator simulator;
  SimHttpClient client;
};

}  // namespace lxdrunner::github_sim::testing
