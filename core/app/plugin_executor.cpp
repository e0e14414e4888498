// SPDX-License-Identifier: Apache-2.0
#include "app/plugin_executor.hpp"

#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "config/render.hpp"
#include "lxdrunner/sdk/strings.hpp"

namespace lxdrunner::app {

namespace {

using dispatch::StepResult;

// ABI deadlines are CLOCK_MONOTONIC milliseconds: steady_clock on Linux.
int64_t toMonotonicMs(dispatch::Deadline deadline) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(deadline.time_since_epoch()).count();
}

StepResult fromCall(const plugin_host::CallResult& r) {
  StepResult out;
  out.status = r.status;
  out.error = r.error;
  return out;
}

StepResult missing(const std::string& kind, const std::string& name) {
  StepResult out;
  out.status = LXDR_ERR_INVALID_ARGUMENT;
  out.error = kind + " plugin '" + name + "' is not loaded: check the runnermap and plugin_dirs";
  return out;
}

int64_t parseCreated(const std::string& text) {
  if (text.empty()) return 0;
  Poco::DateTime parsed;
  int tz = 0;
  if (!Poco::DateTimeParser::tryParse(text, parsed, tz)) return 0;
  return parsed.timestamp().epochMicroseconds() / 1000 - int64_t{tz} * 1000;
}

}  // namespace

PluginExecutor::PluginExecutor(std::map<std::string, plugin_host::PluginInstance*> backends,
                               std::map<std::string, plugin_host::PluginInstance*> provisioners)
    : backends_(std::move(backends)), provisioners_(std::move(provisioners)) {}

StepResult PluginExecutor::launch(const config::RunnerEntry& entry, const jobs::JobRecord& job,
                                  const std::string& instance, dispatch::Deadline deadline) {
  auto it = backends_.find(entry.backend);
  if (it == backends_.end()) return missing("backend", entry.backend);
  const std::string entry_json = config::entryToJson(entry);
  lxdr_launch_request request{};
  request.struct_size = sizeof request;
  request.instance_name = sdk::slice(instance);
  request.entry_name = sdk::slice(entry.name);
  request.job_id = job.job_id;
  request.entry_json = sdk::slice(entry_json);
  request.deadline_ms = toMonotonicMs(deadline);
  std::string remote;
  StepResult out = fromCall(it->second->launch(request, remote));
  out.remote = remote;
  return out;
}

StepResult PluginExecutor::provision(const config::RunnerEntry& entry, const jobs::JobRecord& job,
                                     const std::string& instance, const std::string& remote,
                                     dispatch::Deadline deadline) {
  auto it = provisioners_.find(entry.provisioner);
  if (it == provisioners_.end()) return missing("provisioner", entry.provisioner);
  const std::string entry_json = config::entryToJson(entry);
  const std::string scope = "repos/" + job.repository;
  const std::string os(config::toString(entry.runner_os));
  const std::string arch(config::toString(entry.runner_arch));
  const auto labels = sdk::slices(entry.labels);
  lxdr_provision_request request{};
  request.struct_size = sizeof request;
  request.label_count = static_cast<uint32_t>(labels.size());
  request.instance.name = sdk::slice(instance);
  request.instance.remote = sdk::slice(remote);
  request.instance.backend = sdk::slice(entry.backend);
  request.job_id = job.job_id;
  request.labels = labels.data();
  request.scope = sdk::slice(scope);
  request.entry_json = sdk::slice(entry_json);
  request.runner_os = sdk::slice(os);
  request.runner_arch = sdk::slice(arch);
  request.deadline_ms = toMonotonicMs(deadline);
  std::string log;
  StepResult out = fromCall(it->second->provision(request, log));
  out.log = std::move(log);
  return out;
}

StepResult PluginExecutor::destroy(const std::string& backend, const std::string& instance,
                                   const std::string& remote, dispatch::Deadline deadline) {
  auto it = backends_.find(backend);
  if (it == backends_.end()) return missing("backend", backend);
  lxdr_instance_ref ref{};
  ref.name = sdk::slice(instance);
  ref.remote = sdk::slice(remote);
  ref.backend = sdk::slice(backend);
  return fromCall(it->second->destroyInstance(ref, toMonotonicMs(deadline)));
}

StepResult PluginExecutor::list(const std::string& backend,
                                std::vector<dispatch::InstanceInfo>& out,
                                dispatch::Deadline deadline) {
  auto it = backends_.find(backend);
  if (it == backends_.end()) return missing("backend", backend);
  std::string json;
  StepResult r = fromCall(it->second->listInstances(toMonotonicMs(deadline), json));
  if (!r.ok()) return r;
  try {
    out = parseInstanceList(json);
  } catch (const std::exception& e) {
    r.status = LXDR_ERR_INTERNAL;
    r.error = "backend '" + backend + "' listed instances as unreadable JSON: " + e.what();
  }
  return r;
}

std::vector<dispatch::InstanceInfo> parseInstanceList(const std::string& json) {
  Poco::JSON::Parser parser;
  auto array = parser.parse(json).extract<Poco::JSON::Array::Ptr>();
  if (!array) throw std::runtime_error("not a JSON array");
  std::vector<dispatch::InstanceInfo> out;
  for (size_t i = 0; i < array->size(); ++i) {
    auto item = array->getObject(static_cast<unsigned>(i));
    if (!item) throw std::runtime_error("element " + std::to_string(i) + " is not an object");
    dispatch::InstanceInfo info;
    info.name = item->optValue<std::string>("name", "");
    info.remote = item->optValue<std::string>("remote", "");
    info.entry = item->optValue<std::string>("entry", "");
    info.status = item->optValue<std::string>("status", "");
    std::transform(info.status.begin(), info.status.end(), info.status.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    info.job_id = item->optValue<Poco::UInt64>("job_id", 0);
    info.created_ms = parseCreated(item->optValue<std::string>("created", ""));
    if (!info.name.empty()) out.push_back(std::move(info));
  }
  return out;
}

}  // namespace lxdrunner::app
