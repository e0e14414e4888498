// SPDX-License-Identifier: Apache-2.0
// The secret a new runner needs, from the daemon: a single-use JIT runner configuration
// (default), or a registration token for config.sh on servers without JIT. The value is
// only ever pushed into the instance as a 0600 file; it is never logged.
#pragma once

#include <string>

#include "entry_settings.hpp"
#include "lxdrunner/sdk/host.hpp"
#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::provisioners {

struct RunnerCredential {
  CredentialMode mode = CredentialMode::kJit;
  std::string value;  // secret
};

// Runner name = instance name; labels = the entry's; scope from the request. Host failures
// are rethrown with their status and a message naming the instance and what was asked for.
RunnerCredential obtainCredential(const sdk::Host& host, const sdk::ProvisionRequest& request,
                                  CredentialMode mode, const std::string& provisioner);

// config.sh --url for a scope: <github_url>/OWNER/REPO, <github_url>/ORG or
// <github_url>/enterprises/ENTERPRISE. Throws sdk::Error(LXDR_ERR_INVALID_ARGUMENT) when
// github_url is missing or the scope has another shape.
std::string runnerUrl(const std::string& github_url, const std::string& scope,
                      const std::string& provisioner);

}  // namespace lxdrunner::provisioners
