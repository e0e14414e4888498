// SPDX-License-Identifier: Apache-2.0
// The `image` provisioner: the fastest path, for images that already hold the runner (at
// provisioner_options.runner_dir, for provisioner_options.user). One push (the credential)
// and one exec (the setup script, passed inline, which only starts the runner).
#pragma once

#include <string>

#include "runner_provisioner.hpp"

namespace lxdrunner::provisioners {

class ImageProvisioner : public RunnerProvisioner {
 public:
  static constexpr const char* kName = "image";
  static constexpr const char* kVersion = "1.1.0";
  static constexpr const char* kDescription =
      "starts the runner already installed in the image with a fresh JIT configuration";
  static constexpr const char* kConfigSchema =
      R"({"type":"object","properties":{"github_url":{"type":"string"},)"
      R"("default_setup_script":{"type":"string"}}})";

  ImageProvisioner(sdk::Host host, std::string config_json)
      : RunnerProvisioner(std::move(host), std::move(config_json), kName) {}

  // Cold: everything in one setup script run.
  void provision(const sdk::ProvisionRequest& request, std::string& log) override;
  // Warm pools: everything but the credential and the runner start; then those two.
  void prepare(const sdk::ProvisionRequest& request, std::string& log) override;
  void start(const sdk::ProvisionRequest& request, std::string& log) override;
};

}  // namespace lxdrunner::provisioners
