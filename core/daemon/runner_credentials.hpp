// SPDX-License-Identifier: Apache-2.0
// JIT runner configurations at repository or organisation scope, in the runner group the
// configuration names: the name becomes GitHub's group id here (github/runner_groups.hpp),
// after checking that the group lets the job's repository in.
#pragma once

#include <string>

#include "daemon/credential_prefetch.hpp"
#include "github/github_client.hpp"
#include "github/runner_groups.hpp"

namespace lxdrunner::daemon {

class RunnerCredentials {
 public:
  explicit RunnerCredentials(github::GithubClient& client) : client_(client), groups_(client) {}

  // Throws GithubError: what GitHub answered, a group that does not exist or does not allow
  // the repository, or a group asked for at repository scope (only the default group exists
  // there).
  github::JitConfig jitConfig(const CredentialPrefetch::Ask& ask, github::RequestOptions options);

 private:
  github::GithubClient& client_;
  github::RunnerGroups groups_;
};

}  // namespace lxdrunner::daemon
