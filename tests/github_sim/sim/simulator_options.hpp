// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lxdrunner::github_sim {

// A runner tarball (or any file) the simulator serves itself and lists in
// GET /{scope}/actions/runners/downloads.
struct DownloadFile {
  std::string os = "linux";
  std::string architecture = "x64";
  std::string filename;
  std::string path;  // read at start-up when content is empty
  std::string content;
};

struct SimulatorOptions {
  std::string bindAddress = "127.0.0.1";
  std::uint16_t port = 0;  // 0: the kernel picks one; GithubSimulator::port() tells which
  // URL clients and runners reach the simulator at (e.g. the LXD bridge address). Written into
  // JIT configs, download URLs and payload URLs; defaults to http(s)://<bind>:<port>.
  std::string publicUrl;

  std::string tlsCertFile;  // both set: serve HTTPS
  std::string tlsKeyFile;

  std::string stateFile;  // persist state across restarts when set
  bool verbose = false;   // one line per request on stderr

  // The webhook every event goes to (the GitHub App's hook). Empty URL: no app hook.
  std::string webhookUrl;
  std::string webhookSecret;
  bool webhookInsecure = false;  // skip TLS verification of an https webhook URL
  std::string webhookCaFile;     // trust this CA for an https webhook URL
  std::int64_t appHookId = 1;

  // GitHub App: JWTs must be RS256-signed by the key whose public half this is.
  std::int64_t appId = 0;
  std::string appPublicKeyPem;
  std::int64_t installationId = 0;  // added to payloads; 0 = none (PAT setup)
  std::int64_t installationTokenLifetimeSeconds = 3600;

  std::vector<std::string> pats;  // accepted personal access tokens

  std::int64_t rateLimit = 5000;  // primary limit per token and window
  std::int64_t rateLimitWindowSeconds = 3600;
  std::int64_t secondaryPointsPerMinute = 0;  // 0: off; GitHub's figure is 900

  std::vector<DownloadFile> downloads;

  int maxThreads = 64;  // long-polling runners each hold one
};

}  // namespace lxdrunner::github_sim
