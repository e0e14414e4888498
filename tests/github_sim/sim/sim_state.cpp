// SPDX-License-Identifier: Apache-2.0
#include "sim/sim_state.hpp"

#include <algorithm>

namespace lxdrunner::github_sim {

bool Hook::wants(const std::string& event) const {
  if (!active) return false;
  return std::any_of(events.begin(), events.end(),
                     [&](const std::string& e) { return e == "*" || e == event; });
}

std::int64_t SimState::takeJobId() {
  ++jobsCreated;
  return (jobsCreated % 2 == 0) ? nextLargeJobId++ : nextSmallJobId++;
}

std::int64_t SimState::accountId(const std::string& login) {
  auto [it, inserted] = accountIds.emplace(toLower(login), nextAccountId);
  if (inserted) ++nextAccountId;
  return it->second;
}

std::int64_t SimState::repositoryId(const std::string& fullName) {
  auto [it, inserted] = repositoryIds.emplace(toLower(fullName), nextRepositoryId);
  if (inserted) ++nextRepositoryId;
  return it->second;
}

std::int64_t SimState::labelId(const std::string& label) {
  auto [it, inserted] = labelIds.emplace(toLower(label), nextLabelId);
  if (inserted) ++nextLabelId;
  return it->second;
}

Runner* SimState::findRunner(std::int64_t id) {
  auto it = runners.find(id);
  return it == runners.end() ? nullptr : &it->second;
}

Runner* SimState::findRunnerByName(const std::string& scopeKey, const std::string& name) {
  for (auto& [id, runner] : runners) {
    if (runner.scope.key() == scopeKey && equalsIgnoreCase(runner.name, name)) return &runner;
  }
  return nullptr;
}

const IssuedToken* SimState::liveToken(const std::string& token, const std::string& kind,
                                       std::int64_t now) const {
  auto it = tokens.find(token);
  if (it == tokens.end() || it->second.kind != kind || it->second.expiresAt <= now) {
    return nullptr;
  }
  return &it->second;
}

std::optional<RunnerGroup> SimState::runnerGroup(const std::string& org, std::int64_t id) const {
  if (id == 1) {
    RunnerGroup fallback;
    fallback.id = 1;
    fallback.org = org;
    fallback.name = "Default";
    return fallback;
  }
  auto it = runnerGroups.find(id);
  if (it == runnerGroups.end() || !equalsIgnoreCase(it->second.org, org)) return std::nullopt;
  return it->second;
}

bool SimState::groupAllows(const std::string& org, std::int64_t id, const std::string& repo) const {
  const auto group = runnerGroup(org, id);
  if (!group) return false;
  auto known = repositories.find(toLower(repo));
  const bool isPrivate = known != repositories.end() && known->second.isPrivate;
  if (group->visibility == "private") return isPrivate;
  if (group->visibility == "selected") {
    for (const auto& name : group->repositories) {
      if (equalsIgnoreCase(name, repo)) return true;
    }
    return false;
  }
  return group->allowsPublicRepositories || isPrivate;
}

std::map<std::string, Repository> SimState::knownRepositories() const {
  std::map<std::string, Repository> out = repositories;
  for (const auto& [id, run] : runs) {
    Repository repository;
    repository.fullName = run.repo;
    repository.orgOwned = !run.org.empty();
    out.emplace(toLower(run.repo), repository);
  }
  return out;
}

void SimState::clearActivity() {
  runners.clear();
  jobs.clear();
  runs.clear();
  deliveries.clear();
  tokens.clear();
  requestCounts.clear();
  apiVersions.clear();
  acceptHeaders.clear();
  for (auto& [id, hook] : hooks) {
    hook.lastResponseCode = 0;
    hook.lastResponseStatus = "unused";
    hook.lastResponseMessage.clear();
  }
}

}  // namespace lxdrunner::github_sim
