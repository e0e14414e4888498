// SPDX-License-Identifier: Apache-2.0
// Three well-behaved plugins in one library, exercising every host path the loader tests
// need: a backend that keeps instances in memory, a provisioner that reaches the instance
// only through host services (so the host must route to the backend), and an event source.
// The backend keeps the deadline each instance operation got as the instance's file
// /.deadline/<operation>, so tests can see what the host passed on.
#include <cstdio>
#include <map>
#include <mutex>
#include <string>

#include "lxdrunner/sdk.hpp"

namespace {

using namespace lxdrunner::sdk;

class MemoryBackend : public Backend {
 public:
  static constexpr const char* kName = "test-backend";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "in-memory instances for loader tests";
  using Backend::Backend;

  std::string launch(const LaunchRequest& r) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (files_.count(r.instance_name) != 0) {
      throw Error(LXDR_ERR_ALREADY_EXISTS, "instance " + r.instance_name + " exists");
    }
    files_[r.instance_name];
    return "main";
  }
  void destroy(const InstanceRef& i, int64_t) override {
    std::lock_guard<std::mutex> lock(mu_);
    files_.erase(i.name);
  }
  std::string listInstances(int64_t) override {
    std::lock_guard<std::mutex> lock(mu_);
    std::string out = "[";
    for (const auto& f : files_) out += (out.size() > 1 ? ",\"" : "\"") + f.first + "\"";
    return out + "]";
  }
  ExecResult exec(const InstanceRef& i, const ExecRequest& r) override {
    known(i);
    noteDeadline(i, "exec", r.deadline_ms);
    if (r.argv.empty()) throw Error(LXDR_ERR_INVALID_ARGUMENT, "empty command");
    if (r.argv[0] == "cat" && r.argv.size() == 2) return {0, file(i, r.argv[1]), ""};
    if (r.argv[0] == "echo") {
      std::string out;
      for (size_t k = 1; k < r.argv.size(); ++k) out += (k > 1 ? " " : "") + r.argv[k];
      return {0, out + "\n", ""};
    }
    return {127, "", r.argv[0] + ": not found\n"};
  }
  void pushFile(const InstanceRef& i, FilePush& f) override {
    known(i);
    std::string content;
    char buffer[7];  // small on purpose: the stream must be read in pieces
    for (size_t n; (n = f.read(buffer, sizeof(buffer))) != 0;) content.append(buffer, n);
    noteDeadline(i, "push_file", f.deadline_ms);
    std::lock_guard<std::mutex> lock(mu_);
    files_[i.name][f.path] = content;
  }
  std::string pullFile(const InstanceRef& i, const std::string& path,
                       int64_t deadline_ms) override {
    known(i);
    std::string content = file(i, path);
    noteDeadline(i, "pull_file", deadline_ms);
    return content;
  }
  void attachDevice(const InstanceRef& i, const std::string&, const std::string&,
                    int64_t deadline_ms) override {
    known(i);
    noteDeadline(i, "attach_device", deadline_ms);
  }

 private:
  void noteDeadline(const InstanceRef& i, const std::string& operation, int64_t deadline_ms) {
    std::lock_guard<std::mutex> lock(mu_);
    files_[i.name]["/.deadline/" + operation] = std::to_string(deadline_ms);
  }
  void known(const InstanceRef& i) {
    std::lock_guard<std::mutex> lock(mu_);
    if (files_.count(i.name) == 0)
      throw Error(LXDR_ERR_NOT_FOUND, "instance " + i.name + " not found");
  }
  std::string file(const InstanceRef& i, const std::string& path) {
    std::lock_guard<std::mutex> lock(mu_);
    auto& fs = files_[i.name];
    auto it = fs.find(path);
    if (it == fs.end()) throw Error(LXDR_ERR_NOT_FOUND, path + ": no such file");
    return it->second;
  }
  std::mutex mu_;
  std::map<std::string, std::map<std::string, std::string>> files_;
};

class GreetingProvisioner : public Provisioner {
 public:
  static constexpr const char* kName = "test-provisioner";
  static constexpr const char* kVersion = "2.1.0";
  static constexpr const char* kDescription = "writes a greeting through host services";
  static constexpr const char* kConfigSchema = R"({"type":"object"})";
  using Provisioner::Provisioner;

  void provision(const ProvisionRequest& r, std::string& log) override {
    std::string greeting = host().config("greeting", "hello");
    FilePush f =
        FilePush::fromContent("/etc/greeting", greeting + " job " + std::to_string(r.job_id));
    host().pushFile(r.instance, f);
    ExecResult out =
        host().exec(r.instance, ExecRequest{{"cat", "/etc/greeting"}, {}, 0, "", "", 0});
    log += out.out;
    if (r.job) {  // 1.1: what it knows of the job, for the tests to compare
      const JobContext& j = *r.job;
      auto joined = [](const std::vector<std::string>& v) {
        std::string s;
        for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
        return s;
      };
      log += "\njob " + std::to_string(j.job_id) + " run " + std::to_string(j.run_id) + "/" +
             std::to_string(j.run_attempt) + " repo " + j.repository + " owner " + j.owner +
             " org " + j.organization + " installation " + std::to_string(j.installation_id) +
             " workflow " + j.workflow_name + " name " + j.job_name + " branch " + j.head_branch +
             " labels " + joined(j.job_labels) + " entry " + j.entry_name + " " +
             joined(j.entry_labels);
    }
    // With `jit_dir` set, registers the runner as a JIT runner, as a real provisioner does,
    // in the scope it was given and its entry's group (runner_group left empty), and leaves
    // the config in jit_dir/<instance> for the test to start the runner with.
    if (const std::string dir = host().config("jit_dir", ""); !dir.empty() && r.job_id != 0) {
      RunnerRequest ask;
      ask.runner_name = r.instance.name;
      ask.labels = r.labels;
      ask.scope = r.scope;
      ask.job_id = r.job_id;
      ask.deadline_ms = r.deadline_ms;
      const std::string jit = host().jitConfig(ask);
      if (FILE* jit_file = std::fopen((dir + "/" + r.instance.name).c_str(), "w")) {
        std::fputs(jit.c_str(), jit_file);
        std::fclose(jit_file);
      }
      host().info("registered JIT runner " + r.instance.name + " in " + r.scope);
    }
    host().info("provisioned " + r.instance.name);
  }
};

class OneShotSource : public EventSource {
 public:
  static constexpr const char* kName = "test-source";
  static constexpr const char* kVersion = "0.3.0";
  static constexpr const char* kDescription = "emits one queued job when started";
  using EventSource::EventSource;

  void start() override {
    // A careless plugin: the daemon's log redactor must mask this.
    if (const std::string secret = host().config("hooksecret", ""); !secret.empty()) {
      host().info("careless plugin logs its hooksecret: " + secret);
    }
    JobEvent e;
    e.job_id = 9007199254740993ULL;  // 2^53 + 1: must survive without a double in between
    e.labels = {"self-hosted", "linux"};
    e.repository = "octo/repo";
    host().emit(e);
  }
  void stop() override {}
};

}  // namespace

LXDRUNNER_PLUGINS(MemoryBackend, GreetingProvisioner, OneShotSource);
