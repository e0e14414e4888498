// SPDX-License-Identifier: Apache-2.0
// What the three provisioners share: their plugin settings, the job log's own lines, the
// runner tarball lookup, the credential push and the setup script plan. Each provisioner
// differs only in how the runner gets into the instance (pushed tarball, read-only disk,
// already in the image).
#pragma once

#include <string>

#include "entry_settings.hpp"
#include "guest_environment.hpp"
#include "lxdrunner/sdk/plugin.hpp"
#include "plugin_settings.hpp"
#include "runner_credential.hpp"

namespace lxdrunner::provisioners {

class RunnerProvisioner : public sdk::PhasedProvisioner {
 public:
  RunnerProvisioner(sdk::Host host, std::string config_json, std::string name);

 protected:
  const PluginSettings& settings() const noexcept { return settings_; }
  const std::string& name() const noexcept { return name_; }

  // One line of the provisioner's own in the job log.
  void note(std::string& log, const std::string& line) const;

  // Host path of the cached runner tarball (or its unpacked directory) for the request's
  // os/arch; the host's error is rethrown with its status, naming what was missing.
  std::string runnerTarball(const sdk::ProvisionRequest& request, bool unpacked) const;

  // Obtains the credential (after the deadline check), timing it: `what` names its kind for
  // the job log ("JIT runner configuration" or "registration token"); never log the value.
  RunnerCredential obtainTimed(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                               std::string& what, int64_t& took_ms) const;
  // Obtains the credential and pushes it as guest::kCredential, mode 0600, owned by the
  // runner user's uid/gid. Returns it (for masking; never log it).
  RunnerCredential pushCredential(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                                  std::string& log) const;
  // Phase start: the credential, and the plan to hand it to the script. On standard input
  // when `script_text` says it can take it there (no file push: no LXD file call on the
  // job's critical path), else pushed as a file as in the cold path.
  RunnerCredential startCredential(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                                   const std::string& script_text, GuestPlan& plan,
                                   std::string& log) const;

  // The plan for the setup script, for one phase ("all", "prepare" or "start"); the runner
  // URL only in registration-token mode, and not for prepare (it has no scope yet).
  GuestPlan plan(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                 RunnerSource source, const char* phase = "all") const;

  // Phase start, whole: the credential (startCredential), then either straight into the
  // armed supervisor's FIFO, with no exec, when the script arms one and the backend can
  // reach it (the fastest warm start), or the script's phase start with `argv`.
  void startRunner(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                   const std::string& script_text, GuestPlan& plan, std::vector<std::string> argv,
                   std::string& log) const;

  // Runs the setup script with `argv` and the plan's environment.
  void runScript(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                 const GuestPlan& plan, std::vector<std::string> argv,
                 const RunnerCredential& credential, std::string& log) const;

 private:
  std::string name_;
  PluginSettings settings_;
};

}  // namespace lxdrunner::provisioners
