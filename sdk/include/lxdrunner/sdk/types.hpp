// SPDX-License-Identifier: Apache-2.0
// Owning C++ value types mirroring the ABI's borrowed C structs, with conversions both ways.
// fromC() copies; a Borrowed* view keeps the slices it hands to C alive for one call.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/file_push.hpp"
#include "lxdrunner/sdk/settings.hpp"
#include "lxdrunner/sdk/strings.hpp"

namespace lxdrunner::sdk {

// Reads a struct that may come from an older or newer peer: copies min(struct_size, sizeof)
// bytes into a zeroed T, so fields the writer did not know read as zero.
template <class T>
T readVersioned(const T* in) noexcept {
  T out{};
  if (in == nullptr) return out;
  size_t n = in->struct_size < sizeof(T) ? in->struct_size : sizeof(T);
  const auto* src = reinterpret_cast<const unsigned char*>(in);
  auto* dst = reinterpret_cast<unsigned char*>(&out);
  for (size_t i = 0; i < n; ++i) dst[i] = src[i];
  out.struct_size = static_cast<uint32_t>(sizeof(T));
  return out;
}

// The webhook's wire names of the job actions; "" for values this SDK does not know.
inline std::string_view jobActionName(lxdr_job_action action) noexcept {
  switch (action) {
    case LXDR_JOB_QUEUED:
      return "queued";
    case LXDR_JOB_WAITING:
      return "waiting";
    case LXDR_JOB_IN_PROGRESS:
      return "in_progress";
    case LXDR_JOB_COMPLETED:
      return "completed";
  }
  return {};
}

struct InstanceRef {
  std::string name;
  std::string remote;
  std::string backend;

  static InstanceRef fromC(const lxdr_instance_ref& c) {
    return {copy(c.name), copy(c.remote), copy(c.backend)};
  }
  // The returned struct borrows from *this.
  lxdr_instance_ref toC() const { return {slice(name), slice(remote), slice(backend)}; }
};

struct JobEvent {
  lxdr_job_action action = LXDR_JOB_QUEUED;
  uint64_t job_id = 0;
  uint64_t run_id = 0;
  uint32_t run_attempt = 0;
  std::vector<std::string> labels;
  std::string repository;
  std::string organization;
  uint64_t installation_id = 0;
  std::string delivery_id;
  uint64_t runner_id = 0;
  std::string runner_name;
  std::string conclusion;
  std::string workflow_name;  // 1.1
  std::string job_name;       // 1.1
  std::string head_branch;    // 1.1

  static JobEvent fromC(const lxdr_job_event* in) {
    lxdr_job_event c = readVersioned(in);
    JobEvent e;
    e.action = static_cast<lxdr_job_action>(c.action);
    e.job_id = c.job_id;
    e.run_id = c.run_id;
    e.run_attempt = c.run_attempt;
    e.labels = copyAll(c.labels, c.label_count);
    e.repository = copy(c.repository);
    e.organization = copy(c.organization);
    e.installation_id = c.installation_id;
    e.delivery_id = copy(c.delivery_id);
    e.runner_id = c.runner_id;
    e.runner_name = copy(c.runner_name);
    e.conclusion = copy(c.conclusion);
    e.workflow_name = copy(c.workflow_name);
    e.job_name = copy(c.job_name);
    e.head_branch = copy(c.head_branch);
    return e;
  }
};

// Holds the C view of a JobEvent; valid while both it and the event live.
class BorrowedJobEvent {
 public:
  explicit BorrowedJobEvent(const JobEvent& e) : labels_(slices(e.labels)) {
    c_.struct_size = sizeof(c_);
    c_.action = static_cast<uint32_t>(e.action);
    c_.job_id = e.job_id;
    c_.run_id = e.run_id;
    c_.run_attempt = e.run_attempt;
    c_.label_count = static_cast<uint32_t>(labels_.size());
    c_.labels = labels_.data();
    c_.repository = slice(e.repository);
    c_.organization = slice(e.organization);
    c_.installation_id = e.installation_id;
    c_.delivery_id = slice(e.delivery_id);
    c_.runner_id = e.runner_id;
    c_.runner_name = slice(e.runner_name);
    c_.conclusion = slice(e.conclusion);
    c_.workflow_name = slice(e.workflow_name);
    c_.job_name = slice(e.job_name);
    c_.head_branch = slice(e.head_branch);
  }
  const lxdr_job_event* get() const noexcept { return &c_; }

 private:
  std::vector<lxdr_str> labels_;
  lxdr_job_event c_{};
};

struct ExecRequest {
  std::vector<std::string> argv;
  std::vector<std::string> env;  // "NAME=value"
  uint32_t uid = 0;
  std::string cwd;
  std::string stdin_data;
  int64_t deadline_ms = 0;

  static ExecRequest fromC(const lxdr_exec_request* in) {
    lxdr_exec_request c = readVersioned(in);
    ExecRequest r;
    r.argv = copyAll(c.argv, c.argc);
    r.env = copyAll(c.env, c.env_count);
    r.uid = c.uid;
    r.cwd = copy(c.cwd);
    r.stdin_data = copy(c.stdin_data);
    r.deadline_ms = c.deadline_ms;
    return r;
  }
};

class BorrowedExecRequest {
 public:
  explicit BorrowedExecRequest(const ExecRequest& r) : argv_(slices(r.argv)), env_(slices(r.env)) {
    c_.struct_size = sizeof(c_);
    c_.argc = static_cast<uint32_t>(argv_.size());
    c_.argv = argv_.data();
    c_.env_count = static_cast<uint32_t>(env_.size());
    c_.env = env_.data();
    c_.uid = r.uid;
    c_.cwd = slice(r.cwd);
    c_.stdin_data = slice(r.stdin_data);
    c_.deadline_ms = r.deadline_ms;
  }
  const lxdr_exec_request* get() const noexcept { return &c_; }

 private:
  std::vector<lxdr_str> argv_;
  std::vector<lxdr_str> env_;
  lxdr_exec_request c_{};
};

struct ExecResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

struct LaunchRequest {
  std::string instance_name;
  std::string entry_name;
  uint64_t job_id = 0;
  std::string entry_json;
  int64_t deadline_ms = 0;

  // The runnermap entry, typed (settings.hpp).
  Settings entry() const { return Settings::parse(entry_json, "runnermap entry " + entry_name); }

  static LaunchRequest fromC(const lxdr_launch_request* in) {
    lxdr_launch_request c = readVersioned(in);
    return {copy(c.instance_name), copy(c.entry_name), c.job_id, copy(c.entry_json), c.deadline_ms};
  }
};

// 1.1: the job an instance is provisioned for (lxdr_job_context).
struct JobContext {
  uint64_t job_id = 0;
  uint64_t run_id = 0;
  uint32_t run_attempt = 0;
  uint64_t installation_id = 0;
  std::string repository;    // "owner/name"
  std::string owner;         // the repository's owner
  std::string organization;  // empty for a user's repository
  std::string workflow_name;
  std::string job_name;
  std::string head_branch;
  std::vector<std::string> job_labels;    // what the workflow asked for
  std::string entry_name;                 // the runnermap entry that matched
  std::vector<std::string> entry_labels;  // the runner's label set

  static JobContext fromC(const lxdr_job_context* in) {
    lxdr_job_context c = readVersioned(in);
    JobContext j;
    j.job_id = c.job_id;
    j.run_id = c.run_id;
    j.run_attempt = c.run_attempt;
    j.installation_id = c.installation_id;
    j.repository = copy(c.repository);
    j.owner = copy(c.owner);
    j.organization = copy(c.organization);
    j.workflow_name = copy(c.workflow_name);
    j.job_name = copy(c.job_name);
    j.head_branch = copy(c.head_branch);
    j.job_labels = copyAll(c.job_labels, c.job_label_count);
    j.entry_name = copy(c.entry_name);
    j.entry_labels = copyAll(c.entry_labels, c.entry_label_count);
    return j;
  }
};

// Holds the C view of a JobContext; valid while both it and the context live.
class BorrowedJobContext {
 public:
  explicit BorrowedJobContext(const JobContext& j)
      : job_labels_(slices(j.job_labels)), entry_labels_(slices(j.entry_labels)) {
    c_.struct_size = sizeof(c_);
    c_.job_id = j.job_id;
    c_.run_id = j.run_id;
    c_.run_attempt = j.run_attempt;
    c_.installation_id = j.installation_id;
    c_.repository = slice(j.repository);
    c_.owner = slice(j.owner);
    c_.organization = slice(j.organization);
    c_.workflow_name = slice(j.workflow_name);
    c_.job_name = slice(j.job_name);
    c_.head_branch = slice(j.head_branch);
    c_.job_label_count = static_cast<uint32_t>(job_labels_.size());
    c_.job_labels = job_labels_.data();
    c_.entry_name = slice(j.entry_name);
    c_.entry_label_count = static_cast<uint32_t>(entry_labels_.size());
    c_.entry_labels = entry_labels_.data();
  }
  // It borrows the context's strings: a temporary would leave it dangling.
  explicit BorrowedJobContext(JobContext&&) = delete;
  BorrowedJobContext(const BorrowedJobContext&) = delete;
  BorrowedJobContext& operator=(const BorrowedJobContext&) = delete;
  const lxdr_job_context* get() const noexcept { return &c_; }

 private:
  std::vector<lxdr_str> job_labels_;
  std::vector<lxdr_str> entry_labels_;
  lxdr_job_context c_{};
};

struct ProvisionRequest {
  InstanceRef instance;
  uint64_t job_id = 0;
  std::vector<std::string> labels;
  std::string scope;
  std::string entry_json;
  std::string runner_os;
  std::string runner_arch;
  int64_t deadline_ms = 0;
  // 1.1: the job; empty in prepare() (no job yet) and from a 1.0 host.
  std::optional<JobContext> job;

  // The runnermap entry, typed (settings.hpp); its provisioner_options are
  // entry().section("provisioner_options").
  Settings entry() const { return Settings::parse(entry_json, "runnermap entry"); }

  static ProvisionRequest fromC(const lxdr_provision_request* in) {
    lxdr_provision_request c = readVersioned(in);
    ProvisionRequest r;
    r.instance = InstanceRef::fromC(c.instance);
    r.job_id = c.job_id;
    r.labels = copyAll(c.labels, c.label_count);
    r.scope = copy(c.scope);
    r.entry_json = copy(c.entry_json);
    r.runner_os = copy(c.runner_os);
    r.runner_arch = copy(c.runner_arch);
    r.deadline_ms = c.deadline_ms;
    if (c.job != nullptr) r.job = JobContext::fromC(c.job);
    return r;
  }
};

// Holds the C view of a ProvisionRequest, as a host passes it to provision(), prepare() and
// start(); valid while both it and the request live. The job context is passed only when
// the request has one (never in prepare(), where the host has no job).
class BorrowedProvisionRequest {
 public:
  explicit BorrowedProvisionRequest(const ProvisionRequest& r) : labels_(slices(r.labels)) {
    c_.struct_size = sizeof(c_);
    c_.instance = r.instance.toC();
    c_.job_id = r.job_id;
    c_.label_count = static_cast<uint32_t>(labels_.size());
    c_.labels = labels_.data();
    c_.scope = slice(r.scope);
    c_.entry_json = slice(r.entry_json);
    c_.runner_os = slice(r.runner_os);
    c_.runner_arch = slice(r.runner_arch);
    c_.deadline_ms = r.deadline_ms;
    if (r.job) {
      job_ = std::make_unique<BorrowedJobContext>(*r.job);
      c_.job = job_->get();
    }
  }
  // It borrows the request's strings: a temporary would leave it dangling.
  explicit BorrowedProvisionRequest(ProvisionRequest&&) = delete;
  BorrowedProvisionRequest(const BorrowedProvisionRequest&) = delete;
  BorrowedProvisionRequest& operator=(const BorrowedProvisionRequest&) = delete;
  const lxdr_provision_request* get() const noexcept { return &c_; }

 private:
  std::vector<lxdr_str> labels_;
  std::unique_ptr<BorrowedJobContext> job_;
  lxdr_provision_request c_{};
};

// The answer to a GitHub REST call made through the host.
struct GithubResponse {
  int status = 0;
  std::string body;
  std::string next_path;  // Link rel="next" (path + query); empty on the last page
  int64_t rate_limit_limit = -1;
  int64_t rate_limit_remaining = -1;
  int64_t rate_limit_reset = -1;
};

// Fills a caller-owned lxdr_github_response (status, rate limits, both sinks).
inline void fillGithubResponse(const GithubResponse& from, lxdr_github_response* to) {
  to->status = from.status;
  to->rate_limit_limit = from.rate_limit_limit;
  to->rate_limit_remaining = from.rate_limit_remaining;
  to->rate_limit_reset = from.rate_limit_reset;
  write(&to->body, from.body);
  write(&to->next_path, from.next_path);
}

struct RunnerRequest {
  std::string runner_name;
  std::vector<std::string> labels;
  std::string scope;
  uint64_t job_id = 0;
  int64_t deadline_ms = 0;
  std::string runner_group;  // 1.1; empty = the entry's runner_group (or the default group)
};

struct HttpRequest {
  std::string_view method;
  std::string_view path;
  std::string_view query;
  std::string_view body;
  std::string_view remote_address;
  const lxdr_http_header* headers = nullptr;
  size_t header_count = 0;

  // Case-insensitive header lookup; empty when absent.
  std::string_view header(std::string_view name) const noexcept {
    for (size_t i = 0; i < header_count; ++i) {
      std::string_view n = view(headers[i].name);
      if (n.size() != name.size()) continue;
      bool same = true;
      for (size_t k = 0; k < n.size() && same; ++k) {
        same = (n[k] | 0x20) == (name[k] | 0x20);
      }
      if (same) return view(headers[i].value);
    }
    return {};
  }
};

// The answer to an HTTP request; wraps the host-owned response object.
class HttpResponse {
 public:
  explicit HttpResponse(const lxdr_http_response* r) : r_(r) {}
  void status(int code) const { r_->set_status(r_->ctx, code); }
  void header(std::string_view name, std::string_view value) const {
    r_->set_header(r_->ctx, slice(name), slice(value));
  }
  void body(std::string_view text) const { r_->append_body(r_->ctx, text.data(), text.size()); }

 private:
  const lxdr_http_response* r_;
};

}  // namespace lxdrunner::sdk
