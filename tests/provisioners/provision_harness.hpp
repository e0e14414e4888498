// SPDX-License-Identifier: Apache-2.0
// Drives a provisioner plugin through its C entry points with the SDK's FakeHost, as the
// daemon would, and records what it did to the instance in order.
#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "lxdrunner/sdk/fake_host.hpp"

namespace provisioner_tests {

using lxdrunner::sdk::ExecRequest;
using lxdrunner::sdk::ExecResult;
using lxdrunner::sdk::FakeHost;
using lxdrunner::sdk::HostService;
using lxdrunner::sdk::InstanceRef;

inline const char* kJit = "JITCONFIG-c2VjcmV0LWppdC1jb25maWc=";
inline const char* kToken = "AABBCCREGTOKEN0123456789";

struct Job {
  InstanceRef instance{"lxdrunner-job-42", "local", "lxd-container"};
  uint64_t job_id = 42;
  std::vector<std::string> labels{"self-hosted", "linux", "x64", "gpu"};
  std::string scope = "repos/octo/hello";
  std::string entry_json = R"({"name":"gpu","labels":["self-hosted","linux","x64","gpu"]})";
  std::string runner_os = "linux";
  std::string runner_arch = "x64";
  int64_t deadline_ms = 0;
  // 1.1: the job context the daemon passes with provision() and start() (never prepare()).
  std::optional<lxdrunner::sdk::JobContext> context;
};

// Which entry point the daemon calls: provision() for a cold launch, prepare() and start()
// for a warm pool's instance.
enum class Phase { kProvision, kPrepare, kStart };

inline lxdr_status callPhase(FakeHost::Instance& plugin, const Job& job, std::string& log,
                             Phase phase) {
  std::vector<lxdr_str> labels = lxdrunner::sdk::slices(job.labels);
  lxdr_provision_request req{};
  req.struct_size = sizeof(req);
  req.instance = job.instance.toC();
  req.job_id = job.job_id;
  req.label_count = static_cast<uint32_t>(labels.size());
  req.labels = labels.data();
  req.scope = lxdrunner::sdk::slice(job.scope);
  req.entry_json = lxdrunner::sdk::slice(job.entry_json);
  req.runner_os = lxdrunner::sdk::slice(job.runner_os);
  req.runner_arch = lxdrunner::sdk::slice(job.runner_arch);
  req.deadline_ms = job.deadline_ms;
  std::optional<lxdrunner::sdk::BorrowedJobContext> context;
  if (job.context && phase != Phase::kPrepare) {
    context.emplace(*job.context);
    req.job = context->get();
  }
  lxdr_sink sink = lxdrunner::sdk::stringSink(log);
  const auto& ops = plugin.ops<lxdr_provisioner_ops>();
  auto* const entry = phase == Phase::kProvision ? ops.provision
                      : phase == Phase::kPrepare ? ops.prepare
                                                 : ops.start;
  return entry(plugin.handle(), &req, &sink);
}

inline lxdr_status provision(FakeHost::Instance& plugin, const Job& job, std::string& log) {
  return callPhase(plugin, job, log, Phase::kProvision);
}

// One exec as the backend saw it, with the files already pushed at that moment.
struct SeenExec {
  ExecRequest request;
  std::vector<std::string> files_before;
};

// A scratch file on the host, removed with the object.
class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char name[] = "/tmp/lxdrunner-prov-test-XXXXXX";
    int fd = ::mkstemp(name);
    if (fd < 0) throw std::runtime_error("mkstemp failed");
    ::close(fd);
    path_ = name;
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string envValue(const ExecRequest& r, const std::string& name) {
  for (const auto& e : r.env) {
    if (e.compare(0, name.size() + 1, name + "=") == 0) return e.substr(name.size() + 1);
  }
  return "<unset>";
}

inline bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

inline std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

inline std::string defaultScriptPath() {
  return std::string(LXDRUNNER_SOURCE_DIR) + "/config/runner-setup.sh";
}

}  // namespace provisioner_tests
