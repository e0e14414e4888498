// SPDX-License-Identifier: Apache-2.0
// 1,000 jobs through the dispatcher with a no-op backend and provisioner: what the daemon
// itself costs per job (store writes, scheduling, bookkeeping), with nothing else in the way.
// Prints jobs/s and the per-job overhead from "queued event handled" to "provision called"
// (the dispatcher's share of a launch), p50/p99, and the end-to-end wall time.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "../dispatch/harness.hpp"

using namespace lxdrunner;
using Clock = std::chrono::steady_clock;

namespace {

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto index = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  return v[index];
}

uint64_t jobOf(const std::string& instance) {
  // lxdrunner-<job>-<attempt><tail>
  const auto first = instance.find('-');
  const auto second = instance.find('-', first + 1);
  return std::stoull(instance.substr(first + 1, second - first - 1));
}

}  // namespace

int main(int argc, char** argv) {
  const int jobs = argc > 1 ? std::atoi(argv[1]) : 1000;
  const int max_workers = argc > 2 ? std::atoi(argv[2]) : 10;
  dispatch::test::Harness h(
      {dispatch::test::makeEntry("linux", {"self-hosted", "linux"}, max_workers)}, max_workers);
  h.config.dispatcher.launch_concurrency = max_workers;  // launches never queue behind each other
  h.open();
  std::mutex mu;
  std::map<uint64_t, Clock::time_point> queued_at;
  std::vector<double> overhead_ms;
  h.executor.on_provision = [&](const std::string& instance) {
    const auto now = Clock::now();
    std::lock_guard<std::mutex> lock(mu);
    auto it = queued_at.find(jobOf(instance));
    if (it != queued_at.end()) {
      overhead_ms.push_back(std::chrono::duration<double, std::milli>(now - it->second).count());
    }
    return dispatch::StepResult{};
  };
  h.dispatcher->start();
  const auto start = Clock::now();
  for (int i = 1; i <= jobs; ++i) {
    auto e = h.github.queue(static_cast<uint64_t>(i), {"self-hosted", "linux"});
    {
      std::lock_guard<std::mutex> lock(mu);
      queued_at[static_cast<uint64_t>(i)] = Clock::now();
    }
    h.dispatcher->handle(e);
  }
  const auto accepted = Clock::now();
  const bool done = dispatch::test::waitFor([&] {
    h.github.assign();
    h.github.completeRunning();
    return h.github.allCompleted() && h.executor.liveCount() == 0;
  });
  const auto end = Clock::now();
  const double total_s = std::chrono::duration<double>(end - start).count();
  const double accept_ms = std::chrono::duration<double, std::milli>(accepted - start).count();
  size_t served_once = 0;
  for (const auto& [id, n] : h.github.served()) served_once += n == 1 ? 1 : 0;
  // The first max_workers jobs start at once; the others wait for capacity, which measures
  // the fake GitHub's pace, not the dispatcher. The dispatcher's own cost is the overhead of
  // jobs that found capacity free: the first wave.
  std::vector<double> first_wave(
      overhead_ms.begin(),
      overhead_ms.begin() + std::min<long>(max_workers, static_cast<long>(overhead_ms.size())));
  std::printf("dispatch bench: %d jobs, max_workers %d, no-op backend and provisioner\n", jobs,
              max_workers);
  std::printf("  served exactly once: %zu of %d (%s)\n", served_once, jobs,
              done ? "all completed" : "TIMED OUT");
  std::printf("  intake: %.1f ms for %d queued events (%.1f us/event: dedupe + durable insert)\n",
              accept_ms, jobs, 1000.0 * accept_ms / jobs);
  std::printf(
      "  throughput: %.0f jobs/s end to end (queued -> launched -> runner -> completed -> "
      "removed), %.3f s total\n",
      jobs / total_s, total_s);
  std::printf(
      "  dispatcher time per job (queued -> provision called, includes waiting for a "
      "slot): p50 %.2f ms, p99 %.2f ms\n",
      percentile(overhead_ms, 0.5), percentile(overhead_ms, 0.99));
  std::printf("  with a free slot (first %d jobs): p50 %.3f ms, p99 %.3f ms\n", max_workers,
              percentile(first_wave, 0.5), percentile(first_wave, 0.99));
  std::printf("  per-job dispatcher CPU budget: %.3f ms (total wall / jobs)\n",
              1000.0 * total_s / jobs);
  return done && served_once == static_cast<size_t>(jobs) ? 0 : 1;
}
