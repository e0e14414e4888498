// SPDX-License-Identifier: Apache-2.0
#include "observability/readiness.hpp"

#include <exception>

namespace lxdrunner::observability {

Readiness::Readiness(Clock clock) : clock_(std::move(clock)) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

void Readiness::add(std::string name, Check check, std::chrono::milliseconds cache_for) {
  std::lock_guard<std::mutex> lock(mu_);
  Entry e;
  e.name = std::move(name);
  e.check = std::move(check);
  e.cache_for = cache_for;
  checks_.push_back(std::move(e));
}

Readiness::Report Readiness::evaluate() {
  std::lock_guard<std::mutex> lock(mu_);
  Report report;
  const auto now = clock_();
  for (auto& e : checks_) {
    if (!e.asked || now - e.asked_at >= e.cache_for) {
      try {
        e.last = e.check();
      } catch (const std::exception& ex) {
        e.last = std::string(ex.what());
      } catch (...) {
        e.last = std::string("unknown error");
      }
      e.asked = true;
      e.asked_at = now;
    }
    std::string reason = e.last.value_or("");
    for (auto& c : reason) {
      if (c == '\n' || c == '\r') c = ' ';  // one line per check, whatever the error says
    }
    if (e.last) {
      report.ready = false;
      report.body += e.name + " fail: " + reason + "\n";
    } else {
      report.body += e.name + " ok\n";
    }
  }
  return report;
}

}  // namespace lxdrunner::observability
