// SPDX-License-Identifier: Apache-2.0
#include "dispatch/registration_scope.hpp"

namespace lxdrunner::dispatch {

std::string registrationScope(config::RunnerScope mode, const std::string& repository,
                              const std::string& organization) {
  if (repository.empty()) return {};
  if (mode != config::RunnerScope::Repo && !organization.empty()) return "orgs/" + organization;
  return "repos/" + repository;
}

namespace {

config::RunnerScope modeOf(const config::Config& config, const std::string& entry_name) {
  for (const auto& entry : config.runnermap) {
    if (entry.name == entry_name) return entry.runner_scope;
  }
  return config.runner_scope;
}

}  // namespace

std::string registrationScope(const config::Config& config, const jobs::JobRecord& job) {
  return registrationScope(modeOf(config, job.entry), job.repository, job.organization);
}

std::string registrationScope(const config::Config& config, const jobs::JobPlace& place) {
  return registrationScope(modeOf(config, place.entry), place.repository, place.organization);
}

std::string organizationOf(const std::string& scope) {
  static const std::string kPrefix = "orgs/";
  return scope.compare(0, kPrefix.size(), kPrefix) == 0 ? scope.substr(kPrefix.size())
                                                        : std::string();
}

}  // namespace lxdrunner::dispatch
