// SPDX-License-Identifier: Apache-2.0
// A scriptable, recording stand-in for the daemon, so a plugin can be unit-tested alone:
//
//   lxdrunner::sdk::FakeHost host;
//   host.setConfig("greeting", "hi");
//   host.onExec = [](const InstanceRef&, const ExecRequest&) { return ExecResult{0, "ok", ""}; };
//   auto plugin = host.create<MyProvisioner>();   // through the descriptor's C functions
//
// Thread-safe: plugins may call it from their own threads.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/error.hpp"
#include "lxdrunner/sdk/register.hpp"
#include "lxdrunner/sdk/strings.hpp"
#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::sdk {

class FakeHost {
 public:
  struct LogLine {
    lxdr_log_level level;
    std::string message;
  };
  struct PushedFile {
    std::string content;
    uint32_t mode;
    uint32_t uid;
    uint32_t gid;
  };
  struct AttachedDevice {
    InstanceRef instance;
    std::string name;
    std::string json;
  };
  struct HttpAnswer {
    int status = 200;
    std::map<std::string, std::string> headers;
    std::string body;
  };

  // Scriptable behaviour; unset hooks make the service fail with LXDR_ERR_UNSUPPORTED.
  std::function<GithubResponse(const std::string& method, const std::string& path,
                               const std::string& body)>
      onGithub;
  std::function<std::string(const RunnerRequest&)> onJitConfig;
  std::function<std::string(const RunnerRequest&)> onRegistrationToken;
  std::function<ExecResult(const InstanceRef&, const ExecRequest&)> onExec;
  std::string runnerTarballPath;
  std::string runnerUnpackedPath;

  FakeHost() = default;
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  const lxdr_host_api* api() const noexcept { return &api_; }
  void* context() noexcept { return this; }
  Host host() { return Host(&api_, this); }

  void setConfig(std::string key, std::string value) {
    std::lock_guard<std::mutex> lock(mu_);
    config_[std::move(key)] = std::move(value);
  }
  void setShuttingDown(bool value) { shutting_down_ = value; }
  void setFile(const std::string& path, std::string content) {
    std::lock_guard<std::mutex> lock(mu_);
    files_[path] = PushedFile{std::move(content), 0644, 0, 0};
  }

  std::vector<LogLine> logs() const { return locked(logs_); }
  std::vector<JobEvent> events() const { return locked(events_); }
  std::map<std::string, PushedFile> files() const { return locked(files_); }
  std::vector<AttachedDevice> devices() const { return locked(devices_); }
  // 1.1: the plugin's counters (counter_add), by name.
  std::map<std::string, uint64_t> counters() const { return locked(counters_); }
  std::vector<std::string> routes() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<std::string> out;
    for (const auto& r : routes_) out.push_back(r.first);
    return out;
  }
  bool logged(const std::string& needle) const {
    for (const auto& l : logs()) {
      if (l.message.find(needle) != std::string::npos) return true;
    }
    return false;
  }

  // Calls a registered route's handler as the daemon's HTTP server would.
  HttpAnswer http(const std::string& path, const std::string& method,
                  const std::vector<std::pair<std::string, std::string>>& headers,
                  const std::string& body) {
    lxdr_http_route route{};
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = routes_.find(path);
      if (it == routes_.end()) return HttpAnswer{404, {}, "no route"};
      route = it->second;
    }
    HttpAnswer answer;
    if (route.max_body != 0 && body.size() > route.max_body) {
      answer.status = 413;
      return answer;
    }
    std::vector<lxdr_http_header> hs;
    for (const auto& h : headers) hs.push_back({slice(h.first), slice(h.second)});
    lxdr_http_request req{};
    req.struct_size = sizeof(req);
    req.method = slice(method);
    req.path = slice(path);
    req.headers = hs.data();
    req.header_count = static_cast<uint32_t>(hs.size());
    req.body = slice(body);
    lxdr_http_response resp{};
    resp.struct_size = sizeof(resp);
    resp.ctx = &answer;
    resp.set_status = [](void* ctx, int status) { static_cast<HttpAnswer*>(ctx)->status = status; };
    resp.set_header = [](void* ctx, lxdr_str n, lxdr_str v) {
      static_cast<HttpAnswer*>(ctx)->headers[copy(n)] = copy(v);
    };
    resp.append_body = [](void* ctx, const char* d, size_t n) {
      static_cast<HttpAnswer*>(ctx)->body.append(d, n);
    };
    if (route.handler(route.handler_ctx, &req, &resp) != LXDR_OK && answer.status < 400) {
      answer.status = 500;
    }
    return answer;
  }

  // Owns a plugin instance created through T's descriptor functions, as the daemon calls
  // them (not through the exported entry symbol or the loader's checks).
  class Instance {
   public:
    Instance(const lxdr_plugin_descriptor* d, lxdr_plugin_instance* p) : d_(d), p_(p) {}
    Instance(Instance&& o) noexcept : d_(o.d_), p_(std::exchange(o.p_, nullptr)) {}
    Instance(const Instance&) = delete;
    Instance& operator=(const Instance&) = delete;
    Instance& operator=(Instance&&) = delete;
    ~Instance() {
      if (p_ != nullptr) d_->destroy(p_);
    }
    const lxdr_plugin_descriptor* descriptor() const noexcept { return d_; }
    lxdr_plugin_instance* handle() const noexcept { return p_; }
    template <class Ops>
    const Ops& ops() const noexcept {
      return *static_cast<const Ops*>(d_->ops);
    }
    std::string lastError() const { return d_->last_error(p_); }

   private:
    const lxdr_plugin_descriptor* d_;
    lxdr_plugin_instance* p_;
  };

  template <class T>
  Instance create(const std::string& config_json = "{}") {
    const lxdr_plugin_descriptor* d = detail::Adapter<T>::descriptor();
    lxdr_plugin_instance* p = nullptr;
    std::string error;
    lxdr_sink sink = stringSink(error);
    lxdr_status s = d->create(&api_, this, slice(config_json), &p, &sink);
    if (s != LXDR_OK) throw Error(s, error);
    return Instance(d, p);
  }

 private:
  template <class V>
  V locked(const V& v) const {
    std::lock_guard<std::mutex> lock(mu_);
    return v;
  }
  static FakeHost& self(void* ctx) { return *static_cast<FakeHost*>(ctx); }
  static std::string& lastError() {
    thread_local std::string buffer;
    return buffer;
  }
  static lxdr_status fail(lxdr_status s, std::string message) {
    lastError() = std::move(message);
    return s;
  }
  template <class Fn>
  static lxdr_status guard(Fn&& fn) noexcept {
    try {
      return fn();
    } catch (const Error& e) {
      return fail(e.status(), e.what());
    } catch (const std::exception& e) {
      return fail(LXDR_ERR_INTERNAL, e.what());
    }
  }
  static RunnerRequest runnerRequest(const lxdr_runner_request* in) {
    lxdr_runner_request c = readVersioned(in);
    return RunnerRequest{copy(c.runner_name), copyAll(c.labels, c.label_count),
                         copy(c.scope),       c.job_id,
                         c.deadline_ms,       copy(c.runner_group)};
  }

  static lxdr_host_api makeApi() {
    lxdr_host_api a{};
    a.struct_size = sizeof(a);
    a.abi_major = LXDR_ABI_MAJOR;
    a.abi_minor = LXDR_ABI_MINOR;
    a.log = [](void* ctx, lxdr_log_level level, lxdr_str m) {
      std::lock_guard<std::mutex> lock(self(ctx).mu_);
      self(ctx).logs_.push_back({level, copy(m)});
    };
    a.last_error = [](void*) { return lastError().c_str(); };
    a.shutting_down = [](void* ctx) { return self(ctx).shutting_down_ ? 1 : 0; };
    a.now_ms = [](void*) {
      return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::steady_clock::now().time_since_epoch())
                                      .count());
    };
    a.config_get = [](void* ctx, lxdr_str key, const lxdr_sink* out) {
      std::lock_guard<std::mutex> lock(self(ctx).mu_);
      auto it = self(ctx).config_.find(copy(key));
      if (it == self(ctx).config_.end())
        return fail(LXDR_ERR_NOT_FOUND, "no such key: " + copy(key));
      write(out, it->second);
      return LXDR_OK;
    };
    a.emit_job_event = [](void* ctx, const lxdr_job_event* e) {
      return guard([&] {
        JobEvent copyOf = JobEvent::fromC(e);
        std::lock_guard<std::mutex> lock(self(ctx).mu_);
        self(ctx).events_.push_back(std::move(copyOf));
        return LXDR_OK;
      });
    };
    a.register_http_route = [](void* ctx, const lxdr_http_route* r) {
      lxdr_http_route route = readVersioned(r);
      std::lock_guard<std::mutex> lock(self(ctx).mu_);
      std::string path = copy(route.path);
      if (self(ctx).routes_.count(path) != 0) {
        return fail(LXDR_ERR_ALREADY_EXISTS, "route " + path + " is already registered");
      }
      route.path = lxdr_str{};  // borrowed from the caller; the map key is the copy we keep
      self(ctx).routes_[path] = route;
      return LXDR_OK;
    };
    a.github_request = [](void* ctx, const lxdr_github_request* in, lxdr_github_response* out) {
      return guard([&] {
        if (!self(ctx).onGithub) return fail(LXDR_ERR_UNSUPPORTED, "FakeHost: onGithub is not set");
        lxdr_github_request c = readVersioned(in);
        GithubResponse answer = self(ctx).onGithub(copy(c.method), copy(c.path), copy(c.body));
        fillGithubResponse(answer, out);
        return LXDR_OK;
      });
    };
    a.runner_jit_config = [](void* ctx, const lxdr_runner_request* r, const lxdr_sink* out) {
      return guard([&] {
        if (!self(ctx).onJitConfig)
          return fail(LXDR_ERR_UNSUPPORTED, "FakeHost: onJitConfig is not set");
        write(out, self(ctx).onJitConfig(runnerRequest(r)));
        return LXDR_OK;
      });
    };
    a.runner_registration_token = [](void* ctx, const lxdr_runner_request* r,
                                     const lxdr_sink* out) {
      return guard([&] {
        if (!self(ctx).onRegistrationToken) {
          return fail(LXDR_ERR_UNSUPPORTED, "FakeHost: onRegistrationToken is not set");
        }
        write(out, self(ctx).onRegistrationToken(runnerRequest(r)));
        return LXDR_OK;
      });
    };
    a.runner_tarball = [](void* ctx, lxdr_str, lxdr_str, int unpacked, const lxdr_sink* out) {
      const std::string& path =
          unpacked ? self(ctx).runnerUnpackedPath : self(ctx).runnerTarballPath;
      if (path.empty()) return fail(LXDR_ERR_NOT_FOUND, "FakeHost: no runner tarball set");
      write(out, path);
      return LXDR_OK;
    };
    a.instance_exec = [](void* ctx, const lxdr_instance_ref* ref, const lxdr_exec_request* req,
                         lxdr_exec_result* result) {
      return guard([&] {
        if (!self(ctx).onExec) return fail(LXDR_ERR_UNSUPPORTED, "FakeHost: onExec is not set");
        ExecResult r = self(ctx).onExec(InstanceRef::fromC(*ref), ExecRequest::fromC(req));
        result->exit_code = r.exit_code;
        write(&result->out, r.out);
        write(&result->err, r.err);
        return LXDR_OK;
      });
    };
    a.instance_push_file = [](void* ctx, const lxdr_instance_ref*, const lxdr_file_push* in) {
      return guard([&] {
        lxdr_file_push f = readVersioned(in);
        std::string content;
        char buffer[4096];
        for (;;) {
          size_t n = 0;
          lxdr_status s = f.content.read(f.content.ctx, buffer, sizeof(buffer), &n);
          if (s != LXDR_OK) return fail(s, "FakeHost: reading pushed content failed");
          if (n == 0) break;
          content.append(buffer, n);
        }
        std::lock_guard<std::mutex> lock(self(ctx).mu_);
        self(ctx).files_[copy(f.path)] = PushedFile{std::move(content), f.mode, f.uid, f.gid};
        return LXDR_OK;
      });
    };
    a.instance_pull_file = [](void* ctx, const lxdr_instance_ref*, lxdr_str path, int64_t,
                              const lxdr_sink* out) {
      std::lock_guard<std::mutex> lock(self(ctx).mu_);
      auto it = self(ctx).files_.find(copy(path));
      if (it == self(ctx).files_.end())
        return fail(LXDR_ERR_NOT_FOUND, "no such file: " + copy(path));
      write(out, it->second.content);
      return LXDR_OK;
    };
    a.instance_attach_device = [](void* ctx, const lxdr_instance_ref* ref, lxdr_str name,
                                  lxdr_str json, int64_t) {
      std::lock_guard<std::mutex> lock(self(ctx).mu_);
      self(ctx).devices_.push_back({InstanceRef::fromC(*ref), copy(name), copy(json)});
      return LXDR_OK;
    };
    // The daemon's rules: 1-64 of [a-z0-9_], at most 64 names.
    a.counter_add = [](void* ctx, lxdr_str name, uint64_t delta) {
      const std::string n = copy(name);
      bool good = !n.empty() && n.size() <= 64;
      for (char ch : n)
        good = good && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
      if (!good) return fail(LXDR_ERR_INVALID_ARGUMENT, "FakeHost: bad counter name '" + n + "'");
      std::lock_guard<std::mutex> lock(self(ctx).mu_);
      auto& counters = self(ctx).counters_;
      if (counters.count(n) == 0 && counters.size() >= 64) {
        return fail(LXDR_ERR_INVALID_ARGUMENT, "FakeHost: more than 64 counter names");
      }
      counters[n] += delta;
      return LXDR_OK;
    };
    return a;
  }

  mutable std::mutex mu_;
  lxdr_host_api api_ = makeApi();
  std::atomic<bool> shutting_down_{false};
  std::map<std::string, std::string> config_;
  std::vector<LogLine> logs_;
  std::vector<JobEvent> events_;
  std::map<std::string, lxdr_http_route> routes_;
  std::map<std::string, PushedFile> files_;
  std::vector<AttachedDevice> devices_;
  std::map<std::string, uint64_t> counters_;
};

}  // namespace lxdrunner::sdk
