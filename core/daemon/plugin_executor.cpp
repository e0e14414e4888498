// SPDX-License-Identifier: Apache-2.0
#include "daemon/plugin_executor.hpp"

#include "plugin_host/provisioner_chain.hpp"

#include <Poco/DateTimeParser.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "config/render.hpp"
#include "dispatch/registration_scope.hpp"
#include "lxdrunner/sdk/strings.hpp"
#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::daemon {

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

// Borrows the three strings: they must outlive the call it is passed to.
lxdr_instance_ref instanceRef(const std::string& backend, const std::string& instance,
                              const std::string& remote) {
  lxdr_instance_ref ref{};
  ref.name = sdk::slice(instance);
  ref.remote = sdk::slice(remote);
  ref.backend = sdk::slice(backend);
  return ref;
}

// An instance's "devices" (ABI 1.1): nullopt when absent (the backend does not say), so an
// older backend's listing is "unknown", never "no devices".
std::optional<std::map<std::string, std::map<std::string, std::string>>> parseDevices(
    const Poco::JSON::Object::Ptr& item, const std::string& name) {
  if (!item->has("devices") || item->isNull("devices")) return std::nullopt;
  const auto devices = item->getObject("devices");
  if (!devices) throw std::runtime_error("\"devices\" of " + name + " is not an object");
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const auto& [device, keys] : *devices) {
    if (keys.type() != typeid(Poco::JSON::Object::Ptr)) {
      throw std::runtime_error("device " + device + " of " + name + " is not an object");
    }
    auto& settings = out[device];
    for (const auto& [key, value] : *keys.extract<Poco::JSON::Object::Ptr>()) {
      settings[key] = value.isEmpty() ? std::string() : value.convert<std::string>();
    }
  }
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
  if (on_cold_launch && job.job_id != 0 && !job.repository.empty()) {
    on_cold_launch(entry, job, instance);
  }
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

namespace {

// The job as a provisioner sees it (ABI 1.1), from the job's record and its entry.
sdk::JobContext jobContext(const config::RunnerEntry& entry, const jobs::JobRecord& job) {
  sdk::JobContext c;
  c.job_id = job.job_id;
  c.run_id = job.run_id;
  c.run_attempt = job.run_attempt;
  c.installation_id = job.installation_id;
  c.repository = job.repository;
  c.owner = job.repository.substr(0, job.repository.find('/'));
  c.organization = job.organization;
  c.workflow_name = job.workflow_name;
  c.job_name = job.job_name;
  c.head_branch = job.head_branch;
  c.job_labels = job.labels;
  c.entry_name = entry.name;
  c.entry_labels = entry.labels;
  return c;
}

// A provision request and the strings it points into. A prepare() request has no job: job id
// 0, no scope (the runner registers only at start()) and no job context.
class ProvisionCall {
 public:
  ProvisionCall(const config::RunnerEntry& entry, const jobs::JobRecord* job,
                const std::string& instance, const std::string& remote, dispatch::Deadline deadline)
      : entry_json_(config::entryToJson(entry)),
        scope_(job != nullptr ? PluginExecutor::registrationFor(entry, *job).scope : std::string()),
        os_(config::toString(entry.runner_os)),
        arch_(config::toString(entry.runner_arch)),
        labels_(sdk::slices(entry.labels)) {
    request_.struct_size = sizeof request_;
    request_.label_count = static_cast<uint32_t>(labels_.size());
    request_.instance.name = sdk::slice(instance);
    request_.instance.remote = sdk::slice(remote);
    request_.instance.backend = sdk::slice(entry.backend);
    request_.job_id = job != nullptr ? job->job_id : 0;
    request_.labels = labels_.data();
    request_.scope = sdk::slice(scope_);
    request_.entry_json = sdk::slice(entry_json_);
    request_.runner_os = sdk::slice(os_);
    request_.runner_arch = sdk::slice(arch_);
    request_.deadline_ms = toMonotonicMs(deadline);
    if (job != nullptr) {
      context_ = std::make_unique<sdk::JobContext>(jobContext(entry, *job));
      borrowed_context_ = std::make_unique<sdk::BorrowedJobContext>(*context_);
      request_.job = borrowed_context_->get();
    }
  }
  ProvisionCall(const ProvisionCall&) = delete;
  ProvisionCall& operator=(const ProvisionCall&) = delete;
  const lxdr_provision_request& request() const noexcept { return request_; }

 private:
  std::string entry_json_;
  std::string scope_;
  std::string os_;
  std::string arch_;
  std::vector<lxdr_str> labels_;
  std::unique_ptr<sdk::JobContext> context_;
  std::unique_ptr<sdk::BorrowedJobContext> borrowed_context_;
  lxdr_provision_request request_{};
};

}  // namespace

namespace {

// The entry as one provisioner of its chain sees it: a step reads its own step_options as
// provisioner_options; the last provisioner, the entry's own.
config::RunnerEntry entryFor(const config::RunnerEntry& entry, const std::string& provisioner) {
  if (provisioner == entry.provisioner) return entry;
  config::RunnerEntry view = entry;
  auto it = entry.step_options_json.find(provisioner);
  view.provisioner_options_json = it != entry.step_options_json.end() ? it->second : "{}";
  return view;
}

std::vector<std::string> chainOf(const config::RunnerEntry& entry) {
  std::vector<std::string> chain = entry.steps;
  chain.push_back(entry.provisioner);
  return chain;
}

}  // namespace

StepResult PluginExecutor::runChain(const config::RunnerEntry& entry, const jobs::JobRecord* job,
                                    const std::string& instance, const std::string& remote,
                                    dispatch::Deadline deadline, Phase phase) const {
  StepResult out;
  out.status = LXDR_OK;
  struct Registered {  // what runner_credentials reads while the chain runs
    const PluginExecutor& self;
    const std::string& instance;
    bool set;
    ~Registered() {
      if (!set) return;
      std::lock_guard<std::mutex> lock(self.registrations_mu_);
      self.registrations_.erase(instance);
    }
  } registered{*this, instance, job != nullptr};
  if (job != nullptr) {
    std::lock_guard<std::mutex> lock(registrations_mu_);
    registrations_[instance] = registrationFor(entry, *job);
  }
  for (const auto& name : chainOf(entry)) {
    auto it = provisioners_.find(name);
    if (it == provisioners_.end()) {
      StepResult m = missing("provisioner", name);
      m.log = std::move(out.log);
      return m;
    }
    const config::RunnerEntry view = entryFor(entry, name);
    const ProvisionCall call(view, job, instance, remote, deadline);
    const bool step = name != entry.provisioner;
    const auto started = std::chrono::steady_clock::now();
    std::string log;
    plugin_host::CallResult r;
    switch (phase) {
      case Phase::kProvision:
        r = it->second->provision(call.request(), log);
        break;
      case Phase::kPrepare:
        r = it->second->prepare(call.request(), log);
        break;
      case Phase::kStart:
        r = it->second->startRunner(call.request(), log);
        break;
    }
    out.log += log;
    if (!log.empty() && log.back() != '\n') out.log += '\n';
    if (step) {
      const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - started)
                          .count();
      out.log += "lxdrunner: step " + name + (r.ok() ? " done" : " failed") + " in " +
                 std::to_string(ms) + " ms\n";
    }
    if (!r.ok()) {
      StepResult failed = fromCall(r);
      if (step) failed.error = "step " + name + ": " + failed.error;
      failed.log = std::move(out.log);
      return failed;
    }
  }
  return out;
}

PluginExecutor::Registration PluginExecutor::registrationFor(const config::RunnerEntry& entry,
                                                             const jobs::JobRecord& job) {
  Registration r;
  r.scope = dispatch::registrationScope(entry.runner_scope, job.repository, job.organization);
  if (!dispatch::organizationOf(r.scope).empty()) r.runner_group = entry.runner_group;
  r.repository = job.repository;
  return r;
}

std::optional<PluginExecutor::Registration> PluginExecutor::registrationOf(
    const std::string& instance) const {
  std::lock_guard<std::mutex> lock(registrations_mu_);
  auto it = registrations_.find(instance);
  if (it == registrations_.end()) return std::nullopt;
  return it->second;
}

StepResult PluginExecutor::provision(const config::RunnerEntry& entry, const jobs::JobRecord& job,
                                     const std::string& instance, const std::string& remote,
                                     dispatch::Deadline deadline) {
  return runChain(entry, &job, instance, remote, deadline, Phase::kProvision);
}

bool PluginExecutor::canPrepare(const config::RunnerEntry& entry) const {
  // Warm only when every provisioner of the chain has both phases.
  for (const auto& name : chainOf(entry)) {
    auto it = provisioners_.find(name);
    if (it == provisioners_.end() || !it->second->hasPhases()) return false;
  }
  return true;
}

StepResult PluginExecutor::prepare(const config::RunnerEntry& entry, const std::string& instance,
                                   const std::string& remote, dispatch::Deadline deadline) {
  return runChain(entry, nullptr, instance, remote, deadline, Phase::kPrepare);
}

StepResult PluginExecutor::start(const config::RunnerEntry& entry, const jobs::JobRecord& job,
                                 const std::string& instance, const std::string& remote,
                                 dispatch::Deadline deadline) {
  return runChain(entry, &job, instance, remote, deadline, Phase::kStart);
}

std::optional<std::string> PluginExecutor::checkChain(const config::RunnerEntry& entry) const {
  return plugin_host::chainProblem(entry.name, chainOf(entry),
                                   [this](const std::string& name) -> std::optional<bool> {
                                     auto it = provisioners_.find(name);
                                     if (it == provisioners_.end()) return std::nullopt;
                                     return it->second->isStep();
                                   });
}

StepResult PluginExecutor::setFrozen(const std::string& backend, const std::string& instance,
                                     const std::string& remote, bool frozen,
                                     dispatch::Deadline deadline) {
  auto it = backends_.find(backend);
  if (it == backends_.end()) return missing("backend", backend);
  return fromCall(it->second->setFrozen(instanceRef(backend, instance, remote), frozen,
                                        toMonotonicMs(deadline)));
}

StepResult PluginExecutor::attachDevice(const std::string& backend, const std::string& instance,
                                        const std::string& remote, const std::string& name,
                                        const std::map<std::string, std::string>& device,
                                        dispatch::Deadline deadline) {
  auto it = backends_.find(backend);
  if (it == backends_.end()) return missing("backend", backend);
  Poco::JSON::Object keys;
  for (const auto& [key, value] : device) keys.set(key, value);
  std::ostringstream json;
  keys.stringify(json);
  const std::string text = json.str();
  return fromCall(it->second->attachDevice(instanceRef(backend, instance, remote), sdk::slice(name),
                                           sdk::slice(text), toMonotonicMs(deadline)));
}

StepResult PluginExecutor::imageFingerprint(const config::RunnerEntry& entry,
                                            dispatch::Deadline deadline) {
  auto it = backends_.find(entry.backend);
  if (it == backends_.end()) return missing("backend", entry.backend);
  const std::string entry_json = config::entryToJson(entry);
  std::string fingerprint;
  StepResult out = fromCall(
      it->second->imageFingerprint(sdk::slice(entry_json), toMonotonicMs(deadline), fingerprint));
  out.image = fingerprint;
  return out;
}

StepResult PluginExecutor::destroy(const std::string& backend, const std::string& instance,
                                   const std::string& remote, dispatch::Deadline deadline) {
  auto it = backends_.find(backend);
  if (it == backends_.end()) return missing("backend", backend);
  if (on_destroy) on_destroy(instance);
  return fromCall(
      it->second->destroyInstance(instanceRef(backend, instance, remote), toMonotonicMs(deadline)));
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
    info.devices = parseDevices(item, info.name);
    if (!info.name.empty()) out.push_back(std::move(info));
  }
  return out;
}

}  // namespace lxdrunner::daemon
