// SPDX-License-Identifier: Apache-2.0
// C++ face of the host-services vtable. Every failed call throws sdk::Error with the host's
// message; the registration layer turns that back into a status at the ABI.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/error.hpp"
#include "lxdrunner/sdk/strings.hpp"
#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::sdk {

class Host {
 public:
  Host(const lxdr_host_api* api, void* ctx) : api_(readVersioned(api)), ctx_(ctx) {}

  // --- logging and time --------------------------------------------------------------
  void log(lxdr_log_level level, std::string_view message) const {
    if (api_.log != nullptr) api_.log(ctx_, level, slice(message));
  }
  void debug(std::string_view m) const { log(LXDR_LOG_DEBUG, m); }
  void info(std::string_view m) const { log(LXDR_LOG_INFO, m); }
  void warning(std::string_view m) const { log(LXDR_LOG_WARNING, m); }
  void error(std::string_view m) const { log(LXDR_LOG_ERROR, m); }

  bool shuttingDown() const {
    return api_.shutting_down != nullptr && api_.shutting_down(ctx_) != 0;
  }
  int64_t nowMs() const {
    if (api_.now_ms != nullptr) return api_.now_ms(ctx_);
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
  // A deadline `timeout` from now, on the clock every deadline_ms uses.
  int64_t deadlineIn(std::chrono::milliseconds timeout) const { return nowMs() + timeout.count(); }

  // Throws Error(LXDR_ERR_CANCELLED) once the daemon shuts down, Error(LXDR_ERR_TIMEOUT) past
  // the deadline: call it between the steps of long work.
  void checkpoint(int64_t deadline_ms, std::string_view what) const {
    if (shuttingDown())
      throw Error(LXDR_ERR_CANCELLED, std::string(what) + ": daemon is shutting down");
    if (deadline_ms != 0 && nowMs() > deadline_ms) {
      throw Error(LXDR_ERR_TIMEOUT, std::string(what) + ": deadline passed");
    }
  }

  // --- configuration -------------------------------------------------------------------
  std::optional<std::string> config(std::string_view key) const {
    std::string value;
    lxdr_sink sink = stringSink(value);
    if (api_.config_get == nullptr) return std::nullopt;
    lxdr_status s = api_.config_get(ctx_, slice(key), &sink);
    if (s == LXDR_ERR_NOT_FOUND) return std::nullopt;
    check(s, "config_get");
    return value;
  }
  std::string config(std::string_view key, std::string fallback) const {
    auto v = config(key);
    return v ? *v : std::move(fallback);
  }

  // --- events and HTTP -----------------------------------------------------------------
  void emit(const JobEvent& event) const {
    BorrowedJobEvent c(event);
    check(require(api_.emit_job_event, "emit_job_event")(ctx_, c.get()), "emit_job_event");
  }

  void registerRoute(std::string_view path, uint64_t max_body, lxdr_http_handler_fn handler,
                     void* handler_ctx) const {
    lxdr_http_route route{};
    route.struct_size = sizeof(route);
    route.path = slice(path);
    route.max_body = max_body;
    route.handler = handler;
    route.handler_ctx = handler_ctx;
    check(require(api_.register_http_route, "register_http_route")(ctx_, &route),
          "register_http_route");
  }

  // --- metrics ---------------------------------------------------------------------------
  // 1.1: adds to the plugin's counter `name` on /metrics. False when the host is older than
  // 1.1 (nothing counted); throws on a bad name or one counter name too many.
  bool count(std::string_view name, uint64_t delta = 1) const {
    if (api_.counter_add == nullptr) return false;
    check(api_.counter_add(ctx_, slice(name), delta), "counter_add");
    return true;
  }

  // --- GitHub and runners --------------------------------------------------------------
  GithubResponse github(std::string_view method, std::string_view path, std::string_view body = {},
                        int64_t deadline_ms = 0, uint64_t installation_id = 0) const {
    lxdr_github_request req{};
    req.struct_size = sizeof(req);
    req.method = slice(method);
    req.path = slice(path);
    req.body = slice(body);
    req.installation_id = installation_id;
    req.deadline_ms = deadline_ms;
    GithubResponse out;
    lxdr_github_response res{};
    res.struct_size = sizeof(res);
    res.body = stringSink(out.body);
    res.next_path = stringSink(out.next_path);
    check(require(api_.github_request, "github_request")(ctx_, &req, &res), "github_request");
    out.status = res.status;
    out.rate_limit_limit = res.rate_limit_limit;
    out.rate_limit_remaining = res.rate_limit_remaining;
    out.rate_limit_reset = res.rate_limit_reset;
    return out;
  }

  std::string jitConfig(const RunnerRequest& r) const {
    return runnerCall(api_.runner_jit_config, "runner_jit_config", r);
  }
  std::string registrationToken(const RunnerRequest& r) const {
    return runnerCall(api_.runner_registration_token, "runner_registration_token", r);
  }

  std::string runnerTarball(std::string_view os, std::string_view arch, bool unpacked) const {
    std::string out;
    lxdr_sink sink = stringSink(out);
    check(require(api_.runner_tarball, "runner_tarball")(ctx_, slice(os), slice(arch),
                                                         unpacked ? 1 : 0, &sink),
          "runner_tarball");
    return out;
  }

  // --- instance operations (routed to the owning backend) ------------------------------
  ExecResult exec(const InstanceRef& instance, const ExecRequest& request) const {
    auto ref = instance.toC();
    BorrowedExecRequest req(request);
    ExecResult out;
    lxdr_exec_result res{};
    res.struct_size = sizeof(res);
    res.out = stringSink(out.out);
    res.err = stringSink(out.err);
    check(require(api_.instance_exec, "instance_exec")(ctx_, &ref, req.get(), &res),
          "instance_exec");
    out.exit_code = res.exit_code;
    return out;
  }

  // Pushes the whole content of `file`: from its start each time when it came from
  // FilePush::fromContent() or fromFile(), so pushing it again (a retry) sends it all again.
  // A read error fails the push with the reader's own message.
  void pushFile(const InstanceRef& instance, FilePush& file) const {
    PushSource source;
    FilePush::Reader fresh;
    source.reader = &file.read;
    if (file.open) {
      fresh = file.open();
      source.reader = &fresh;
    }
    auto ref = instance.toC();
    lxdr_file_push c{};
    c.struct_size = sizeof(c);
    c.path = slice(file.path);
    c.mode = file.mode;
    c.uid = file.uid;
    c.gid = file.gid;
    c.deadline_ms = file.deadline_ms;
    c.content = lxdr_source{&source, &PushSource::read};
    const lxdr_status status =
        require(api_.instance_push_file, "instance_push_file")(ctx_, &ref, &c);
    // The backend only saw a failed read; the reason is here.
    if (status != LXDR_OK && !source.error.empty()) throw Error(source.status, source.error);
    check(status, "instance_push_file");
  }

  std::string pullFile(const InstanceRef& instance, std::string_view path,
                       int64_t deadline_ms = 0) const {
    auto ref = instance.toC();
    std::string out;
    lxdr_sink sink = stringSink(out);
    check(require(api_.instance_pull_file, "instance_pull_file")(ctx_, &ref, slice(path),
                                                                 deadline_ms, &sink),
          "instance_pull_file");
    return out;
  }

  void attachDevice(const InstanceRef& instance, std::string_view device_name,
                    std::string_view device_json, int64_t deadline_ms = 0) const {
    auto ref = instance.toC();
    check(require(api_.instance_attach_device, "instance_attach_device")(
              ctx_, &ref, slice(device_name), slice(device_json), deadline_ms),
          "instance_attach_device");
  }

  // ABI 1.1: writes `data` into the FIFO at `path` in the instance without an exec. False
  // when that cannot be done and nothing was written (no reader there, a backend or host
  // that cannot), with the reason in *why: hand the data over by exec() then. Throws on
  // other failures.
  bool writeFifo(const InstanceRef& instance, std::string_view path, std::string_view data,
                 int64_t deadline_ms = 0, std::string* why = nullptr) const {
    if (api_.instance_write_fifo == nullptr) {
      if (why != nullptr) *why = "instance_write_fifo is not offered by this lxdrunner version";
      return false;
    }
    auto ref = instance.toC();
    const lxdr_status s =
        api_.instance_write_fifo(ctx_, &ref, slice(path), slice(data), deadline_ms);
    if (s == LXDR_ERR_NOT_FOUND || s == LXDR_ERR_UNSUPPORTED) {
      if (why != nullptr) *why = api_.last_error != nullptr ? api_.last_error(ctx_) : "";
      return false;
    }
    check(s, "instance_write_fifo");
    return true;
  }

  const lxdr_host_api& api() const noexcept { return api_; }
  void* context() const noexcept { return ctx_; }

 private:
  // The lxdr_source of one push: reads through a FilePush::Reader and keeps what it threw.
  struct PushSource {
    const FilePush::Reader* reader = nullptr;
    lxdr_status status = LXDR_OK;
    std::string error;

    static lxdr_status read(void* ctx, char* buffer, size_t capacity, size_t* out_len) noexcept {
      auto& self = *static_cast<PushSource*>(ctx);
      *out_len = 0;
      try {
        if (!*self.reader) throw Error(LXDR_ERR_INVALID_ARGUMENT, "FilePush has no content");
        *out_len = (*self.reader)(buffer, capacity);
        return LXDR_OK;
      } catch (const Error& e) {
        self.status = e.status() == LXDR_OK ? LXDR_ERR_INTERNAL : e.status();
        self.error = e.what();
      } catch (const std::exception& e) {
        self.status = LXDR_ERR_INTERNAL;
        self.error = e.what();
      } catch (...) {
        self.status = LXDR_ERR_INTERNAL;
        self.error = "reading the content to push threw an unknown exception";
      }
      return self.status;
    }
  };

  template <class Fn>
  static Fn require(Fn fn, const char* name) {
    if (fn == nullptr) {
      throw Error(LXDR_ERR_UNSUPPORTED, std::string("host service ") + name +
                                            " is not offered by this lxdrunner version");
    }
    return fn;
  }

  void check(lxdr_status status, const char* what) const {
    if (status == LXDR_OK) return;
    std::string message = api_.last_error != nullptr ? api_.last_error(ctx_) : "";
    if (message.empty()) message = std::string(what) + ": " + statusName(status);
    throw Error(status, message);
  }

  template <class Fn>
  std::string runnerCall(Fn fn, const char* name, const RunnerRequest& r) const {
    auto labels = slices(r.labels);
    lxdr_runner_request c{};
    c.struct_size = sizeof(c);
    c.runner_name = slice(r.runner_name);
    c.label_count = static_cast<uint32_t>(labels.size());
    c.labels = labels.data();
    c.scope = slice(r.scope);
    c.job_id = r.job_id;
    c.deadline_ms = r.deadline_ms;
    c.runner_group = slice(r.runner_group);
    std::string out;
    lxdr_sink sink = stringSink(out);
    check(require(fn, name)(ctx_, &c, &sink), name);
    return out;
  }

  lxdr_host_api api_;
  void* ctx_;
};

}  // namespace lxdrunner::sdk
