// SPDX-License-Identifier: Apache-2.0
// Runs the setup script in the instance and turns its outcome into the job log and, on
// failure, one error naming the exit status and the script's last lines. The runner's own
// log is pulled into the job log when the script fails, as it usually says why.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "lxdrunner/sdk/host.hpp"
#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::provisioners {

struct SetupInvocation {
  std::string provisioner;  // for messages
  sdk::InstanceRef instance;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  int64_t deadline_ms = 0;
  std::string secret;      // masked out of everything appended to the log or an error
  std::string stdin_data;  // the script's standard input (the credential, in phase start)
};

// Exit 0 returns. Otherwise throws sdk::Error: exit 124 → LXDR_ERR_TIMEOUT (a step ran out of
// time), 2 → LXDR_ERR_INVALID_ARGUMENT (bad input: fix the entry or image), others →
// LXDR_ERR_INTERNAL; a failed exec keeps the host's status.
void runSetupScript(const sdk::Host& host, const SetupInvocation& run, std::string& log);

// The last `count` non-empty lines of `text`, joined with " | ".
std::string lastLines(const std::string& text, size_t count);

}  // namespace lxdrunner::provisioners
