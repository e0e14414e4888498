// SPDX-License-Identifier: Apache-2.0
#include "runner_credential.hpp"

#include "lxdrunner/sdk/error.hpp"

namespace lxdrunner::provisioners {

namespace {

bool startsWith(const std::string& s, const std::string& prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// The part after `prefix` when it has exactly `parts` non-empty '/'-separated parts.
bool scopeTail(const std::string& scope, const std::string& prefix, int parts, std::string& out) {
  if (!startsWith(scope, prefix)) return false;
  out = scope.substr(prefix.size());
  int seen = 1;
  for (char c : out) seen += c == '/' ? 1 : 0;
  return seen == parts && !out.empty() && out.front() != '/' && out.back() != '/' &&
         out.find("//") == std::string::npos;
}

}  // namespace

RunnerCredential obtainCredential(const sdk::Host& host, const sdk::ProvisionRequest& request,
                                  CredentialMode mode, const std::string& provisioner) {
  sdk::RunnerRequest ask;
  ask.runner_name = request.instance.name;
  ask.labels = request.labels;
  ask.scope = request.scope;
  ask.job_id = request.job_id;
  ask.deadline_ms = request.deadline_ms;
  RunnerCredential credential;
  credential.mode = mode;
  const char* what =
      mode == CredentialMode::kJit ? "a JIT runner configuration" : "a registration token";
  try {
    credential.value =
        mode == CredentialMode::kJit ? host.jitConfig(ask) : host.registrationToken(ask);
  } catch (const sdk::Error& e) {
    throw sdk::Error(e.status(), "provisioner " + provisioner + ": obtaining " + what + " for " +
                                     request.instance.name + " (" + request.scope +
                                     ") failed: " + e.what());
  }
  if (credential.value.empty()) {
    throw sdk::Error(LXDR_ERR_INTERNAL, "provisioner " + provisioner + ": the daemon returned " +
                                            "an empty value for " + what);
  }
  return credential;
}

std::string runnerUrl(const std::string& github_url, const std::string& scope,
                      const std::string& provisioner) {
  if (github_url.empty()) {
    throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                     "provisioner " + provisioner +
                         ": registration-token mode needs the github_url setting "
                         "(the daemon normally provides it)");
  }
  std::string tail;
  if (scopeTail(scope, "repos/", 2, tail) || scopeTail(scope, "orgs/", 1, tail)) {
    return github_url + "/" + tail;
  }
  if (scopeTail(scope, "enterprises/", 1, tail)) return github_url + "/enterprises/" + tail;
  throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                   "provisioner " + provisioner + ": scope '" + scope +
                       "' is not repos/OWNER/REPO, orgs/ORG or enterprises/ENTERPRISE");
}

}  // namespace lxdrunner::provisioners
