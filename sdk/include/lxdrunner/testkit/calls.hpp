// SPDX-License-Identifier: Apache-2.0
// Each operation of a plugin, called through its operations table as the daemon calls it,
// with C++ arguments in and a CallResult out. The tables are read as the daemon reads them
// (only struct_size bytes; a 1.0 provisioner has no prepare/start and no flags):
//
//   lxdrunner::testkit::ProvisionerCalls calls(plugin);           // a FakeHost::Instance
//   auto request = lxdrunner::testkit::sampleProvisionRequest();  // with a job context
//   CHECK(calls.prepare(request).ok());                           // no job, as in a warm pool
//   CHECK(calls.start(request).ok());
#pragma once

#include <string>
#include <vector>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/fake_host.hpp"
#include "lxdrunner/sdk/strings.hpp"
#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::testkit {

struct CallResult {
  // What the plugin returned, read as the daemon reads it: a value the ABI does not define is
  // LXDR_ERR_INTERNAL here and kept as it was in raw_status.
  lxdr_status status = LXDR_ERR_INTERNAL;
  int raw_status = LXDR_ERR_INTERNAL;
  std::string error;  // the plugin's last_error() when status is not LXDR_OK
  std::string log;    // provisioners: what the call wrote to its log
  std::string out;    // backends: launch's remote, list_instances' JSON, a pulled file, ...
  int exit_code = 0;  // backends: exec's exit code
  bool ok() const noexcept { return status == LXDR_OK; }
};

// A job as the daemon describes one to a provisioner: octo-org/hello-world's "build" job of
// workflow "CI", on entry "linux" with labels [self-hosted, linux, x64].
inline sdk::JobContext sampleJobContext() {
  sdk::JobContext job;
  job.job_id = 4242;
  job.run_id = 9001;
  job.run_attempt = 1;
  job.installation_id = 77;
  job.repository = "octo-org/hello-world";
  job.owner = "octo-org";
  job.organization = "octo-org";
  job.workflow_name = "CI";
  job.job_name = "build";
  job.head_branch = "main";
  job.job_labels = {"self-hosted", "linux"};
  job.entry_name = "linux";
  job.entry_labels = {"self-hosted", "linux", "x64"};
  return job;
}

// The request provision() and start() get for sampleJobContext() on `instance_name`.
inline sdk::ProvisionRequest sampleProvisionRequest(
    const std::string& instance_name = "lxdrunner-linux-4242",
    const std::string& entry_json = R"({"name":"linux","labels":["self-hosted","linux","x64"]})") {
  sdk::ProvisionRequest r;
  r.job = sampleJobContext();
  r.instance = sdk::InstanceRef{instance_name, "main", "lxd-container"};
  r.job_id = r.job->job_id;
  r.labels = r.job->entry_labels;
  r.scope = "repos/" + r.job->repository;
  r.entry_json = entry_json;
  r.runner_os = "linux";
  r.runner_arch = "x64";
  return r;
}

namespace calls_detail {

// `raw` is the operation's result converted to int straight from the call: an lxdr_status
// object holding a value outside the enumeration would be undefined behaviour in C++.
inline CallResult finish(const sdk::FakeHost::Instance& plugin, int raw, CallResult result) {
  result.raw_status = raw;
  result.status = raw >= LXDR_OK && raw <= LXDR_ERR_INTERNAL ? static_cast<lxdr_status>(raw)
                                                             : LXDR_ERR_INTERNAL;
  if (result.status != LXDR_OK) {
    const char* error = plugin.descriptor()->last_error(plugin.handle());
    result.error = error != nullptr ? error : "";
  }
  return result;
}

}  // namespace calls_detail

class ProvisionerCalls {
 public:
  explicit ProvisionerCalls(const sdk::FakeHost::Instance& plugin)
      : plugin_(plugin),
        ops_(sdk::readVersioned(
            static_cast<const lxdr_provisioner_ops*>(plugin.descriptor()->ops))) {}

  // LXDR_PROVISIONER_STEP: prepares the instance, never starts a runner.
  bool isStep() const noexcept { return (ops_.flags & LXDR_PROVISIONER_STEP) != 0; }
  // Both 1.1 phases present: the daemon may serve this provisioner's entries warm.
  bool hasPhases() const noexcept { return ops_.prepare != nullptr && ops_.start != nullptr; }

  CallResult provision(const sdk::ProvisionRequest& request) const {
    return call(ops_.provision, request);
  }
  // As the daemon calls prepare(): no job, no scope, job id 0, whatever `request` holds.
  CallResult prepare(const sdk::ProvisionRequest& request) const {
    sdk::ProvisionRequest unbound = request;
    unbound.job.reset();
    unbound.job_id = 0;
    unbound.scope.clear();
    return call(ops_.prepare, unbound);
  }
  CallResult start(const sdk::ProvisionRequest& request) const { return call(ops_.start, request); }

 private:
  using Operation = lxdr_status (*)(lxdr_plugin_instance*, const lxdr_provision_request*,
                                    const lxdr_sink*);
  CallResult call(Operation operation, const sdk::ProvisionRequest& request) const {
    CallResult result;
    if (operation == nullptr) {
      result.status = LXDR_ERR_UNSUPPORTED;
      result.error = "the plugin has no such operation (a 1.0 provisioner has no phases)";
      return result;
    }
    sdk::BorrowedProvisionRequest c(request);
    lxdr_sink log = sdk::stringSink(result.log);
    const int status = static_cast<int>(operation(plugin_.handle(), c.get(), &log));
    return calls_detail::finish(plugin_, status, std::move(result));
  }

  const sdk::FakeHost::Instance& plugin_;
  lxdr_provisioner_ops ops_;
};

class EventSourceCalls {
 public:
  explicit EventSourceCalls(const sdk::FakeHost::Instance& plugin)
      : plugin_(plugin),
        ops_(sdk::readVersioned(
            static_cast<const lxdr_event_source_ops*>(plugin.descriptor()->ops))) {}
  CallResult start() const {
    return calls_detail::finish(plugin_, static_cast<int>(ops_.start(plugin_.handle())), {});
  }
  CallResult stop() const {
    return calls_detail::finish(plugin_, static_cast<int>(ops_.stop(plugin_.handle())), {});
  }

 private:
  const sdk::FakeHost::Instance& plugin_;
  lxdr_event_source_ops ops_;
};

class BackendCalls {
 public:
  explicit BackendCalls(const sdk::FakeHost::Instance& plugin)
      : plugin_(plugin),
        ops_(sdk::readVersioned(static_cast<const lxdr_backend_ops*>(plugin.descriptor()->ops))) {}

  // out: the remote the instance landed on.
  CallResult launch(const std::string& instance_name, const std::string& entry_name,
                    uint64_t job_id, const std::string& entry_json, int64_t deadline_ms) const {
    lxdr_launch_request r{};
    r.struct_size = sizeof(r);
    r.instance_name = sdk::slice(instance_name);
    r.entry_name = sdk::slice(entry_name);
    r.job_id = job_id;
    r.entry_json = sdk::slice(entry_json);
    r.deadline_ms = deadline_ms;
    CallResult result;
    lxdr_sink out = sdk::stringSink(result.out);
    const int status = static_cast<int>(ops_.launch(plugin_.handle(), &r, &out));
    return calls_detail::finish(plugin_, status, std::move(result));
  }
  CallResult destroy(const sdk::InstanceRef& instance, int64_t deadline_ms) const {
    const lxdr_instance_ref ref = instance.toC();
    return calls_detail::finish(
        plugin_, static_cast<int>(ops_.destroy_instance(plugin_.handle(), &ref, deadline_ms)), {});
  }
  // out: the JSON array of this manager's instances.
  CallResult list(int64_t deadline_ms) const {
    CallResult result;
    lxdr_sink out = sdk::stringSink(result.out);
    const int status = static_cast<int>(ops_.list_instances(plugin_.handle(), deadline_ms, &out));
    return calls_detail::finish(plugin_, status, std::move(result));
  }
  // out: stdout, log: stderr.
  CallResult exec(const sdk::InstanceRef& instance, const sdk::ExecRequest& request) const {
    const lxdr_instance_ref ref = instance.toC();
    sdk::BorrowedExecRequest c(request);
    CallResult result;
    lxdr_exec_result r{};
    r.struct_size = sizeof(r);
    r.out = sdk::stringSink(result.out);
    r.err = sdk::stringSink(result.log);
    const int status = static_cast<int>(ops_.exec(plugin_.handle(), &ref, c.get(), &r));
    result.exit_code = r.exit_code;
    return calls_detail::finish(plugin_, status, std::move(result));
  }
  CallResult pull(const sdk::InstanceRef& instance, const std::string& path,
                  int64_t deadline_ms) const {
    const lxdr_instance_ref ref = instance.toC();
    CallResult result;
    lxdr_sink out = sdk::stringSink(result.out);
    const int status = static_cast<int>(
        ops_.pull_file(plugin_.handle(), &ref, sdk::slice(path), deadline_ms, &out));
    return calls_detail::finish(plugin_, status, std::move(result));
  }
  // 1.1; LXDR_ERR_UNSUPPORTED from a backend without it, as the daemon treats a NULL entry.
  CallResult setFrozen(const sdk::InstanceRef& instance, bool frozen, int64_t deadline_ms) const {
    if (ops_.set_frozen == nullptr) return unsupported();
    const lxdr_instance_ref ref = instance.toC();
    return calls_detail::finish(
        plugin_,
        static_cast<int>(ops_.set_frozen(plugin_.handle(), &ref, frozen ? 1 : 0, deadline_ms)), {});
  }
  CallResult imageFingerprint(const std::string& entry_json, int64_t deadline_ms) const {
    if (ops_.image_fingerprint == nullptr) return unsupported();
    CallResult result;
    lxdr_sink out = sdk::stringSink(result.out);
    const int status = static_cast<int>(
        ops_.image_fingerprint(plugin_.handle(), sdk::slice(entry_json), deadline_ms, &out));
    return calls_detail::finish(plugin_, status, std::move(result));
  }

 private:
  static CallResult unsupported() {
    CallResult result;
    result.status = LXDR_ERR_UNSUPPORTED;
    result.error = "the plugin has no such operation (a 1.0 backend)";
    return result;
  }

  const sdk::FakeHost::Instance& plugin_;
  lxdr_backend_ops ops_;
};

}  // namespace lxdrunner::testkit
