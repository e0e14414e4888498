// SPDX-License-Identifier: Apache-2.0
#include "plugin_host/plugin_instance.hpp"

#include <Poco/JSON/Parser.h>

#include <cstring>
#include <utility>

#include "lxdrunner/sdk/error.hpp"
#include "lxdrunner/sdk/strings.hpp"

namespace lxdrunner::plugin_host {
namespace {

// Copies a kind's ops table honouring its struct_size (append-only rule).
template <class Ops>
Ops readOps(const void* raw) {
  Ops out{};
  const auto* in = static_cast<const Ops*>(raw);
  std::memcpy(&out, in, in->struct_size < sizeof(out) ? in->struct_size : sizeof(out));
  return out;
}

// The header's rule: a status this host does not know reads as LXDR_ERR_INTERNAL.
bool knownStatus(lxdr_status status) noexcept {
  const auto value = static_cast<int>(status);
  return value >= LXDR_OK && value <= LXDR_ERR_INTERNAL;
}

}  // namespace

std::unique_ptr<PluginInstance> PluginInstance::create(const PluginInfo& info,
                                                       HostServices& services,
                                                       const std::string& config_json,
                                                       std::string& error) {
  const std::string who = "plugin '" + info.name + "' (" + info.file + ")";
  auto context = std::make_unique<HostContext>();
  context->plugin_name = info.name;
  context->logger = &Poco::Logger::get("plugin." + info.name);
  context->services = &services;
  try {
    Poco::JSON::Parser parser;
    context->config =
        parser.parse(config_json.empty() ? "{}" : config_json).extract<Poco::JSON::Object::Ptr>();
  } catch (const std::exception& e) {
    error = who + ": its configuration is not a JSON object: " + e.what();
    return nullptr;
  }

  std::unique_ptr<PluginInstance> self(new PluginInstance(info, std::move(context)));
  std::string message;
  lxdr_sink sink = sdk::stringSink(message);
  lxdr_status status = LXDR_ERR_INTERNAL;
  try {
    status = info.descriptor.create(hostApi(), self->context_.get(), sdk::slice(config_json),
                                    &self->handle_, &sink);
  } catch (...) {
    message = "an exception escaped create() across the C boundary";
  }
  if (status == LXDR_OK && self->handle_ == nullptr) {
    error = who + ": create() returned OK but no instance: the plugin is broken";
    return nullptr;
  }
  if (status != LXDR_OK) {
    if (message.empty()) message = sdk::statusName(status);
    error = who + ": create() failed: " + message;
    self->handle_ = nullptr;
    return nullptr;
  }
  return self;
}

PluginInstance::PluginInstance(PluginInfo info, std::unique_ptr<HostContext> context)
    : info_(std::move(info)), context_(std::move(context)) {
  switch (info_.kind) {
    case LXDR_KIND_EVENT_SOURCE:
      source_ops_ = readOps<lxdr_event_source_ops>(info_.descriptor.ops);
      break;
    case LXDR_KIND_BACKEND:
      backend_ops_ = readOps<lxdr_backend_ops>(info_.descriptor.ops);
      break;
    case LXDR_KIND_PROVISIONER:
      provisioner_ops_ = readOps<lxdr_provisioner_ops>(info_.descriptor.ops);
      break;
  }
}

PluginInstance::~PluginInstance() {
  if (handle_ == nullptr) return;
  try {
    info_.descriptor.destroy(handle_);
  } catch (...) {
    context_->logger->error("plugin '%s': an exception escaped destroy()", info_.name);
  }
}

template <class Fn>
CallResult PluginInstance::call(const char* operation, Fn&& fn) noexcept {
  CallResult r;
  lxdr_status returned = LXDR_OK;
  try {
    returned = fn();
    r.status = knownStatus(returned) ? returned : LXDR_ERR_INTERNAL;
  } catch (...) {
    r.status = LXDR_ERR_INTERNAL;
    r.error = "plugin '" + info_.name + "': an exception escaped " + operation +
              "() across the C boundary";
    return r;
  }
  if (r.status != LXDR_OK) {
    const char* message = nullptr;
    try {
      message = info_.descriptor.last_error(handle_);
    } catch (...) {
      message = nullptr;
    }
    r.error = "plugin '" + info_.name + "': " + operation + ": " +
              (message != nullptr && *message != '\0' ? message : sdk::statusName(r.status));
    if (r.status != returned) {
      r.error += " (unknown status " + std::to_string(static_cast<int>(returned)) +
                 ", treated as internal)";
    }
  }
  return r;
}

CallResult PluginInstance::wrongKind(const char* operation) const {
  return CallResult{LXDR_ERR_UNSUPPORTED, "plugin '" + info_.name + "' is a " +
                                              kindName(info_.kind) + " and has no " + operation +
                                              "()"};
}

#define LXDR_REQUIRE_OP(table, field) \
  if ((table).field == nullptr) return wrongKind(#field)

CallResult PluginInstance::start() {
  LXDR_REQUIRE_OP(source_ops_, start);
  return call("start", [&] { return source_ops_.start(handle_); });
}

CallResult PluginInstance::stop() {
  LXDR_REQUIRE_OP(source_ops_, stop);
  return call("stop", [&] { return source_ops_.stop(handle_); });
}

CallResult PluginInstance::launch(const lxdr_launch_request& request, std::string& remote) {
  LXDR_REQUIRE_OP(backend_ops_, launch);
  lxdr_sink sink = sdk::stringSink(remote);
  return call("launch", [&] { return backend_ops_.launch(handle_, &request, &sink); });
}

CallResult PluginInstance::destroyInstance(const lxdr_instance_ref& instance, int64_t deadline_ms) {
  LXDR_REQUIRE_OP(backend_ops_, destroy_instance);
  return call("destroy_instance",
              [&] { return backend_ops_.destroy_instance(handle_, &instance, deadline_ms); });
}

CallResult PluginInstance::listInstances(int64_t deadline_ms, std::string& json) {
  LXDR_REQUIRE_OP(backend_ops_, list_instances);
  lxdr_sink sink = sdk::stringSink(json);
  return call("list_instances",
              [&] { return backend_ops_.list_instances(handle_, deadline_ms, &sink); });
}

CallResult PluginInstance::exec(const lxdr_instance_ref& instance, const lxdr_exec_request& request,
                                lxdr_exec_result& result) {
  LXDR_REQUIRE_OP(backend_ops_, exec);
  return call("exec", [&] { return backend_ops_.exec(handle_, &instance, &request, &result); });
}

CallResult PluginInstance::pushFile(const lxdr_instance_ref& instance, const lxdr_file_push& file) {
  LXDR_REQUIRE_OP(backend_ops_, push_file);
  return call("push_file", [&] { return backend_ops_.push_file(handle_, &instance, &file); });
}

CallResult PluginInstance::pullFile(const lxdr_instance_ref& instance, lxdr_str path,
                                    int64_t deadline_ms, const lxdr_sink& out) {
  LXDR_REQUIRE_OP(backend_ops_, pull_file);
  return call("pull_file",
              [&] { return backend_ops_.pull_file(handle_, &instance, path, deadline_ms, &out); });
}

CallResult PluginInstance::attachDevice(const lxdr_instance_ref& instance, lxdr_str name,
                                        lxdr_str json, int64_t deadline_ms) {
  LXDR_REQUIRE_OP(backend_ops_, attach_device);
  return call("attach_device", [&] {
    return backend_ops_.attach_device(handle_, &instance, name, json, deadline_ms);
  });
}

CallResult PluginInstance::provision(const lxdr_provision_request& request, std::string& log) {
  LXDR_REQUIRE_OP(provisioner_ops_, provision);
  lxdr_sink sink = sdk::stringSink(log);
  return call("provision", [&] { return provisioner_ops_.provision(handle_, &request, &sink); });
}

CallResult PluginInstance::setFrozen(const lxdr_instance_ref& instance, bool frozen,
                                     int64_t deadline_ms) {
  LXDR_REQUIRE_OP(backend_ops_, set_frozen);
  return call("set_frozen", [&] {
    return backend_ops_.set_frozen(handle_, &instance, frozen ? 1 : 0, deadline_ms);
  });
}

CallResult PluginInstance::imageFingerprint(lxdr_str entry_json, int64_t deadline_ms,
                                            std::string& out) {
  LXDR_REQUIRE_OP(backend_ops_, image_fingerprint);
  lxdr_sink sink = sdk::stringSink(out);
  return call("image_fingerprint", [&] {
    return backend_ops_.image_fingerprint(handle_, entry_json, deadline_ms, &sink);
  });
}

CallResult PluginInstance::writeFifo(const lxdr_instance_ref& instance, lxdr_str path,
                                     lxdr_str data, int64_t deadline_ms) {
  LXDR_REQUIRE_OP(backend_ops_, write_fifo);
  return call("write_fifo",
              [&] { return backend_ops_.write_fifo(handle_, &instance, path, data, deadline_ms); });
}

CallResult PluginInstance::prepare(const lxdr_provision_request& request, std::string& log) {
  LXDR_REQUIRE_OP(provisioner_ops_, prepare);
  lxdr_sink sink = sdk::stringSink(log);
  return call("prepare", [&] { return provisioner_ops_.prepare(handle_, &request, &sink); });
}

CallResult PluginInstance::startRunner(const lxdr_provision_request& request, std::string& log) {
  LXDR_REQUIRE_OP(provisioner_ops_, start);
  lxdr_sink sink = sdk::stringSink(log);
  return call("start", [&] { return provisioner_ops_.start(handle_, &request, &sink); });
}

#undef LXDR_REQUIRE_OP

}  // namespace lxdrunner::plugin_host
