// SPDX-License-Identifier: Apache-2.0
// The host side of the ABI: the lxdr_host_api vtable and the context behind each plugin
// instance's `host_ctx`.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include "events/inbox.hpp"
#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/types.hpp"
#include "plugin_host/plugin_counters.hpp"

namespace lxdrunner::plugin_host {

class PluginInstance;

// State every plugin instance reaches through host services. Services that another
// subsystem provides (HTTP server, GitHub client, runner cache) are hooks that subsystem
// installs; while a hook is empty the service answers LXDR_ERR_UNSUPPORTED, naming it.
struct HostServices {
  events::Inbox* inbox = nullptr;
  // emit_job_event returns once the job store has the event, or fails after this long.
  // Under GitHub's 10 s webhook timeout, so a slow store yields 503, never a lost delivery.
  std::chrono::milliseconds durable_wait{std::chrono::seconds(5)};
  std::atomic<bool> shutting_down{false};
  // The longest a plugin's instance operation (instance_exec, _push_file, _pull_file,
  // _attach_device) may wait: a deadline_ms of 0 ("none") or later than this from now is cut
  // to it, so no plugin can make a launch thread wait on LXD for good. The daemon sets it to
  // dispatcher.provision_timeout_s, the longest budget it gives any provisioner call.
  std::atomic<int64_t> instance_wait_limit_ms{300000};

  std::function<lxdr_status(const std::string& plugin, const lxdr_http_route& route,
                            std::string& error)>
      register_http_route;
  std::function<lxdr_status(const lxdr_github_request& request, sdk::GithubResponse& response,
                            std::string& error)>
      github_request;
  // Decides whether any runnermap entry wants a job with these labels (emit_job_event).
  std::function<bool(const std::vector<std::string>& labels)> wants_labels;
  // Events dropped because no entry wanted them (for /metrics).
  std::atomic<uint64_t> unwanted_events{0};
  // What plugins count through counter_add (for /metrics).
  PluginCounters plugin_counters;
  std::function<lxdr_status(const lxdr_runner_request& request, bool jit, std::string& out,
                            std::string& error)>
      runner_credentials;
  std::function<lxdr_status(const std::string& os, const std::string& arch, bool unpacked,
                            std::string& out, std::string& error)>
      runner_tarball;

  // The repositories discovery finds (GitHub App installation or PAT user), "owner/name".
  // Read by config_get for the reserved key kDiscoveredRepositoriesKey, so an event source
  // (poll with `repositories: auto`) gets the current list each time it asks, with no ABI
  // change. Empty hook: the key is not found.
  std::function<std::vector<std::string>()> discovered_repositories;

  // Backends by plugin name, for routing instance operations from provisioners.
  void addBackend(const std::string& name, PluginInstance* backend);
  PluginInstance* backend(const std::string& name) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, PluginInstance*> backends_;
};

// The config_get key under which a plugin reads the discovered repositories (a JSON array).
// The ':' keeps it apart from any key of a plugin's own settings.
inline constexpr const char* kDiscoveredRepositoriesKey = "lxdrunner:repositories";

// The object behind one plugin instance's host_ctx.
struct HostContext {
  std::string plugin_name;
  Poco::Logger* logger = nullptr;
  Poco::JSON::Object::Ptr config;  // the plugin's configuration section
  HostServices* services = nullptr;
};

// The vtable handed to every plugin's create(). Static; lives forever.
const lxdr_host_api* hostApi() noexcept;

// Message of the last failed host service call on this thread (what host->last_error reads).
void setHostError(std::string message);

}  // namespace lxdrunner::plugin_host
