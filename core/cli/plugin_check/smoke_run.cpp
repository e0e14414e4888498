// SPDX-License-Identifier: Apache-2.0
#include "cli/plugin_check/smoke_run.hpp"

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>

#include "lxdrunner/sdk/fake_host.hpp"
#include "lxdrunner/testkit/calls.hpp"

namespace lxdrunner::cli::plugin_check {
namespace {

using sdk::FakeHost;
using sdk::HostService;
using testkit::CallResult;

std::string statusName(int s) {
  switch (s) {
    case LXDR_OK:
      return "LXDR_OK";
    case LXDR_ERR_INVALID_ARGUMENT:
      return "LXDR_ERR_INVALID_ARGUMENT";
    case LXDR_ERR_NOT_FOUND:
      return "LXDR_ERR_NOT_FOUND";
    case LXDR_ERR_ALREADY_EXISTS:
      return "LXDR_ERR_ALREADY_EXISTS";
    case LXDR_ERR_TRANSIENT:
      return "LXDR_ERR_TRANSIENT";
    case LXDR_ERR_TIMEOUT:
      return "LXDR_ERR_TIMEOUT";
    case LXDR_ERR_CANCELLED:
      return "LXDR_ERR_CANCELLED";
    case LXDR_ERR_UNSUPPORTED:
      return "LXDR_ERR_UNSUPPORTED";
    case LXDR_ERR_INTERNAL:
      return "LXDR_ERR_INTERNAL";
  }
  return "unknown status " + std::to_string(s);
}

bool knownStatus(int s) {
  return s >= LXDR_OK && s <= LXDR_ERR_INTERNAL;
}

std::string described(const CallResult& r) {
  std::string text = statusName(r.status);
  if (!r.error.empty()) text += ": " + r.error;
  return text;
}

// Runs `fn` on a thread of its own and waits at most `seconds`; nullopt when it is still
// running (the thread is left to run: the caller gives up on everything it touches).
std::optional<CallResult> bounded(std::function<CallResult()> fn, int seconds) {
  auto task = std::make_shared<std::packaged_task<CallResult()>>(std::move(fn));
  std::future<CallResult> result = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  if (result.wait_for(std::chrono::seconds(seconds)) != std::future_status::ready) {
    return std::nullopt;
  }
  return result.get();
}

// Files the fake host hands out as the runner package: the provisioner pushes or mounts
// them, the fake instance only records it.
class ScratchRunner {
 public:
  ScratchRunner() {
    char dir[] = "/tmp/lxdrunner-plugin-check-XXXXXX";
    if (::mkdtemp(dir) != nullptr) dir_ = dir;
    if (!dir_.empty()) {
      tarball_ = dir_ + "/actions-runner-linux-x64.tar.gz";
      std::ofstream(tarball_) << "not a real runner package\n";
    }
  }
  ~ScratchRunner() {
    if (dir_.empty()) return;
    std::remove(tarball_.c_str());
    ::rmdir(dir_.c_str());
  }
  ScratchRunner(const ScratchRunner&) = delete;
  ScratchRunner& operator=(const ScratchRunner&) = delete;
  const std::string& dir() const { return dir_; }
  const std::string& tarball() const { return tarball_; }

 private:
  std::string dir_;
  std::string tarball_;
};

// A host on which every instance operation succeeds and GitHub answers with empty lists.
void scriptHappyHost(FakeHost& host, const ScratchRunner& runner) {
  host.onExec = [](const sdk::InstanceRef&, const sdk::ExecRequest&) {
    return sdk::ExecResult{0, "", ""};
  };
  host.onJitConfig = [](const sdk::RunnerRequest&) {
    return std::string("plugin-check-jit-config");
  };
  host.onRegistrationToken = [](const sdk::RunnerRequest&) {
    return std::string("PLUGINCHECKREGISTRATIONTOKEN");
  };
  host.onGithub = [](const std::string&, const std::string&, const std::string&) {
    sdk::GithubResponse r;
    r.status = 200;
    r.body = "{\"total_count\":0,\"workflow_runs\":[],\"jobs\":[],\"runners\":[]}";
    return r;
  };
  host.runnerTarballPath = runner.tarball();
  host.runnerUnpackedPath = runner.dir();
}

bool touchedInstance(const FakeHost& host) {
  for (HostService s : {HostService::instance_exec, HostService::instance_push_file,
                        HostService::instance_pull_file, HostService::instance_attach_device}) {
    if (host.calls(s) > 0) return true;
  }
  return false;
}

class Smoke {
 public:
  Smoke(const lxdr_plugin_descriptor* d, std::string settings, int timeout_s, bool& hung)
      : descriptor_(d), settings_(std::move(settings)), timeout_s_(timeout_s), hung_(hung) {}

  std::vector<CheckLine> run() {
    auto plugin = create(host_);
    if (!plugin) return lines_;
    add(Outcome::ok, "create", "with the given settings and the keys the daemon adds");
    switch (static_cast<lxdr_plugin_kind>(descriptor_->kind)) {
      case LXDR_KIND_PROVISIONER:
        provisioner(*plugin);
        break;
      case LXDR_KIND_EVENT_SOURCE:
        eventSource(*plugin);
        break;
      case LXDR_KIND_BACKEND:
        add(Outcome::skip, "operations",
            "a backend drives its own server (LXD): check it against that server with "
            "'lxdrunner doctor'");
        break;
    }
    if (hung_) plugin->release();  // its thread still runs: never destroy under it
    return lines_;
  }

 private:
  void add(Outcome o, std::string check, std::string detail) {
    lines_.push_back({o, std::move(check), std::move(detail)});
  }

  std::optional<FakeHost::Instance> create(FakeHost& host) {
    try {
      FakeHost::Instance instance = host.create(descriptor_, settings_);
      return instance;
    } catch (const sdk::Error& e) {
      add(Outcome::fail, "create",
          statusName(e.status()) + ": " + e.what() +
              " (with the given settings and the keys the daemon adds; see --settings)");
    }
    return std::nullopt;
  }

  // A call bounded in time whose status must be one the ABI defines.
  std::optional<CallResult> call(const std::string& check, std::function<CallResult()> fn) {
    std::optional<CallResult> r = bounded(std::move(fn), timeout_s_);
    if (!r) {
      hung_ = true;
      add(Outcome::fail, check,
          "did not return within " + std::to_string(timeout_s_) +
              " s: honour deadline_ms and host->shutting_down()");
      return std::nullopt;
    }
    if (!knownStatus(r->raw_status)) {
      add(Outcome::fail, check,
          "returned " + statusName(r->raw_status) + ", which the ABI does not define");
      return std::nullopt;
    }
    return r;
  }

  void provisioner(FakeHost::Instance& plugin) {
    scriptHappyHost(host_, runner_);
    const testkit::ProvisionerCalls calls(plugin);
    const sdk::ProvisionRequest request = testkit::sampleProvisionRequest();
    const std::string role = calls.isStep() ? "a step" : "starts the runner";
    if (calls.hasPhases()) {
      auto prepared = call("prepare", [&] { return calls.prepare(request); });
      if (!prepared) return;
      if (!prepared->ok()) {
        add(Outcome::fail, "prepare", "on a fake instance: " + described(*prepared));
        return;
      }
      auto started = call("start", [&] { return calls.start(request); });
      if (!started) return;
      if (!started->ok()) {
        add(Outcome::fail, "start", "after prepare, with a job context: " + described(*started));
        return;
      }
      add(Outcome::ok, "prepare+start",
          "on a fake instance with a job context (" + role + ", warm pools supported)");
    } else {
      auto done = call("provision", [&] { return calls.provision(request); });
      if (!done) return;
      if (!done->ok()) {
        add(Outcome::fail, "provision",
            "on a fake instance with a job context: " + described(*done));
        return;
      }
      add(Outcome::ok, "provision",
          "on a fake instance with a job context (" + role + "; no prepare/start: served cold)");
    }
    faultedProvision(calls, request);
    shutdownDuringProvision(request);
  }

  // Every instance service fails: the call must fail, saying why.
  void faultedProvision(const testkit::ProvisionerCalls& calls,
                        const sdk::ProvisionRequest& request) {
    FakeHost& host = host_;
    for (HostService s : {HostService::instance_exec, HostService::instance_push_file,
                          HostService::instance_pull_file, HostService::instance_attach_device}) {
      host.fail(s, LXDR_ERR_TRANSIENT, "plugin-check: injected LXD failure", -1);
    }
    auto r = call("fault", [&] { return calls.provision(request); });
    host.clearFaults();
    if (!r) return;
    if (!touchedInstance(host)) {
      add(Outcome::skip, "fault", "the plugin used no instance service");
    } else if (r->ok()) {
      add(Outcome::fail, "fault",
          "returned LXDR_OK although every instance service failed: return the host's error");
    } else if (r->error.empty()) {
      add(Outcome::fail, "fault",
          "failed with " + statusName(r->status) + " but last_error() is empty: say what failed");
    } else {
      add(Outcome::ok, "fault", "a failing instance service fails the call: " + described(*r));
    }
  }

  // The daemon begins to stop during the plugin's first instance call: the call must end
  // promptly and not report success for work it did not finish.
  void shutdownDuringProvision(const sdk::ProvisionRequest& request) {
    FakeHost& host = shutdown_host_;
    scriptHappyHost(host, runner_);
    auto plugin = create(host);
    if (!plugin) return;
    const testkit::ProvisionerCalls calls(*plugin);
    host.shutDownDuring({HostService::instance_exec, HostService::instance_push_file,
                         HostService::instance_pull_file, HostService::instance_attach_device});
    auto r = call("shutdown", [&] { return calls.provision(request); });
    if (!r) {
      plugin->release();
      return;
    }
    if (!touchedInstance(host)) {
      add(Outcome::skip, "shutdown", "the plugin used no instance service");
    } else if (r->ok()) {
      add(Outcome::fail, "shutdown",
          "returned LXDR_OK although the host shut down during its call: return "
          "LXDR_ERR_CANCELLED");
    } else {
      add(Outcome::ok, "shutdown", "a shutdown during a call ends it: " + described(*r));
    }
  }

  void eventSource(FakeHost::Instance& plugin) {
    scriptHappyHost(host_, runner_);
    const testkit::EventSourceCalls calls(plugin);
    auto started = call("start", [&] { return calls.start(); });
    if (!started) return;
    if (!started->ok()) {
      add(Outcome::fail, "start", described(*started));
      return;
    }
    auto stopped = call("stop", [&] { return calls.stop(); });
    if (!stopped) return;
    if (!stopped->ok()) {
      add(Outcome::fail, "stop", described(*stopped));
      return;
    }
    add(Outcome::ok, "start+stop",
        "against a fake host (" + std::to_string(host_.routes().size()) + " HTTP route(s), " +
            std::to_string(host_.events().size()) + " event(s))");
  }

  const lxdr_plugin_descriptor* descriptor_;
  std::string settings_;
  int timeout_s_;
  bool& hung_;
  ScratchRunner runner_;
  FakeHost host_;
  FakeHost shutdown_host_;
  std::vector<CheckLine> lines_;
};

}  // namespace

std::vector<CheckLine> smokeRun(const lxdr_plugin_descriptor* descriptor,
                                const std::string& settings_json, int call_timeout_s, bool& hung) {
  hung = false;
  // A hung call's thread may still use the fake hosts: then they are never freed.
  auto* smoke = new Smoke(descriptor, settings_json, call_timeout_s, hung);
  std::vector<CheckLine> lines = smoke->run();
  if (!hung) delete smoke;
  return lines;
}

}  // namespace lxdrunner::cli::plugin_check
