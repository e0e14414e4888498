// SPDX-License-Identifier: Apache-2.0
// What lxd-container and lxd-vm share: everything but the instance type and how readiness
// is recognised.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "launch_entry.hpp"
#include "lxdrunner/lxd/client.hpp"
#include "lxdrunner/sdk.hpp"
#include "readiness.hpp"
#include "remote_picker.hpp"
#include "settings.hpp"

namespace lxdrunner::backends {

class LxdBackend : public sdk::Backend {
 public:
  LxdBackend(sdk::Host host, std::string config_json, InstanceKind kind);

  std::string launch(const sdk::LaunchRequest& request) override;
  void destroy(const sdk::InstanceRef& instance, int64_t deadline_ms) override;
  std::string listInstances(int64_t deadline_ms) override;
  sdk::ExecResult exec(const sdk::InstanceRef& instance, const sdk::ExecRequest& request) override;
  void pushFile(const sdk::InstanceRef& instance, sdk::FilePush& file) override;
  std::string pullFile(const sdk::InstanceRef& instance, const std::string& path,
                       int64_t deadline_ms) override;
  void attachDevice(const sdk::InstanceRef& instance, const std::string& device_name,
                    const std::string& device_json, int64_t deadline_ms) override;
  void setFrozen(const sdk::InstanceRef& instance, bool frozen, int64_t deadline_ms) override;
  std::string imageFingerprint(const std::string& entry_json, int64_t deadline_ms) override;
  // Containers on a remote reached by its unix socket (this host) only; see container_fifo.
  void writeFifo(const sdk::InstanceRef& instance, const std::string& path, const std::string& data,
                 int64_t deadline_ms) override;

  const BackendSettings& settings() const { return settings_; }

 private:
  lxd::LxdClient& client(const std::string& remote);
  lxd::InstanceSpec instanceSpec(const sdk::LaunchRequest& request, const LaunchEntry& entry,
                                 const std::string& remote);
  lxd::ImageSource imageSource(const LaunchEntry& entry, const std::string& remote,
                               lxd::Deadline deadline);
  std::optional<long> freeSlots(const std::string& remote, lxd::Deadline deadline);
  void launchOn(const std::string& remote, const sdk::LaunchRequest& request,
                const LaunchEntry& entry, lxd::Deadline deadline);
  void destroyOn(lxd::LxdClient& client, const std::string& name, lxd::Deadline deadline);
  // Deletes a half-launched instance, but only if it carries this launch's tags.
  void removeIfOurs(lxd::LxdClient& client, const std::string& name, uint64_t job_id);
  [[noreturn]] void explainCreateFailure(const lxd::LxdError& e, const LaunchEntry& entry,
                                         const std::string& remote, const std::string& name);
  const char* typeName() const;
  // A container's init pid as LXD named it when the container became ready, kept until it
  // is destroyed: writeFifo then needs no state request on a warm start's critical path.
  void rememberInitPid(const std::string& remote, const std::string& name, int64_t pid);
  std::optional<int64_t> rememberedInitPid(const std::string& remote, const std::string& name);
  void forgetInitPid(const std::string& remote, const std::string& name);

  BackendSettings settings_;
  InstanceKind kind_;
  RemotePicker picker_;
  std::map<std::string, std::unique_ptr<lxd::LxdClient>> clients_;  // fixed after construction
  std::mutex launching_mu_;
  std::map<std::string, long> launching_;  // launches in flight per remote
  std::mutex pids_mu_;
  std::map<std::string, int64_t> init_pids_;  // "remote/name" -> init pid
  // A pid fresh from LXD that still could not be reached means this daemon cannot (not
  // root, /proc hidden, no openat2): writeFifo says so at once for a while, instead of
  // asking LXD on every warm start first.
  int64_t fifo_unreachable_until_ms_ = 0;  // under pids_mu_
  std::string fifo_unreachable_why_;       // under pids_mu_
};

}  // namespace lxdrunner::backends
