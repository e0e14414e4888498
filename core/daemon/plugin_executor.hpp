// SPDX-License-Identifier: Apache-2.0
// The dispatcher's Executor over plugin instances: backends by name for launch/destroy/list,
// provisioners by name for provision. Every call goes through the guarded PluginInstance.
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "dispatch/executor.hpp"
#include "plugin_host/plugin_instance.hpp"

namespace lxdrunner::daemon {

class PluginExecutor final : public dispatch::Executor {
 public:
  PluginExecutor(std::map<std::string, plugin_host::PluginInstance*> backends,
                 std::map<std::string, plugin_host::PluginInstance*> provisioners);

  dispatch::StepResult launch(const config::RunnerEntry& entry, const jobs::JobRecord& job,
                              const std::string& instance, dispatch::Deadline deadline) override;
  dispatch::StepResult provision(const config::RunnerEntry& entry, const jobs::JobRecord& job,
                                 const std::string& instance, const std::string& remote,
                                 dispatch::Deadline deadline) override;
  dispatch::StepResult destroy(const std::string& backend, const std::string& instance,
                               const std::string& remote, dispatch::Deadline deadline) override;
  dispatch::StepResult list(const std::string& backend, std::vector<dispatch::InstanceInfo>& out,
                            dispatch::Deadline deadline) override;
  bool canPrepare(const config::RunnerEntry& entry) const override;
  dispatch::StepResult prepare(const config::RunnerEntry& entry, const std::string& instance,
                               const std::string& remote, dispatch::Deadline deadline) override;
  dispatch::StepResult start(const config::RunnerEntry& entry, const jobs::JobRecord& job,
                             const std::string& instance, const std::string& remote,
                             dispatch::Deadline deadline) override;
  // Why the entry's provisioner chain cannot work (a step last, or a runner-starting one
  // before the last), or nothing.
  std::optional<std::string> checkChain(const config::RunnerEntry& entry) const;
  dispatch::StepResult setFrozen(const std::string& backend, const std::string& instance,
                                 const std::string& remote, bool frozen,
                                 dispatch::Deadline deadline) override;
  dispatch::StepResult imageFingerprint(const config::RunnerEntry& entry,
                                        dispatch::Deadline deadline) override;
  dispatch::StepResult attachDevice(const std::string& backend, const std::string& instance,
                                    const std::string& remote, const std::string& name,
                                    const std::map<std::string, std::string>& device,
                                    dispatch::Deadline deadline) override;

  // Optional observers, for the JIT prefetch (credential_prefetch.hpp): a launch for a job
  // begins (not a warm refill), an instance is being removed.
  std::function<void(const config::RunnerEntry&, const jobs::JobRecord&, const std::string&)>
      on_cold_launch;
  std::function<void(const std::string& instance)> on_destroy;

  // Where the runner of an instance being provisioned or started for a job registers, and
  // what it registers for: the host's runner credentials take the group from here when the
  // provisioner names none, and the repository for the group's access check.
  struct Registration {
    std::string scope;         // repos/OWNER/REPO or orgs/ORG
    std::string runner_group;  // the entry's, for an organisation scope; empty otherwise
    std::string repository;    // the job's, "owner/name"
  };
  static Registration registrationFor(const config::RunnerEntry& entry, const jobs::JobRecord& job);
  // nullopt when no provisioner call for `instance` is under way.
  std::optional<Registration> registrationOf(const std::string& instance) const;

 private:
  enum class Phase { kProvision, kPrepare, kStart };
  // Runs the entry's steps, then its provisioner, in one phase, stopping at the first
  // failure, which names the step.
  dispatch::StepResult runChain(const config::RunnerEntry& entry, const jobs::JobRecord* job,
                                const std::string& instance, const std::string& remote,
                                dispatch::Deadline deadline, Phase phase) const;

  std::map<std::string, plugin_host::PluginInstance*> backends_;
  std::map<std::string, plugin_host::PluginInstance*> provisioners_;
  mutable std::mutex registrations_mu_;
  mutable std::map<std::string, Registration> registrations_;  // instance -> while in a call
};

// Parses a backend's list_instances JSON; throws std::runtime_error on malformed input.
std::vector<dispatch::InstanceInfo> parseInstanceList(const std::string& json);

}  // namespace lxdrunner::daemon
