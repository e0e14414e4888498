// SPDX-License-Identifier: Apache-2.0
// `lxdrunner webhook install`: creates or updates the repository or organisation webhook
// that sends workflow_job events to the daemon, with the configured hooksecret. Idempotent:
// a second run with the same settings changes nothing and says so.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "config/config.hpp"
#include "github/github_client.hpp"

namespace lxdrunner::cli {

struct WebhookInstallRequest {
  std::string scope;        // "repos/OWNER/REPO" or "orgs/ORG"
  std::string url;          // where GitHub delivers
  std::string secret;       // the hooksecret; never printed
  std::string record_file;  // WebhookSecretRecord file
  std::string record_key;   // identifies GitHub (the API URL); the hook id is appended
};

enum class WebhookOutcome { Created, Updated, Unchanged };

struct WebhookInstallResult {
  WebhookOutcome outcome = WebhookOutcome::Unchanged;
  uint64_t hook_id = 0;
  std::string line;     // one line for the user, without the secret
  std::string warning;  // empty, or why the next run may set the secret again
};

// Finds the hook with this URL, else one whose URL ends with the same path (a moved
// daemon), and makes it active, json, workflow_job only, with the secret; creates one when
// there is none. Throws github::GithubError with GitHub's message.
WebhookInstallResult installWebhook(github::GithubClient& client,
                                    const WebhookInstallRequest& request);

struct WebhookInstallOptions {
  std::string repo;  // OWNER/REPO, or
  std::string org;   // ORG
  std::string url;
};

// The command: checks the options and the configuration, prints one line. Returns 0 on
// success, 1 on failure, 64 for a usage error.
int runWebhookInstall(const config::Config& config, const WebhookInstallOptions& options,
                      std::ostream& out, std::ostream& err);

}  // namespace lxdrunner::cli
