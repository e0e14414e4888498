// SPDX-License-Identifier: Apache-2.0
#include "observability/readiness.hpp"

#include <exception>
#include <utility>

namespace lxdrunner::observability {

Readiness::Readiness(Clock clock, std::chrono::milliseconds answer_wait)
    : clock_(std::move(clock)), answer_wait_(answer_wait) {
  if (!clock_) clock_ = [] { return std::chrono::steady_clock::now(); };
}

Readiness::~Readiness() {
  std::vector<std::future<void>> in_flight;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& e : checks_) {
      if (e->in_flight.valid()) in_flight.push_back(std::move(e->in_flight));
    }
  }
  for (auto& f : in_flight) f.wait();
}

void Readiness::add(std::string name, Check check, std::chrono::milliseconds cache_for) {
  std::lock_guard<std::mutex> lock(mu_);
  auto e = std::make_unique<Entry>();
  e->name = std::move(name);
  e->check = std::move(check);
  e->cache_for = cache_for;
  checks_.push_back(std::move(e));
}

// Called with mu_ held.
void Readiness::startCheck(Entry& e) {
  e.running = true;
  e.asked_at = clock_();
  e.in_flight = std::async(std::launch::async, [this, &e] {
    std::optional<std::string> result;
    try {
      result = e.check();
    } catch (const std::exception& ex) {
      result = std::string(ex.what());
    } catch (...) {
      result = std::string("unknown error");
    }
    std::lock_guard<std::mutex> lock(mu_);
    e.last = std::move(result);
    e.answered = true;
    e.running = false;
    answered_.notify_all();
  });
}

Readiness::Report Readiness::evaluate() {
  std::unique_lock<std::mutex> lock(mu_);
  const auto now = clock_();
  std::vector<Entry*> waited;
  for (auto& e : checks_) {
    const bool due = !e->answered || now - e->asked_at >= e->cache_for;
    if (due && !e->running) startCheck(*e);
    if (e->running) waited.push_back(e.get());
  }
  answered_.wait_for(lock, answer_wait_, [&] {
    for (const Entry* e : waited) {
      if (e->running) return false;
    }
    return true;
  });

  Report report;
  for (const auto& e : checks_) {
    if (!e->answered) {
      report.ready = false;
      report.body += e->name + " fail: no answer yet (the check is still running)\n";
      continue;
    }
    std::string reason = e->last.value_or("");
    for (auto& c : reason) {
      if (c == '\n' || c == '\r') c = ' ';  // one line per check, whatever the error says
    }
    if (e->last) {
      report.ready = false;
      report.body += e->name + " fail: " + reason + "\n";
    } else {
      report.body += e->name + " ok\n";
    }
  }
  return report;
}

}  // namespace lxdrunner::observability
