// SPDX-License-Identifier: Apache-2.0
#include "daemon/runner_credentials.hpp"

#include "dispatch/registration_scope.hpp"

namespace lxdrunner::daemon {

github::JitConfig RunnerCredentials::jitConfig(const CredentialPrefetch::Ask& ask,
                                               github::RequestOptions options) {
  uint64_t group_id = 0;  // the default group
  if (!ask.runner_group.empty()) {
    const std::string org = dispatch::organizationOf(ask.scope);
    if (org.empty()) {
      throw github::GithubError(
          github::GithubError::Kind::Invalid, 0,
          "runner groups belong to organisations; " + ask.scope +
              " has only the default group: register the runner in the organisation "
              "(runner_scope: org or auto) or ask for no group",
          "runner group '" + ask.runner_group + "' for " + ask.runner_name);
    }
    group_id = groups_.resolve(org, ask.runner_group, ask.repository, options);
  }
  return client_.generateJitConfig(ask.scope, ask.runner_name, ask.labels, group_id, "", options);
}

}  // namespace lxdrunner::daemon
