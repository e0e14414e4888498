// SPDX-License-Identifier: Apache-2.0
// Example step (ABI 1.1): before the provisioner that starts the runner, writes the job it
// is for into a 0600 env file the runner user owns, so the job's scripts can read what
// repository, workflow and labels they run for:
//
//   runnermap:
//     - name: linux
//       provisioners: [example-job-env, bash]
//       step_options:
//         example-job-env: {path: /etc/lxdrunner-job.env, uid: 1001}
//
// A warm pool keeps working: prepare() has nothing to do (there is no job yet), start()
// writes the file at the claim, on the critical path: one push.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "lxdrunner/sdk.hpp"

namespace example {

// KEY='value' lines a POSIX shell can source: single quotes, with ' written as '\''.
inline std::string envLine(const std::string& key, const std::string& value) {
  std::string quoted = "'";
  for (const char c : value) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return key + "=" + quoted + "'\n";
}

inline std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

class JobEnvStep : public lxdrunner::sdk::PhasedProvisioner {
 public:
  static constexpr const char* kName = "example-job-env";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "writes the job's env file (an SDK example step)";
  static constexpr bool kIsStep = true;

  using PhasedProvisioner::PhasedProvisioner;

  void prepare(const lxdrunner::sdk::ProvisionRequest&, std::string& log) override {
    log += "example-job-env: nothing to prepare\n";
  }

  void start(const lxdrunner::sdk::ProvisionRequest& request, std::string& log) override {
    using lxdrunner::sdk::Error;
    using lxdrunner::sdk::FilePush;
    // Per entry: step_options.example-job-env, read as this step's provisioner_options.
    const auto options = request.entry().section("provisioner_options");
    const std::string path = options.string("path", "/etc/lxdrunner-job.env");
    const int64_t uid = options.integer("uid", 1001);
    if (path.empty() || path[0] != '/') {
      throw Error(LXDR_ERR_INVALID_ARGUMENT,
                  "step_options.example-job-env.path must be an absolute path, not '" + path + "'");
    }
    if (uid < 0 || uid > 65535) {
      throw Error(LXDR_ERR_INVALID_ARGUMENT, "step_options.example-job-env.uid must be 0-65535");
    }
    if (!request.job) {  // a daemon older than ABI 1.1 passes no job
      log += "example-job-env: the daemon passed no job context; nothing written\n";
      return;
    }
    const lxdrunner::sdk::JobContext& j = *request.job;
    std::string text;
    text += envLine("JOB_ID", std::to_string(j.job_id));
    text += envLine("JOB_RUN_ID", std::to_string(j.run_id));
    text += envLine("JOB_RUN_ATTEMPT", std::to_string(j.run_attempt));
    text += envLine("JOB_REPOSITORY", j.repository);
    text += envLine("JOB_OWNER", j.owner);
    text += envLine("JOB_ORGANIZATION", j.organization);
    text += envLine("JOB_WORKFLOW", j.workflow_name);
    text += envLine("JOB_NAME", j.job_name);
    text += envLine("JOB_HEAD_BRANCH", j.head_branch);
    text += envLine("JOB_LABELS", joined(j.job_labels));
    text += envLine("RUNNER_ENTRY", j.entry_name);
    FilePush file = FilePush::fromContent(path, text, 0600);
    file.uid = static_cast<uint32_t>(uid);
    file.gid = static_cast<uint32_t>(uid);
    file.deadline_ms = request.deadline_ms;
    host().pushFile(request.instance, file);
    log += "example-job-env: wrote " + path + " (0600, uid " + std::to_string(uid) + ") for job " +
           std::to_string(j.job_id) + " of " + j.repository + " [" + joined(j.job_labels) + "]\n";
  }
};

}  // namespace example
