// SPDX-License-Identifier: Apache-2.0
// /readyz: whether the daemon can do its work right now. Each check is a function that
// returns nothing when fine and one line saying what is wrong otherwise. Checks that ask
// something remote (backends listing instances, GitHub) remember their answer for a while,
// so frequent probes (a load balancer every second) cost nothing extra.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace lxdrunner::observability {

class Readiness {
 public:
  using Check = std::function<std::optional<std::string>()>;  // nullopt = ok
  using Clock = std::function<std::chrono::steady_clock::time_point()>;

  explicit Readiness(Clock clock = {});

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
    bool asked = false;
    std::chrono::steady_clock::time_point asked_at{};
    std::optional<std::string> last;
  };
  Clock clock_;
  std::mutex mu_;  // one evaluation at a time: concurrent probes share the cached answers
  std::vector<Entry> checks_;
};

}  // namespace lxdrunner::observability
