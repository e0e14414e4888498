// SPDX-License-Identifier: Apache-2.0
// The `bash` provisioner: pushes the setup script and the cached runner tarball into a
// fresh instance, then the credential, and runs the script, which creates the runner user,
// unpacks the runner and starts it. Works with any image that has a POSIX shell and tar.
#pragma once

#include <string>

#include "runner_provisioner.hpp"

namespace lxdrunner::provisioners {

class BashProvisioner : public RunnerProvisioner {
 public:
  static constexpr const char* kName = "bash";
  static constexpr const char* kVersion = "1.1.0";
  static constexpr const char* kDescription =
      "runs a setup script that installs the cached runner tarball and starts the runner";
  static constexpr const char* kConfigSchema =
      R"({"type":"object","properties":{"github_url":{"type":"string"},)"
      R"("default_setup_script":{"type":"string"}}})";

  BashProvisioner(sdk::Host host, std::string config_json)
      : RunnerProvisioner(std::move(host), std::move(config_json), kName) {}

  // Cold: everything in one setup script run.
  void provision(const sdk::ProvisionRequest& request, std::string& log) override;
  // Warm pools: everything but the credential and the runner start; then those two.
  void prepare(const sdk::ProvisionRequest& request, std::string& log) override;
  void start(const sdk::ProvisionRequest& request, std::string& log) override;

 private:
  // The setup script and the runner tarball into the instance (what needs no job).
  void pushRunner(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                  std::string& log) const;

  // setup_contract: original (bash_original_contract.cpp). What needs no job: /opt/runner,
  // sudo for the runner user, the script and the runner package.
  void pushOriginal(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                    std::string& log) const;
  // Then the registration token in setupvars.conf, and the script's run. `url` is config.sh's
  // --url, worked out before anything was pushed.
  void startOriginal(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                     const std::string& url, std::string& log) const;
};

}  // namespace lxdrunner::provisioners
