// SPDX-License-Identifier: Apache-2.0
// What the runnermap's runner scopes ask of the GitHub credentials: repository runners need
// administration of the repositories, organisation runners the organisation's self-hosted
// runners permission (classic PAT: admin:org or manage_runners:org). `auto` registers in the
// organisation for an organisation's job and in the repository otherwise, so it needs the
// organisation permission, and administration only for repositories outside organisations.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include "config/model.hpp"

namespace lxdrunner::cli {

struct PermissionNeeds {
  std::vector<std::string> missing;  // the doctor fails on these
  std::vector<std::string> advice;   // and warns on these
};

// A classic PAT's scopes (X-OAuth-Scopes).
PermissionNeeds patScopeNeeds(const config::Config& config, const std::set<std::string>& scopes);

// A GitHub App installation's permissions: `permission(name)` is "read", "write" or empty.
PermissionNeeds appPermissionNeeds(
    const config::Config& config, const std::function<std::string(const std::string&)>& permission);

}  // namespace lxdrunner::cli
