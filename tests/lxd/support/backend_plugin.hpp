// SPDX-License-Identifier: Apache-2.0
// Loads the built lxd_backends.so through its C entry point, as the daemon does, and drives
// one of its backends with the SDK's FakeHost.
#pragma once

#include <dlfcn.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/fake_host.hpp"

namespace lxdrunner::lxdtest {

inline const lxdr_plugin_descriptor* findBackend(const std::string& name) {
  // Never closed: the host never unloads a plugin library either.
  static void* library = ::dlopen(LXDRUNNER_LXD_BACKENDS_SO, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) throw std::runtime_error(std::string("dlopen: ") + ::dlerror());
  auto entry = reinterpret_cast<lxdr_plugin_entry_fn>(::dlsym(library, LXDR_PLUGIN_ENTRY_SYMBOL));
  if (entry == nullptr) throw std::runtime_error("no entry symbol in " LXDRUNNER_LXD_BACKENDS_SO);
  const lxdr_plugin_list* list = entry(LXDR_ABI_MAJOR, LXDR_ABI_MINOR);
  for (uint32_t i = 0; i < list->count; ++i) {
    if (name == list->descriptors[i]->name) return list->descriptors[i];
  }
  throw std::runtime_error("no plugin named " + name);
}

// Creates an instance of backend `name`; throws sdk::Error with the plugin's message.
inline sdk::FakeHost::Instance createBackend(sdk::FakeHost& host, const std::string& name,
                                             const std::string& config_json) {
  const lxdr_plugin_descriptor* d = findBackend(name);
  lxdr_plugin_instance* instance = nullptr;
  std::string error;
  lxdr_sink sink = sdk::stringSink(error);
  lxdr_status s = d->create(host.api(), host.context(), sdk::slice(config_json), &instance, &sink);
  if (s != LXDR_OK) throw sdk::Error(s, error);
  return sdk::FakeHost::Instance(d, instance);
}

// Thin typed calls over the C operations; each returns the status and fills `error`.
struct BackendCalls {
  const sdk::FakeHost::Instance& plugin;
  std::string error;

  const lxdr_backend_ops& ops() const { return plugin.ops<lxdr_backend_ops>(); }
  lxdr_status done(lxdr_status s) {
    error = s == LXDR_OK ? std::string() : plugin.lastError();
    return s;
  }

  lxdr_status launch(const std::string& name, const std::string& entry_json, uint64_t job_id,
                     int64_t deadline_ms, std::string& remote) {
    lxdr_launch_request r{};
    r.struct_size = sizeof(r);
    r.instance_name = sdk::slice(name);
    r.entry_name = sdk::slice("test-entry");
    r.job_id = job_id;
    r.entry_json = sdk::slice(entry_json);
    r.deadline_ms = deadline_ms;
    lxdr_sink sink = sdk::stringSink(remote);
    return done(ops().launch(plugin.handle(), &r, &sink));
  }
  lxdr_status destroy(const sdk::InstanceRef& ref, int64_t deadline_ms = 0) {
    auto c = ref.toC();
    return done(ops().destroy_instance(plugin.handle(), &c, deadline_ms));
  }
  lxdr_status list(std::string& json, int64_t deadline_ms = 0) {
    lxdr_sink sink = sdk::stringSink(json);
    return done(ops().list_instances(plugin.handle(), deadline_ms, &sink));
  }
  lxdr_status exec(const sdk::InstanceRef& ref, const sdk::ExecRequest& request,
                   sdk::ExecResult& result) {
    auto c = ref.toC();
    sdk::BorrowedExecRequest req(request);
    lxdr_exec_result res{};
    res.struct_size = sizeof(res);
    res.out = sdk::stringSink(result.out);
    res.err = sdk::stringSink(result.err);
    lxdr_status s = ops().exec(plugin.handle(), &c, req.get(), &res);
    result.exit_code = res.exit_code;
    return done(s);
  }
  lxdr_status push(const sdk::InstanceRef& ref, const std::string& path, std::string content,
                   uint32_t mode, uint32_t uid = 0, uint32_t gid = 0) {
    auto c = ref.toC();
    size_t offset = 0;
    std::pair<std::string*, size_t*> ctx{&content, &offset};
    lxdr_file_push f{};
    f.struct_size = sizeof(f);
    f.path = sdk::slice(path);
    f.mode = mode;
    f.uid = uid;
    f.gid = gid;
    f.content = lxdr_source{&ctx, [](void* p, char* buffer, size_t capacity, size_t* n) {
                              auto* state = static_cast<std::pair<std::string*, size_t*>*>(p);
                              size_t left = state->first->size() - *state->second;
                              *n = std::min(left, capacity);
                              state->first->copy(buffer, *n, *state->second);
                              *state->second += *n;
                              return LXDR_OK;
                            }};
    return done(ops().push_file(plugin.handle(), &c, &f));
  }
  lxdr_status pull(const sdk::InstanceRef& ref, const std::string& path, std::string& out) {
    auto c = ref.toC();
    lxdr_sink sink = sdk::stringSink(out);
    return done(ops().pull_file(plugin.handle(), &c, sdk::slice(path), 0, &sink));
  }
  lxdr_status attach(const sdk::InstanceRef& ref, const std::string& device,
                     const std::string& json) {
    auto c = ref.toC();
    return done(ops().attach_device(plugin.handle(), &c, sdk::slice(device), sdk::slice(json), 0));
  }
};

}  // namespace lxdrunner::lxdtest
