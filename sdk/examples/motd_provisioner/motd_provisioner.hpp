// SPDX-License-Identifier: Apache-2.0
// Example provisioner: writes a message of the day into the instance and checks it landed.
// It reaches the instance only through host services, so it works on any backend.
#pragma once

#include <string>

#include "lxdrunner/sdk.hpp"

namespace example {

class MotdProvisioner : public lxdrunner::sdk::Provisioner {
 public:
  static constexpr const char* kName = "example-motd";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "writes /etc/motd (an SDK example)";
  // The settings as the constructor gets them: the daemon adds github_url to every
  // provisioner's (docs/plugin-authoring.md, section 3), so a closed schema lists it.
  static constexpr const char* kConfigSchema =
      R"({"type":"object","properties":{"message":{"type":"string"},)"
      R"("github_url":{"type":"string"}},"additionalProperties":false})";

  MotdProvisioner(lxdrunner::sdk::Host host, std::string config_json)
      : Provisioner(std::move(host), std::move(config_json)),
        // Read settings once, at create(): a bad configuration fails the daemon's start-up,
        // not a job.
        message_(this->host().config("message", "This runner was provisioned by lxdrunner.")) {}

  void provision(const lxdrunner::sdk::ProvisionRequest& request, std::string& log) override {
    using lxdrunner::sdk::Error;
    using lxdrunner::sdk::ExecRequest;
    using lxdrunner::sdk::FilePush;

    host().checkpoint(request.deadline_ms, "example-motd");
    FilePush motd = FilePush::fromContent("/etc/motd", message_ + "\n", 0644);
    motd.deadline_ms = request.deadline_ms;
    host().pushFile(request.instance, motd);

    ExecRequest check;
    check.argv = {"cat", "/etc/motd"};
    check.deadline_ms = request.deadline_ms;
    auto result = host().exec(request.instance, check);
    if (result.exit_code != 0) {
      // TRANSIENT: the daemon may retry the job on a fresh instance.
      throw Error(LXDR_ERR_TRANSIENT,
                  "cat /etc/motd exited " + std::to_string(result.exit_code) + ": " + result.err);
    }
    log += "motd: " + result.out;
    host().debug("wrote /etc/motd in " + request.instance.name);
  }

 private:
  std::string message_;
};

}  // namespace example
