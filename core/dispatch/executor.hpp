// SPDX-License-Identifier: Apache-2.0
// What the dispatcher needs from backends and provisioners, as one interface: the daemon
// implements it over plugin instances (PluginExecutor), tests and the benchmark over memory.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/model.hpp"
#include "jobs/job_store.hpp"
#include "lxdrunner/plugin_abi.h"

namespace lxdrunner::dispatch {

using Deadline = std::chrono::steady_clock::time_point;

inline Deadline deadlineAfter(int seconds) {
  return std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
}

struct StepResult {
  lxdr_status status = LXDR_OK;
  std::string error;   // one line, already naming the plugin
  std::string remote;  // launch: where the instance landed
  std::string log;     // provision: what the provisioner did (no secrets)
  std::string image;   // imageFingerprint: the fingerprint

  bool ok() const noexcept { return status == LXDR_OK; }
  // Worth another attempt with a fresh instance.
  bool transient() const noexcept {
    return status == LXDR_ERR_TRANSIENT || status == LXDR_ERR_TIMEOUT ||
           status == LXDR_ERR_INTERNAL;
  }
};

// One instance as a backend lists it (list_instances in plugin_abi.h).
struct InstanceInfo {
  std::string name;
  std::string remote;
  std::string entry;
  std::string status;  // lower case: "running", "stopped", ...
  uint64_t job_id = 0;
  int64_t created_ms = 0;  // Unix ms; 0 when unknown
  // Its own LXD devices (not those its profiles add): name -> keys, "type" included.
  // nullopt when the backend does not say (before ABI 1.1's "devices"): unknown, which is
  // not "no devices", so nothing is concluded from it.
  std::optional<std::map<std::string, std::map<std::string, std::string>>> devices;
};

class Executor {
 public:
  virtual ~Executor() = default;
  virtual StepResult launch(const config::RunnerEntry& entry, const jobs::JobRecord& job,
                            const std::string& instance, Deadline deadline) = 0;
  virtual StepResult provision(const config::RunnerEntry& entry, const jobs::JobRecord& job,
                               const std::string& instance, const std::string& remote,
                               Deadline deadline) = 0;
  // Idempotent: a missing instance is success.
  virtual StepResult destroy(const std::string& backend, const std::string& instance,
                             const std::string& remote, Deadline deadline) = 0;
  virtual StepResult list(const std::string& backend, std::vector<InstanceInfo>& out,
                          Deadline deadline) = 0;

  // Warm pools (ABI 1.1). An executor without them serves every job cold.
  // True when the entry's provisioner has prepare() and start().
  virtual bool canPrepare(const config::RunnerEntry& entry) const {
    (void)entry;
    return false;
  }
  // Everything before the job: no credential, no runner start. `log` in the result.
  virtual StepResult prepare(const config::RunnerEntry& entry, const std::string& instance,
                             const std::string& remote, Deadline deadline) {
    (void)entry, (void)instance, (void)remote, (void)deadline;
    return unsupported("prepare");
  }
  // On a prepared instance, for `job`: the credential and the runner start.
  virtual StepResult start(const config::RunnerEntry& entry, const jobs::JobRecord& job,
                           const std::string& instance, const std::string& remote,
                           Deadline deadline) {
    (void)entry, (void)job, (void)instance, (void)remote, (void)deadline;
    return unsupported("start");
  }
  virtual StepResult setFrozen(const std::string& backend, const std::string& instance,
                               const std::string& remote, bool frozen, Deadline deadline) {
    (void)backend, (void)instance, (void)remote, (void)frozen, (void)deadline;
    return unsupported("set_frozen");
  }
  // Adds device `name` (an LXD device map, `type` included) to a running instance: a device
  // pool item given to a warm instance at claim (docs/custom-hardware.md).
  virtual StepResult attachDevice(const std::string& backend, const std::string& instance,
                                  const std::string& remote, const std::string& name,
                                  const std::map<std::string, std::string>& device,
                                  Deadline deadline) {
    (void)backend, (void)instance, (void)remote, (void)name, (void)device, (void)deadline;
    return unsupported("attach_device");
  }
  // The image a launch of the entry would use now (result.image); UNSUPPORTED = unknown.
  virtual StepResult imageFingerprint(const config::RunnerEntry& entry, Deadline deadline) {
    (void)entry, (void)deadline;
    return unsupported("image_fingerprint");
  }

 protected:
  static StepResult unsupported(const char* operation) {
    StepResult r;
    r.status = LXDR_ERR_UNSUPPORTED;
    r.error = std::string(operation) + " is not supported here";
    return r;
  }
};

}  // namespace lxdrunner::dispatch
