// SPDX-License-Identifier: Apache-2.0
// The `disk-mount` provisioner: attaches the host's unpacked runner cache read-only as an
// LXD disk device and runs the runner from there, with a small writable root built per
// instance by the setup script (copies of the scripts and executables, symlinks for the
// rest): no tarball copy per job. See docs/provisioners.md for why the root looks so.
#pragma once

#include <string>

#include "runner_provisioner.hpp"

namespace lxdrunner::provisioners {

class DiskMountProvisioner : public RunnerProvisioner {
 public:
  static constexpr const char* kName = "disk-mount";
  static constexpr const char* kVersion = "1.1.0";
  static constexpr const char* kDescription =
      "runs the host's unpacked runner cache from a read-only disk device";
  static constexpr const char* kConfigSchema =
      R"({"type":"object","properties":{"github_url":{"type":"string"},)"
      R"("default_setup_script":{"type":"string"}}})";

  DiskMountProvisioner(sdk::Host host, std::string config_json)
      : RunnerProvisioner(std::move(host), std::move(config_json), kName) {}

  // Cold: everything in one setup script run.
  void provision(const sdk::ProvisionRequest& request, std::string& log) override;
  // Warm pools: everything but the credential and the runner start; then those two.
  void prepare(const sdk::ProvisionRequest& request, std::string& log) override;
  void start(const sdk::ProvisionRequest& request, std::string& log) override;

 private:
  // Attaches the unpacked runner cache read-only; returns the setup script's text.
  std::string attachRunner(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                           std::string& log) const;
};

// The LXD device map: {"type":"disk","source":DIR,"path":PATH,"readonly":"true"}.
std::string runnerDiskDevice(const std::string& host_dir, const std::string& guest_path);

}  // namespace lxdrunner::provisioners
