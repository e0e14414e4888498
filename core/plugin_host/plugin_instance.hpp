// SPDX-License-Identifier: Apache-2.0
// One created plugin instance, called only through guarded wrappers: a status plus the
// plugin's own message come back; nothing a plugin throws escapes.
#pragma once

#include <memory>
#include <string>

#include "lxdrunner/plugin_abi.h"
#include "plugin_host/host_services.hpp"
#include "plugin_host/plugin_info.hpp"

namespace lxdrunner::plugin_host {

struct CallResult {
  lxdr_status status = LXDR_OK;
  std::string error;  // the plugin's last_error(), prefixed with the plugin's name
  bool ok() const noexcept { return status == LXDR_OK; }
};

class PluginInstance {
 public:
  // Creates an instance; on failure returns nullptr and sets `error` to one line naming the
  // plugin, its file and the plugin's own message.
  static std::unique_ptr<PluginInstance> create(const PluginInfo& info, HostServices& services,
                                                const std::string& config_json, std::string& error);
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  const PluginInfo& info() const noexcept { return info_; }

  // Event sources.
  CallResult start();
  CallResult stop();

  // Backends.
  CallResult launch(const lxdr_launch_request& request, std::string& remote);
  CallResult destroyInstance(const lxdr_instance_ref& instance, int64_t deadline_ms);
  CallResult listInstances(int64_t deadline_ms, std::string& json);
  CallResult exec(const lxdr_instance_ref& instance, const lxdr_exec_request& request,
                  lxdr_exec_result& result);
  CallResult pushFile(const lxdr_instance_ref& instance, const lxdr_file_push& file);
  CallResult pullFile(const lxdr_instance_ref& instance, lxdr_str path, int64_t deadline_ms,
                      const lxdr_sink& out);
  CallResult attachDevice(const lxdr_instance_ref& instance, lxdr_str name, lxdr_str json,
                          int64_t deadline_ms);
  // ABI 1.1; LXDR_ERR_UNSUPPORTED from a backend that lacks them.
  CallResult setFrozen(const lxdr_instance_ref& instance, bool frozen, int64_t deadline_ms);
  CallResult imageFingerprint(lxdr_str entry_json, int64_t deadline_ms, std::string& out);
  CallResult writeFifo(const lxdr_instance_ref& instance, lxdr_str path, lxdr_str data,
                       int64_t deadline_ms);

  // Provisioners.
  CallResult provision(const lxdr_provision_request& request, std::string& log);
  // ABI 1.1: true when the provisioner has prepare() and start() (it can serve warm pools).
  bool hasPhases() const noexcept {
    return provisioner_ops_.prepare != nullptr && provisioner_ops_.start != nullptr;
  }
  // 1.1: a step runs before the provisioner that starts the runner (LXDR_PROVISIONER_STEP).
  bool isStep() const noexcept { return (provisioner_ops_.flags & LXDR_PROVISIONER_STEP) != 0; }
  CallResult prepare(const lxdr_provision_request& request, std::string& log);
  CallResult startRunner(const lxdr_provision_request& request, std::string& log);

 private:
  PluginInstance(PluginInfo info, std::unique_ptr<HostContext> context);
  template <class Fn>
  CallResult call(const char* operation, Fn&& fn) noexcept;
  CallResult wrongKind(const char* operation) const;

  PluginInfo info_;
  std::unique_ptr<HostContext> context_;
  lxdr_plugin_instance* handle_ = nullptr;
  lxdr_event_source_ops source_ops_{};
  lxdr_backend_ops backend_ops_{};
  lxdr_provisioner_ops provisioner_ops_{};
};

}  // namespace lxdrunner::plugin_host
