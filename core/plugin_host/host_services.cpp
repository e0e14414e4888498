// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/host_services.hpp"

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Query.h>

#include <chrono>
#include <cstddef>
#include <sstream>
#include <utility>

#include "lxdrunner/sdk/strings.hpp"
#include "lxdrunner/sdk/types.hpp"
#include "plugin_host/plugin_instance.hpp"

namespace lxdrunner::plugin_host {
namespace {

constexpr size_t kMaxFifoWrite = 65536;  // plugin_abi.h, instance_write_fifo

using sdk::copy;
using sdk::write;

std::string& lastHostError() {
  thread_local std::string buffer;
  return buffer;
}

HostContext& contextOf(void* host_ctx) {
  return *static_cast<HostContext*>(host_ctx);
}

lxdr_status fail(lxdr_status status, std::string message) {
  lastHostError() = std::move(message);
  return status;
}

// Every service body runs inside this: a host bug must not unwind into plugin code.
template <class Fn>
lxdr_status guarded(const char* service, Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    return fail(LXDR_ERR_INTERNAL, std::string(service) + ": " + e.what());
  } catch (...) {
    return fail(LXDR_ERR_INTERNAL, std::string(service) + ": unknown error");
  }
}

lxdr_status unsupported(const char* service, const char* provider) {
  return fail(LXDR_ERR_UNSUPPORTED, std::string("host service ") + service + " is unavailable: " +
                                        provider + " is not running in this daemon");
}

void logLine(void* host_ctx, lxdr_log_level level, lxdr_str message) {
  HostContext& c = contextOf(host_ctx);
  if (c.logger == nullptr) return;
  std::string text = copy(message);
  try {
    switch (level) {
      case LXDR_LOG_TRACE:
        c.logger->trace(text);
        break;
      case LXDR_LOG_DEBUG:
        c.logger->debug(text);
        break;
      case LXDR_LOG_INFO:
        c.logger->information(text);
        break;
      case LXDR_LOG_WARNING:
        c.logger->warning(text);
        break;
      case LXDR_LOG_ERROR:
        c.logger->error(text);
        break;
      default:
        c.logger->information(text);
        break;
    }
  } catch (...) {
    // A failing log channel must not take the plugin down.
  }
}

const char* lastError(void*) {
  return lastHostError().c_str();
}

int shuttingDown(void* host_ctx) {
  return contextOf(host_ctx).services->shutting_down.load() ? 1 : 0;
}

int64_t nowMs(void*) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

lxdr_status configGet(void* host_ctx, lxdr_str key, const lxdr_sink* out) {
  return guarded("config_get", [&] {
    HostContext& c = contextOf(host_ctx);
    std::string path = copy(key);
    if (path == kDiscoveredRepositoriesKey) {
      if (!c.services->discovered_repositories) {
        return fail(LXDR_ERR_NOT_FOUND, "repository discovery is not running in this daemon");
      }
      Poco::JSON::Array list;
      for (const auto& r : c.services->discovered_repositories()) list.add(r);
      std::ostringstream json;
      list.stringify(json);
      write(out, json.str());
      return LXDR_OK;
    }
    if (c.config.isNull()) return fail(LXDR_ERR_NOT_FOUND, "no configuration for this plugin");
    Poco::JSON::Query query(c.config);
    Poco::Dynamic::Var value = query.find(path);
    if (value.isEmpty()) return fail(LXDR_ERR_NOT_FOUND, "configuration has no key " + path);
    if (value.type() == typeid(Poco::JSON::Object::Ptr) ||
        value.type() == typeid(Poco::JSON::Array::Ptr)) {
      std::ostringstream json;
      if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
        value.extract<Poco::JSON::Object::Ptr>()->stringify(json);
      } else {
        value.extract<Poco::JSON::Array::Ptr>()->stringify(json);
      }
      write(out, json.str());
    } else {
      write(out, value.toString());
    }
    return LXDR_OK;
  });
}

lxdr_status emitJobEvent(void* host_ctx, const lxdr_job_event* event) {
  return guarded("emit_job_event", [&] {
    HostContext& c = contextOf(host_ctx);
    if (event == nullptr) return fail(LXDR_ERR_INVALID_ARGUMENT, "emit_job_event: event is NULL");
    if (c.services->inbox == nullptr) return unsupported("emit_job_event", "the job inbox");
    events::InboxEvent e{c.plugin_name, sdk::JobEvent::fromC(event)};
    if (e.event.job_id == 0) return fail(LXDR_ERR_INVALID_ARGUMENT, "emit_job_event: job_id is 0");
    if (c.services->wants_labels && !c.services->wants_labels(e.event.labels)) {
      ++c.services->unwanted_events;
      if (c.logger != nullptr && c.logger->debug()) {
        std::string labels;
        for (const auto& l : e.event.labels) labels += (labels.empty() ? "" : ",") + l;
        c.logger->debug("job " + std::to_string(e.event.job_id) + " labels [" + labels +
                        "]: no runnermap entry wants them; ignored");
      }
      return fail(LXDR_ERR_NOT_FOUND, "no runnermap entry wants the job's labels");
    }
    // OK only once the event is durable: a source answers GitHub 2xx on OK, and a job
    // lost after that answer would never come back.
    const auto r = c.services->inbox->deliver(std::move(e), c.services->durable_wait);
    switch (r.outcome) {
      case events::DeliveryOutcome::kRecorded:
        return LXDR_OK;
      case events::DeliveryOutcome::kRefused:
        return fail(LXDR_ERR_TRANSIENT, r.error + ": retry later");
      case events::DeliveryOutcome::kFailed:
        return fail(LXDR_ERR_TRANSIENT,
                    "the job store could not record the event (" + r.error + "): retry later");
      case events::DeliveryOutcome::kTimedOut:
        break;
    }
    return fail(LXDR_ERR_TRANSIENT, r.error + ": retry later");
  });
}

lxdr_status registerHttpRoute(void* host_ctx, const lxdr_http_route* route) {
  return guarded("register_http_route", [&] {
    HostContext& c = contextOf(host_ctx);
    if (!c.services->register_http_route)
      return unsupported("register_http_route", "the HTTP server");
    lxdr_http_route r = sdk::readVersioned(route);
    std::string error;
    lxdr_status s = c.services->register_http_route(c.plugin_name, r, error);
    return s == LXDR_OK ? s : fail(s, error);
  });
}

lxdr_status githubRequest(void* host_ctx, const lxdr_github_request* request,
                          lxdr_github_response* response) {
  return guarded("github_request", [&] {
    HostContext& c = contextOf(host_ctx);
    if (!c.services->github_request) return unsupported("github_request", "the GitHub client");
    if (request == nullptr || response == nullptr) {
      return fail(LXDR_ERR_INVALID_ARGUMENT, "github_request: request or response is NULL");
    }
    lxdr_github_request r = sdk::readVersioned(request);
    sdk::GithubResponse answer;
    std::string error;
    lxdr_status s = c.services->github_request(r, answer, error);
    if (s != LXDR_OK) return fail(s, error);
    sdk::fillGithubResponse(answer, response);
    return LXDR_OK;
  });
}

lxdr_status runnerCredentials(void* host_ctx, const lxdr_runner_request* request, bool jit,
                              const lxdr_sink* out) {
  return guarded(jit ? "runner_jit_config" : "runner_registration_token", [&] {
    HostContext& c = contextOf(host_ctx);
    if (!c.services->runner_credentials) {
      return unsupported(jit ? "runner_jit_config" : "runner_registration_token",
                         "the GitHub client");
    }
    lxdr_runner_request r = sdk::readVersioned(request);
    std::string value;
    std::string error;
    lxdr_status s = c.services->runner_credentials(r, jit, value, error);
    if (s != LXDR_OK) return fail(s, error);
    write(out, value);
    return LXDR_OK;
  });
}

lxdr_status runnerJitConfig(void* host_ctx, const lxdr_runner_request* r, const lxdr_sink* out) {
  return runnerCredentials(host_ctx, r, true, out);
}
lxdr_status runnerRegistrationToken(void* host_ctx, const lxdr_runner_request* r,
                                    const lxdr_sink* out) {
  return runnerCredentials(host_ctx, r, false, out);
}

lxdr_status runnerTarball(void* host_ctx, lxdr_str os, lxdr_str arch, int unpacked,
                          const lxdr_sink* out) {
  return guarded("runner_tarball", [&] {
    HostContext& c = contextOf(host_ctx);
    if (!c.services->runner_tarball) return unsupported("runner_tarball", "the runner cache");
    std::string path;
    std::string error;
    lxdr_status s = c.services->runner_tarball(copy(os), copy(arch), unpacked != 0, path, error);
    if (s != LXDR_OK) return fail(s, error);
    write(out, path);
    return LXDR_OK;
  });
}

// Finds the backend that owns an instance, or fails naming what is missing.
PluginInstance* owningBackend(void* host_ctx, const lxdr_instance_ref* instance) {
  if (instance == nullptr) {
    fail(LXDR_ERR_INVALID_ARGUMENT, "instance reference is NULL");
    return nullptr;
  }
  std::string name = copy(instance->backend);
  PluginInstance* b = contextOf(host_ctx).services->backend(name);
  if (b == nullptr) {
    fail(LXDR_ERR_NOT_FOUND, "instance " + copy(instance->name) + " names backend '" + name +
                                 "', which is not running in this daemon");
  }
  return b;
}

lxdr_status routed(const CallResult& r) {
  return r.ok() ? LXDR_OK : fail(r.status, r.error);
}

// A plugin's deadline for an instance operation, within HostServices::instance_wait_limit_ms.
int64_t boundedDeadline(void* host_ctx, int64_t deadline_ms) {
  const int64_t latest = nowMs(host_ctx) + contextOf(host_ctx).services->instance_wait_limit_ms;
  return deadline_ms == 0 || deadline_ms > latest ? latest : deadline_ms;
}

lxdr_status instanceExec(void* host_ctx, const lxdr_instance_ref* instance,
                         const lxdr_exec_request* request, lxdr_exec_result* result) {
  return guarded("instance_exec", [&] {
    PluginInstance* b = owningBackend(host_ctx, instance);
    if (b == nullptr) return LXDR_ERR_NOT_FOUND;
    if (request == nullptr || result == nullptr) {
      return fail(LXDR_ERR_INVALID_ARGUMENT, "instance_exec: request or result is NULL");
    }
    // The backend writes into the result: hand it a full-size copy, so a caller's struct
    // shorter than this ABI's (an older plugin, or a broken one) is never written past its
    // struct_size. Sinks beyond it read as absent (discard).
    constexpr size_t kExitCodeEnd = offsetof(lxdr_exec_result, exit_code) + sizeof(int32_t);
    if (result->struct_size < kExitCodeEnd) {
      return fail(LXDR_ERR_INVALID_ARGUMENT,
                  "instance_exec: the result struct is " + std::to_string(result->struct_size) +
                      " bytes, too small to hold exit_code (" + std::to_string(kExitCodeEnd) + ")");
    }
    lxdr_exec_result full = sdk::readVersioned(result);
    lxdr_exec_request bounded = sdk::readVersioned(request);
    bounded.deadline_ms = boundedDeadline(host_ctx, bounded.deadline_ms);
    const lxdr_status status = routed(b->exec(*instance, bounded, full));
    result->exit_code = full.exit_code;
    return status;
  });
}

lxdr_status instancePushFile(void* host_ctx, const lxdr_instance_ref* instance,
                             const lxdr_file_push* file) {
  return guarded("instance_push_file", [&] {
    PluginInstance* b = owningBackend(host_ctx, instance);
    if (b == nullptr) return LXDR_ERR_NOT_FOUND;
    if (file == nullptr) return fail(LXDR_ERR_INVALID_ARGUMENT, "instance_push_file: file is NULL");
    lxdr_file_push bounded = sdk::readVersioned(file);
    bounded.deadline_ms = boundedDeadline(host_ctx, bounded.deadline_ms);
    return routed(b->pushFile(*instance, bounded));
  });
}

lxdr_status instancePullFile(void* host_ctx, const lxdr_instance_ref* instance, lxdr_str path,
                             int64_t deadline_ms, const lxdr_sink* out) {
  return guarded("instance_pull_file", [&] {
    PluginInstance* b = owningBackend(host_ctx, instance);
    if (b == nullptr) return LXDR_ERR_NOT_FOUND;
    if (out == nullptr) return fail(LXDR_ERR_INVALID_ARGUMENT, "instance_pull_file: out is NULL");
    return routed(b->pullFile(*instance, path, boundedDeadline(host_ctx, deadline_ms), *out));
  });
}

lxdr_status instanceAttachDevice(void* host_ctx, const lxdr_instance_ref* instance, lxdr_str name,
                                 lxdr_str json, int64_t deadline_ms) {
  return guarded("instance_attach_device", [&] {
    PluginInstance* b = owningBackend(host_ctx, instance);
    if (b == nullptr) return LXDR_ERR_NOT_FOUND;
    return routed(b->attachDevice(*instance, name, json, boundedDeadline(host_ctx, deadline_ms)));
  });
}

// The data is a JIT config: a failure's message is the backend's, which never holds it.
lxdr_status instanceWriteFifo(void* host_ctx, const lxdr_instance_ref* instance, lxdr_str path,
                              lxdr_str data, int64_t deadline_ms) {
  return guarded("instance_write_fifo", [&] {
    PluginInstance* b = owningBackend(host_ctx, instance);
    if (b == nullptr) return LXDR_ERR_NOT_FOUND;
    if (data.len > kMaxFifoWrite) {
      return fail(LXDR_ERR_INVALID_ARGUMENT, "instance_write_fifo: more than 65536 bytes");
    }
    return routed(b->writeFifo(*instance, path, data, boundedDeadline(host_ctx, deadline_ms)));
  });
}

lxdr_status counterAdd(void* host_ctx, lxdr_str name, uint64_t delta) {
  return guarded("counter_add", [&] {
    HostContext& c = contextOf(host_ctx);
    std::string refused = c.services->plugin_counters.add(c.plugin_name, copy(name), delta);
    if (!refused.empty()) return fail(LXDR_ERR_INVALID_ARGUMENT, "counter_add: " + refused);
    return LXDR_OK;
  });
}

lxdr_host_api makeApi() {
  lxdr_host_api api{};
  api.struct_size = sizeof(api);
  api.abi_major = LXDR_ABI_MAJOR;
  api.abi_minor = LXDR_ABI_MINOR;
  api.log = &logLine;
  api.last_error = &lastError;
  api.shutting_down = &shuttingDown;
  api.now_ms = &nowMs;
  api.config_get = &configGet;
  api.emit_job_event = &emitJobEvent;
  api.register_http_route = &registerHttpRoute;
  api.github_request = &githubRequest;
  api.runner_jit_config = &runnerJitConfig;
  api.runner_registration_token = &runnerRegistrationToken;
  api.runner_tarball = &runnerTarball;
  api.instance_exec = &instanceExec;
  api.instance_push_file = &instancePushFile;
  api.instance_pull_file = &instancePullFile;
  api.instance_attach_device = &instanceAttachDevice;
  api.counter_add = &counterAdd;
  api.instance_write_fifo = &instanceWriteFifo;
  return api;
}

}  // namespace

const lxdr_host_api* hostApi() noexcept {
  static const lxdr_host_api api = makeApi();
  return &api;
}

void setHostError(std::string message) {
  lastHostError() = std::move(message);
}

void HostServices::addBackend(const std::string& name, PluginInstance* backend) {
  std::lock_guard<std::mutex> lock(mu_);
  backends_[name] = backend;
}

PluginInstance* HostServices::backend(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = backends_.find(name);
  return it == backends_.end() ? nullptr : it->second;
}

}  // namespace lxdrunner::plugin_host
