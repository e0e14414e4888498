// SPDX-License-Identifier: Apache-2.0
// The daemon provisions many instances at once through one plugin instance. This runs a
// provisioner's operation on several threads released together, so a data race in the
// plugin meets ThreadSanitizer in a unit test (build the test with -fsanitize=thread):
//
//   auto results = lxdrunner::testkit::provisionConcurrently(calls, requests);
//   for (const auto& r : results) CHECK(r.ok());
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "lxdrunner/testkit/calls.hpp"

namespace lxdrunner::testkit {

enum class Phase { provision, prepare_then_start };

// One thread per request, all started before any calls the plugin; results in request
// order. With prepare_then_start each thread calls prepare() and, if it succeeded, start().
inline std::vector<CallResult> provisionConcurrently(
    const ProvisionerCalls& calls, const std::vector<sdk::ProvisionRequest>& requests,
    Phase phase = Phase::provision) {
  std::vector<CallResult> results(requests.size());
  std::mutex mu;
  std::condition_variable released;
  size_t ready = 0;
  bool go = false;
  std::vector<std::thread> threads;
  threads.reserve(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    threads.emplace_back([&, i] {
      {
        std::unique_lock<std::mutex> lock(mu);
        ++ready;
        released.notify_all();
        released.wait(lock, [&] { return go; });
      }
      if (phase == Phase::provision) {
        results[i] = calls.provision(requests[i]);
      } else {
        results[i] = calls.prepare(requests[i]);
        if (results[i].ok()) results[i] = calls.start(requests[i]);
      }
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    released.wait(lock, [&] { return ready == requests.size(); });
    go = true;
  }
  released.notify_all();
  for (auto& t : threads) t.join();
  return results;
}

// `count` copies of sampleProvisionRequest(), each for its own instance and job.
inline std::vector<sdk::ProvisionRequest> sampleProvisionRequests(size_t count) {
  std::vector<sdk::ProvisionRequest> out;
  for (size_t i = 0; i < count; ++i) {
    sdk::ProvisionRequest r = sampleProvisionRequest("lxdrunner-linux-" + std::to_string(5000 + i));
    r.job_id = r.job->job_id = 5000 + i;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace lxdrunner::testkit
