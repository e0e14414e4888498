// SPDX-License-Identifier: Apache-2.0
// Base classes for plugin authors. Derive from one, give the class three static strings
// (kName, kVersion, kDescription; optionally kConfigSchema), and list it in
// LXDRUNNER_PLUGINS(...) (register.hpp). Constructors and overrides may throw sdk::Error
// (or any std::exception): the SDK turns it into a status and last_error() at the ABI.
#pragma once

#include <mutex>
#include <string>
#include <utility>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/error.hpp"
#include "lxdrunner/sdk/host.hpp"
#include "lxdrunner/sdk/settings.hpp"
#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::sdk {

// What every plugin instance has: the host services and its configuration, as JSON text and
// typed (configuration()).
class PluginBase {
 public:
  PluginBase(Host host, std::string config_json)
      : host_(std::move(host)), config_json_(std::move(config_json)) {}
  virtual ~PluginBase() = default;
  PluginBase(const PluginBase&) = delete;
  PluginBase& operator=(const PluginBase&) = delete;

  const Host& host() const noexcept { return host_; }
  const std::string& configJson() const noexcept { return config_json_; }
  // This plugin's settings, typed (settings.hpp), including the keys the daemon adds for its
  // kind (docs/plugin-authoring.md, section 3). Not settings(): plugins have their own.
  // Parsed at the first call (from any thread), so a plugin that never asks pays nothing;
  // throws Error(LXDR_ERR_INVALID_ARGUMENT) if configJson() is not a JSON object (the daemon
  // always passes one).
  const Settings& configuration() const {
    std::call_once(configuration_once_,
                   [this] { configuration_ = Settings::parse(config_json_, "settings"); });
    return configuration_;
  }

 private:
  Host host_;
  std::string config_json_;
  mutable std::once_flag configuration_once_;
  mutable Settings configuration_;
};

// Produces job events. start() must return promptly (register routes, start threads);
// stop() returns once no more events will be emitted.
class EventSource : public PluginBase {
 public:
  static constexpr lxdr_plugin_kind kKind = LXDR_KIND_EVENT_SOURCE;
  using PluginBase::PluginBase;
  virtual void start() = 0;
  virtual void stop() = 0;
};

// Creates, reaches into and destroys instances. Every method may run concurrently for
// different instances. Throw Error(LXDR_ERR_NOT_FOUND, ...) for a missing instance and
// Error(LXDR_ERR_TRANSIENT, ...) for what a retry may fix.
class Backend : public PluginBase {
 public:
  static constexpr lxdr_plugin_kind kKind = LXDR_KIND_BACKEND;
  using PluginBase::PluginBase;

  // Creates and starts the instance, waits until it accepts exec; returns the remote used.
  virtual std::string launch(const LaunchRequest& request) = 0;
  // Idempotent: a missing instance is success.
  virtual void destroy(const InstanceRef& instance, int64_t deadline_ms) = 0;
  // JSON array: [{"name","remote","entry","job_id","created","status"}]; ABI 1.1 adds
  // "image" and "devices" (plugin_abi.h, list_instances).
  virtual std::string listInstances(int64_t deadline_ms) = 0;
  virtual ExecResult exec(const InstanceRef& instance, const ExecRequest& request) = 0;
  virtual void pushFile(const InstanceRef& instance, FilePush& file) = 0;
  virtual std::string pullFile(const InstanceRef& instance, const std::string& path,
                               int64_t deadline_ms) = 0;
  virtual void attachDevice(const InstanceRef& instance, const std::string& device_name,
                            const std::string& device_json, int64_t deadline_ms) = 0;

  // ABI 1.1 (warm pools). The defaults say "unsupported": the host then keeps idle instances
  // unfrozen and does not notice an image alias that moved.
  virtual void setFrozen(const InstanceRef& instance, bool frozen, int64_t deadline_ms) {
    (void)instance;
    (void)frozen;
    (void)deadline_ms;
    throw Error(LXDR_ERR_UNSUPPORTED, "this backend cannot freeze instances");
  }
  // The fingerprint of the image a launch of the entry (JSON) would use now.
  virtual std::string imageFingerprint(const std::string& entry_json, int64_t deadline_ms) {
    (void)entry_json;
    (void)deadline_ms;
    throw Error(LXDR_ERR_UNSUPPORTED, "this backend cannot resolve images");
  }
  // ABI 1.1: writes `data` into the FIFO at `path` in the instance without an exec (see
  // plugin_abi.h, instance_write_fifo). Throw LXDR_ERR_NOT_FOUND when nothing reads it and
  // LXDR_ERR_UNSUPPORTED when this instance's files are out of reach, before writing.
  virtual void writeFifo(const InstanceRef& instance, const std::string& path,
                         const std::string& data, int64_t deadline_ms) {
    (void)instance;
    (void)path;
    (void)data;
    (void)deadline_ms;
    throw Error(LXDR_ERR_UNSUPPORTED, "this backend cannot write into an instance's FIFO");
  }
};

// Turns a fresh instance into a running single-use runner. May run concurrently.
// Append what it did to `log` (kept in the job's record; never put secrets in it).
class Provisioner : public PluginBase {
 public:
  static constexpr lxdr_plugin_kind kKind = LXDR_KIND_PROVISIONER;
  // 1.1: a step prepares the instance before the provisioner that starts the runner and never
  // starts one itself (`provisioners: [my-step, bash]`). Set it to true in a step's class.
  static constexpr bool kIsStep = false;
  using PluginBase::PluginBase;
  virtual void provision(const ProvisionRequest& request, std::string& log) = 0;
};

// A provisioner that can serve warm pools (ABI 1.1): prepare() runs before any job exists
// (request.job_id is 0, scope empty: no credential, no runner start), start() later, once,
// with the job. provision() is both in a row, unless a subclass knows a faster way.
class PhasedProvisioner : public Provisioner {
 public:
  using Provisioner::Provisioner;
  virtual void prepare(const ProvisionRequest& request, std::string& log) = 0;
  virtual void start(const ProvisionRequest& request, std::string& log) = 0;
  void provision(const ProvisionRequest& request, std::string& log) override {
    prepare(request, log);
    start(request, log);
  }
};

}  // namespace lxdrunner::sdk
