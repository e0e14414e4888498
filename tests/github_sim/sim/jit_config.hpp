// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace lxdrunner::github_sim {

struct JitConfigInput {
  std::int64_t runnerId = 0;
  std::string runnerName;
  std::int64_t poolId = 1;
  std::string poolName = "Default";
  std::string serverUrl;  // where the runner talks to (the simulator)
  std::string gitHubUrl;  // the repository or organisation URL the runner serves
  std::string workFolder = "_work";
  std::string token;  // single-use credential, checked by POST /_sim/runner/session
};

// Like GitHub's encoded_jit_config: base64 of a JSON object mapping the runner's file names
// (.runner, .credentials, .credentials_rsaparams) to the base64 of each file's content.
std::string encodeJitConfig(const JitConfigInput& input);

// The files inside an encoded JIT config (name -> decoded content); throws BadInput.
std::map<std::string, std::string> decodeJitConfig(const std::string& encoded);

// The single-use token from .credentials; throws BadInput when there is none.
std::string jitConfigToken(const std::string& encoded);

}  // namespace lxdrunner::github_sim
