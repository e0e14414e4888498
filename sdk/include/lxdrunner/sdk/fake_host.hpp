// SPDX-License-Identifier: Apache-2.0
// A scriptable, recording stand-in for the daemon, so a plugin can be unit-tested alone:
//
//   lxdrunner::sdk::FakeHost host;
//   host.setConfig("greeting", "hi");
//   host.onExec = [](const InstanceRef&, const ExecRequest&) { return ExecResult{0, "ok", ""}; };
//   auto plugin = host.create<MyProvisioner>();   // through the descriptor's C functions
//
// Thread-safe: plugins may call it from their own threads.
//
// The test kit (lxdrunner/testkit/...) builds on it: a plugin loaded from its .so through the
// daemon's checks (create(descriptor)), faults injected into any host service, a settable
// clock, and a shutdown that begins in the middle of a call.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <initializer_list>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lxdrunner/plugin_abi.h"
#include "lxdrunner/sdk/error.hpp"
#include "lxdrunner/sdk/register.hpp"
#include "lxdrunner/sdk/settings.hpp"
#include "lxdrunner/sdk/strings.hpp"
#include "lxdrunner/sdk/types.hpp"

namespace lxdrunner::sdk {

// The host services a plugin calls that can fail (log, last_error, shutting_down and now_ms
// cannot), named as in lxdr_host_api.
enum class HostService {
  config_get,
  emit_job_event,
  register_http_route,
  github_request,
  runner_jit_config,
  runner_registration_token,
  runner_tarball,
  instance_exec,
  instance_push_file,
  instance_pull_file,
  instance_attach_device,
  counter_add,
  instance_write_fifo,
};

inline constexpr HostService kAllHostServices[] = {
    HostService::config_get,
    HostService::emit_job_event,
    HostService::register_http_route,
    HostService::github_request,
    HostService::runner_jit_config,
    HostService::runner_registration_token,
    HostService::runner_tarball,
    HostService::instance_exec,
    HostService::instance_push_file,
    HostService::instance_pull_file,
    HostService::instance_attach_device,
    HostService::counter_add,
    HostService::instance_write_fifo,
};

inline const char* hostServiceName(HostService s) noexcept {
  switch (s) {
    case HostService::config_get:
      return "config_get";
    case HostService::emit_job_event:
      return "emit_job_event";
    case HostService::register_http_route:
      return "register_http_route";
    case HostService::github_request:
      return "github_request";
    case HostService::runner_jit_config:
      return "runner_jit_config";
    case HostService::runner_registration_token:
      return "runner_registration_token";
    case HostService::runner_tarball:
      return "runner_tarball";
    case HostService::instance_exec:
      return "instance_exec";
    case HostService::instance_push_file:
      return "instance_push_file";
    case HostService::instance_pull_file:
      return "instance_pull_file";
    case HostService::instance_attach_device:
      return "instance_attach_device";
    case HostService::counter_add:
      return "counter_add";
    case HostService::instance_write_fifo:
      return "instance_write_fifo";
  }
  return "unknown";
}

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
  struct FifoWrite {
    InstanceRef instance;
    std::string path;
    std::string data;
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

  // Fault injection: the next `times` calls of `service` (every call with times < 0) fail with
  // `status` and `message` before doing anything, as the daemon's would when LXD or GitHub
  // fails. Later faults for one service queue behind earlier ones.
  void fail(HostService service, lxdr_status status, std::string message = "injected fault",
            int times = 1) {
    std::lock_guard<std::mutex> lock(mu_);
    faults_[service].push_back(Fault{status, std::move(message), times});
  }
  void clearFaults() {
    std::lock_guard<std::mutex> lock(mu_);
    faults_.clear();
  }
  // How often the plugin called `service` (failed calls included).
  int calls(HostService service) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = calls_.find(service);
    return it == calls_.end() ? 0 : it->second;
  }

  // The clock behind now_ms (and so every deadline_ms): real (steady) until set. With
  // `step_ms` > 0 each read advances it, so a plugin that waits on the clock sees time pass.
  void setClock(int64_t now_ms, int64_t step_ms = 0) {
    std::lock_guard<std::mutex> lock(mu_);
    clock_ = now_ms;
    clock_step_ = step_ms;
  }
  void advanceClock(int64_t delta_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!clock_) clock_ = steadyMs();
    *clock_ += delta_ms;
  }
  void useRealClock() {
    std::lock_guard<std::mutex> lock(mu_);
    clock_.reset();
  }

  // Shutdown during a call: when the plugin next calls one of `services`, the host begins
  // shutting down (shutting_down() answers non-zero from then on) and that call returns
  // LXDR_ERR_CANCELLED, as the daemon's calls do once it stops.
  void shutDownDuring(std::initializer_list<HostService> services) {
    std::lock_guard<std::mutex> lock(mu_);
    shutdown_during_.insert(services.begin(), services.end());
  }

  std::vector<LogLine> logs() const { return locked(logs_); }
  std::vector<JobEvent> events() const { return locked(events_); }
  std::map<std::string, PushedFile> files() const { return locked(files_); }
  std::vector<AttachedDevice> devices() const { return locked(devices_); }
  // 1.1: instance_write_fifo answers LXDR_ERR_NOT_FOUND (nothing reads there) for a path
  // not given here, as for an instance whose setup left no reader; writes to these paths
  // are kept, in order.
  void fifoReaderAt(std::string path) {
    std::lock_guard<std::mutex> lock(mu_);
    fifo_readers_.insert(std::move(path));
  }
  std::vector<FifoWrite> fifoWrites() const { return locked(fifo_writes_); }
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
    // Gives the instance up without destroy(): for a test that must not destroy it while a
    // thread of the plugin may still be inside one of its calls.
    lxdr_plugin_instance* release() noexcept { return std::exchange(p_, nullptr); }

   private:
    const lxdr_plugin_descriptor* d_;
    lxdr_plugin_instance* p_;
  };

  template <class T>
  Instance create(const std::string& config_json = "{}") {
    return create(detail::Adapter<T>::descriptor(), config_json);
  }
  // Through any descriptor: one from a plugin file the test kit loaded (PluginFile), checked
  // as the daemon checks it.
  Instance create(const lxdr_plugin_descriptor* d, const std::string& config_json = "{}") {
    {
      std::lock_guard<std::mutex> lock(mu_);
      try {
        settings_ = Settings::parse(config_json.empty() ? "{}" : config_json, "plugin settings");
      } catch (const Error&) {
        settings_ = Settings();  // not JSON: the plugin's create() says so itself
      }
    }
    lxdr_plugin_instance* p = nullptr;
    std::string error;
    lxdr_sink sink = stringSink(error);
    lxdr_status s = d->create(&api_, this, slice(config_json), &p, &sink);
    if (s != LXDR_OK) throw Error(s, error);
    if (p == nullptr) throw Error(LXDR_ERR_INTERNAL, "create() returned OK without an instance");
    return Instance(d, p);
  }

 private:
  struct Fault {
    lxdr_status status;
    std::string message;
    int times;  // < 0: every call
  };

  static int64_t steadyMs() {
    return static_cast<int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                    std::chrono::steady_clock::now().time_since_epoch())
                                    .count());
  }

  // Counts the call and says whether it must fail (an injected fault, or the shutdown that
  // begins with it); the reason is left in lastError().
  std::optional<lxdr_status> intercept(HostService service) {
    std::lock_guard<std::mutex> lock(mu_);
    ++calls_[service];
    if (shutdown_during_.count(service) != 0) {
      shutdown_during_.clear();
      shutting_down_ = true;
      lastError() = std::string("FakeHost: shutting down during ") + hostServiceName(service);
      return LXDR_ERR_CANCELLED;
    }
    auto it = faults_.find(service);
    if (it == faults_.end() || it->second.empty()) return std::nullopt;
    Fault& fault = it->second.front();
    const lxdr_status status = fault.status;
    lastError() = fault.message;
    if (fault.times > 0 && --fault.times == 0) it->second.erase(it->second.begin());
    return status;
  }

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
  static lxdr_status failWith(lxdr_status s, std::string message) {
    lastError() = std::move(message);
    return s;
  }
  template <class Fn>
  static lxdr_status guard(Fn&& fn) noexcept {
    try {
      return fn();
    } catch (const Error& e) {
      return failWith(e.status(), e.what());
    } catch (const std::exception& e) {
      return failWith(LXDR_ERR_INTERNAL, e.what());
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
    a.now_ms = [](void* ctx) {
      std::lock_guard<std::mutex> lock(self(ctx).mu_);
      auto& clock = self(ctx).clock_;
      if (!clock) return steadyMs();
      const int64_t now = *clock;
      *clock += self(ctx).clock_step_;
      return now;
    };
    // As the daemon answers: a key set with setConfig(), else the value at that dotted path
    // of the settings create() was given (objects and arrays as JSON text).
    a.config_get = [](void* ctx, lxdr_str key, const lxdr_sink* out) {
      if (auto f = self(ctx).intercept(HostService::config_get)) return *f;
      return guard([&] {
        std::lock_guard<std::mutex> lock(self(ctx).mu_);
        auto it = self(ctx).config_.find(copy(key));
        if (it != self(ctx).config_.end()) {
          write(out, it->second);
          return LXDR_OK;
        }
        const JsonValue* v = self(ctx).settings_.find(view(key));
        if (v == nullptr) return failWith(LXDR_ERR_NOT_FOUND, "no such key: " + copy(key));
        const bool text =
            v->type == JsonValue::Type::kString || v->type == JsonValue::Type::kNumber;
        write(out, text ? v->text : v->dump());
        return LXDR_OK;
      });
    };
    a.emit_job_event = [](void* ctx, const lxdr_job_event* e) {
      if (auto f = self(ctx).intercept(HostService::emit_job_event)) return *f;
      return guard([&] {
        JobEvent copyOf = JobEvent::fromC(e);
        std::lock_guard<std::mutex> lock(self(ctx).mu_);
        self(ctx).events_.push_back(std::move(copyOf));
        return LXDR_OK;
      });
    };
    a.register_http_route = [](void* ctx, const lxdr_http_route* r) {
      if (auto f = self(ctx).intercept(HostService::register_http_route)) return *f;
      lxdr_http_route route = readVersioned(r);
      std::lock_guard<std::mutex> lock(self(ctx).mu_);
      std::string path = copy(route.path);
      if (self(ctx).routes_.count(path) != 0) {
        return failWith(LXDR_ERR_ALREADY_EXISTS, "route " + path + " is already registered");
      }
      route.path = lxdr_str{};  // borrowed from the caller; the map key is the copy we keep
      self(ctx).routes_[path] = route;
      return LXDR_OK;
    };
    a.github_request = [](void* ctx, const lxdr_github_request* in, lxdr_github_response* out) {
      if (auto f = self(ctx).intercept(HostService::github_request)) return *f;
      return guard([&] {
        if (!self(ctx).onGithub)
          return failWith(LXDR_ERR_UNSUPPORTED, "FakeHost: onGithub is not set");
        lxdr_github_request c = readVersioned(in);
        GithubResponse answer = self(ctx).onGithub(copy(c.method), copy(c.path), copy(c.body));
        fillGithubResponse(answer, out);
        return LXDR_OK;
      });
    };
    a.runner_jit_config = [](void* ctx, const lxdr_runner_request* r, const lxdr_sink* out) {
      if (auto f = self(ctx).intercept(HostService::runner_jit_config)) return *f;
      return guard([&] {
        if (!self(ctx).onJitConfig)
          return failWith(LXDR_ERR_UNSUPPORTED, "FakeHost: onJitConfig is not set");
        write(out, self(ctx).onJitConfig(runnerRequest(r)));
        return LXDR_OK;
      });
    };
    a.runner_registration_token = [](void* ctx, const lxdr_runner_request* r,
                                     const lxdr_sink* out) {
      if (auto f = self(ctx).intercept(HostService::runner_registration_token)) return *f;
      return guard([&] {
        if (!self(ctx).onRegistrationToken) {
          return failWith(LXDR_ERR_UNSUPPORTED, "FakeHost: onRegistrationToken is not set");
        }
        write(out, self(ctx).onRegistrationToken(runnerRequest(r)));
        return LXDR_OK;
      });
    };
    a.runner_tarball = [](void* ctx, lxdr_str, lxdr_str, int unpacked, const lxdr_sink* out) {
      if (auto f = self(ctx).intercept(HostService::runner_tarball)) return *f;
      const std::string& path =
          unpacked ? self(ctx).runnerUnpackedPath : self(ctx).runnerTarballPath;
      if (path.empty()) return failWith(LXDR_ERR_NOT_FOUND, "FakeHost: no runner tarball set");
      write(out, path);
      return LXDR_OK;
    };
    a.instance_exec = [](void* ctx, const lxdr_instance_ref* ref, const lxdr_exec_request* req,
                         lxdr_exec_result* result) {
      if (auto f = self(ctx).intercept(HostService::instance_exec)) return *f;
      return guard([&] {
        if (!self(ctx).onExec) return failWith(LXDR_ERR_UNSUPPORTED, "FakeHost: onExec is not set");
        ExecResult r = self(ctx).onExec(InstanceRef::fromC(*ref), ExecRequest::fromC(req));
        result->exit_code = r.exit_code;
        write(&result->out, r.out);
        write(&result->err, r.err);
        return LXDR_OK;
      });
    };
    a.instance_push_file = [](void* ctx, const lxdr_instance_ref*, const lxdr_file_push* in) {
      if (auto f = self(ctx).intercept(HostService::instance_push_file)) return *f;
      return guard([&] {
        lxdr_file_push f = readVersioned(in);
        std::string content;
        char buffer[4096];
        for (;;) {
          size_t n = 0;
          lxdr_status s = f.content.read(f.content.ctx, buffer, sizeof(buffer), &n);
          if (s != LXDR_OK) return failWith(s, "FakeHost: reading pushed content failed");
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
      if (auto f = self(ctx).intercept(HostService::instance_pull_file)) return *f;
      std::lock_guard<std::mutex> lock(self(ctx).mu_);
      auto it = self(ctx).files_.find(copy(path));
      if (it == self(ctx).files_.end())
        return failWith(LXDR_ERR_NOT_FOUND, "no such file: " + copy(path));
      write(out, it->second.content);
      return LXDR_OK;
    };
    a.instance_attach_device = [](void* ctx, const lxdr_instance_ref* ref, lxdr_str name,
                                  lxdr_str json, int64_t) {
      if (auto f = self(ctx).intercept(HostService::instance_attach_device)) return *f;
      std::lock_guard<std::mutex> lock(self(ctx).mu_);
      self(ctx).devices_.push_back({InstanceRef::fromC(*ref), copy(name), copy(json)});
      return LXDR_OK;
    };
    a.instance_write_fifo = [](void* ctx, const lxdr_instance_ref* ref, lxdr_str path,
                               lxdr_str data, int64_t) {
      if (auto f = self(ctx).intercept(HostService::instance_write_fifo)) return *f;
      std::lock_guard<std::mutex> lock(self(ctx).mu_);
      if (self(ctx).fifo_readers_.count(copy(path)) == 0) {
        return failWith(LXDR_ERR_NOT_FOUND, "FakeHost: nothing reads the FIFO " + copy(path));
      }
      self(ctx).fifo_writes_.push_back({InstanceRef::fromC(*ref), copy(path), copy(data)});
      return LXDR_OK;
    };
    // The daemon's rules: 1-64 of [a-z0-9_], at most 64 names.
    a.counter_add = [](void* ctx, lxdr_str name, uint64_t delta) {
      if (auto f = self(ctx).intercept(HostService::counter_add)) return *f;
      const std::string n = copy(name);
      bool good = !n.empty() && n.size() <= 64;
      for (char ch : n)
        good = good && ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_');
      if (!good)
        return failWith(LXDR_ERR_INVALID_ARGUMENT, "FakeHost: bad counter name '" + n + "'");
      std::lock_guard<std::mutex> lock(self(ctx).mu_);
      auto& counters = self(ctx).counters_;
      if (counters.count(n) == 0 && counters.size() >= 64) {
        return failWith(LXDR_ERR_INVALID_ARGUMENT, "FakeHost: more than 64 counter names");
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
  Settings settings_;  // what create() was given, as config_get reads it
  std::vector<LogLine> logs_;
  std::vector<JobEvent> events_;
  std::map<std::string, lxdr_http_route> routes_;
  std::map<std::string, PushedFile> files_;
  std::vector<AttachedDevice> devices_;
  std::set<std::string> fifo_readers_;
  std::vector<FifoWrite> fifo_writes_;
  std::map<std::string, uint64_t> counters_;
  std::map<HostService, std::vector<Fault>> faults_;
  std::map<HostService, int> calls_;
  std::set<HostService> shutdown_during_;
  std::optional<int64_t> clock_;
  int64_t clock_step_ = 0;
};

}  // namespace lxdrunner::sdk
