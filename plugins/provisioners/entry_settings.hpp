// SPDX-License-Identifier: Apache-2.0
// What a provisioner reads from the runnermap entry it serves: the entry's own keys
// (setup_script, runner_group, ephemeral) and its free-form provisioner_options. Known
// options of the wrong type fail the job with a message naming the key; other keys are
// left for a custom setup script (it gets all options as JSON) and named in the job log.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lxdrunner::provisioners {

enum class CredentialMode { kJit, kRegistrationToken };

std::string_view toString(CredentialMode mode);

// What the setup script expects of lxdrunner. kLxdrunner: the LXDRUNNER_* environment and
// credential file (config/runner-setup.sh). kOriginal: the original (Python) lxdrunner's, so
// that its scripts run unchanged: /opt/runner/setupvars.conf, /opt/runner/actions-runner.tgz,
// a registration token, passwordless sudo for the runner user (original_contract.hpp).
enum class SetupContract { kLxdrunner, kOriginal };

// Per-step limits of the setup script, in seconds (each also cut to the request deadline).
struct StepTimeouts {
  uint32_t cloud_init = 600;
  uint32_t user = 60;
  uint32_t unpack = 300;
  uint32_t configure = 120;
  uint32_t start = 30;
};

struct EntrySettings {
  // From the entry itself.
  std::string setup_script;  // host path; empty = the provisioner's default
  std::string runner_group;  // empty = the default group
  bool ephemeral = true;
  // From provisioner_options.
  SetupContract setup_contract = SetupContract::kLxdrunner;
  CredentialMode credentials = CredentialMode::kJit;
  std::string user = "runner";
  uint32_t uid = 1001;
  std::string runner_dir = "/opt/actions-runner";
  bool sudo = false;  // true by default with the original contract, which promised it
  bool poweroff = true;
  uint32_t start_grace = 1;
  std::string mount_path = "/opt/lxdrunner/runner";  // disk-mount only
  StepTimeouts timeouts;
  // Variables of the instance's environment (an entry's environment.* keys) the runner
  // gets; none by default, as they may hold what only the setup should see.
  std::vector<std::string> runner_environment;
  std::string options_json = "{}";           // provisioner_options as JSON text
  std::vector<std::string> unknown_options;  // keys none of the provisioners reads
};

// Throws sdk::Error(LXDR_ERR_INVALID_ARGUMENT) naming the key and what it must be.
EntrySettings parseEntrySettings(const std::string& entry_json);

}  // namespace lxdrunner::provisioners
