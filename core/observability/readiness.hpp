// SPDX-License-Identifier: Apache-2.0
// /readyz: whether the daemon can do its work right now. Each check is a function that
// returns nothing when fine and one line saying what is wrong otherwise. Checks that ask
// something remote (backends listing instances, GitHub) remember their answer for a while,
// so frequent probes (a load balancer every second) cost nothing extra.
//
// Due checks run at once, each on its own thread, and a probe waits for them at most
// `answer_wait`: a slow GitHub and a slow backend cost a probe the longer of the two (or the
// wait), not their sum, and probes that come meanwhile share the calls in flight. A check
// still running when the wait is over reports its previous answer (or "no answer yet").
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace lxdrunner::observability {

class Readiness {
 public:
  using Check = std::function<std::optional<std::string>()>;  // nullopt = ok
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit Readiness(Clock clock = {},
                     std::chrono::milliseconds answer_wait = std::chrono::seconds(2));
  ~Readiness();  // waits for the checks in flight
  Readiness(const Readiness&) = delete;
  Readiness& operator=(const Readiness&) = delete;

  // `cache_for` zero: asked on every probe.
  void add(std::string name, Check check, std::chrono::milliseconds cache_for);

  struct Report {
    bool ready = true;
    std::string body;  // one line per check: "NAME ok" or "NAME fail: REASON"
  };
  Report evaluate();

 private:
  struct Entry {
    std::string name;
    Check check;
    std::chrono::milliseconds cache_for{0};
    bool answered = false;
    bool running = false;
    std::chrono::steady_clock::time_point asked_at{};
    std::optional<std::string> last;
    std::future<void> in_flight;
  };
  void startCheck(Entry& e);

  Clock clock_;
  const std::chrono::milliseconds answer_wait_;
  std::mutex mu_;
  std::condition_variable answered_;
  std::vector<std::unique_ptr<Entry>> checks_;  // stable addresses for the threads
};

}  // namespace lxdrunner::observability
