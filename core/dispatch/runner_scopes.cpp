// SPDX-License-Identifier: Apache-2.0
#include "dispatch/runner_scopes.hpp"

#include <algorithm>
#include <tuple>

namespace lxdrunner::dispatch {

void RunnerScopes::sweepOnce(const std::vector<std::string>& repositories) {
  sweep_.insert(repositories.begin(), repositories.end());
}

std::vector<std::string> RunnerScopes::plan(const Inputs& inputs, int64_t now_ms) {
  enum Rank { kLive = 0, kVacatedOrDue = 1, kSweep = 2 };
  std::map<std::string, int> rank;
  auto want = [&rank](const std::string& repository, int r) {
    auto [it, fresh] = rank.emplace(repository, r);
    if (!fresh) it->second = std::min(it->second, r);
  };
  for (const auto& repository : inputs.live) want(repository, kLive);
  std::set<std::string> recent;
  for (const auto& [repository, gone_ms] : inputs.vacated) {
    recent.insert(repository);
    auto it = scopes_.find(repository);
    // >=: an instance destroyed in the very millisecond of the last look may postdate it.
    if (it == scopes_.end() || gone_ms >= it->second.looked_ms) want(repository, kVacatedOrDue);
  }
  for (auto it = scopes_.begin(); it != scopes_.end();) {
    const Scope& s = it->second;
    if (s.due_ms != 0 && s.due_ms <= now_ms) want(it->first, kVacatedOrDue);
    const bool needed = s.due_ms != 0 || inputs.live.count(it->first) || recent.count(it->first);
    it = needed ? std::next(it) : scopes_.erase(it);
  }
  for (const auto& repository : sweep_) want(repository, kSweep);

  std::vector<std::tuple<int, int64_t, std::string>> order;
  order.reserve(rank.size());
  for (const auto& [repository, r] : rank) {
    auto it = scopes_.find(repository);
    order.emplace_back(r, it == scopes_.end() ? 0 : it->second.looked_ms, repository);
  }
  std::sort(order.begin(), order.end());
  std::vector<std::string> out;
  out.reserve(order.size());
  for (auto& entry : order) out.push_back(std::move(std::get<2>(entry)));
  return out;
}

void RunnerScopes::looked(const std::string& repository, int64_t now_ms) {
  scopes_[repository].looked_ms = now_ms;
  sweep_.erase(repository);
}

void RunnerScopes::pending(const std::string& repository, int64_t due_ms) {
  auto it = scopes_.find(repository);
  if (it != scopes_.end()) {
    it->second.due_ms = due_ms;
  } else if (due_ms != 0) {
    scopes_[repository].due_ms = due_ms;
  }
}

}  // namespace lxdrunner::dispatch
