// SPDX-License-Identifier: Apache-2.0
#include "guest_environment.hpp"

#include "guest_paths.hpp"

namespace lxdrunner::provisioners {

namespace {

// Time to carry the script's output back to the daemon after its own budget ends.
constexpr int64_t kReportMarginMs = 2000;

const char* sourceName(RunnerSource source) {
  switch (source) {
    case RunnerSource::kTarball:
      return "tarball";
    case RunnerSource::kMount:
      return "mount";
    case RunnerSource::kInstalled:
      return "installed";
  }
  return "tarball";
}

std::string joined(const std::vector<std::string>& items, char separator) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

std::string flag(bool value) {
  return value ? "1" : "0";
}

}  // namespace

std::vector<std::string> guestEnvironment(const GuestPlan& plan, const EntrySettings& settings) {
  std::vector<std::string> env = {
      std::string("LXDRUNNER_RUNNER_SOURCE=") + sourceName(plan.source),
      std::string("LXDRUNNER_RUNNER_TARBALL=") + guest::kTarball,
      "LXDRUNNER_RUNNER_MOUNT=" + settings.mount_path,
      "LXDRUNNER_RUNNER_DIR=" + settings.runner_dir,
      "LXDRUNNER_RUNNER_USER=" + settings.user,
      "LXDRUNNER_RUNNER_UID=" + std::to_string(settings.uid),
      "LXDRUNNER_SUDO=" + flag(settings.sudo),
      "LXDRUNNER_CREDENTIALS=" + std::string(toString(plan.credentials)),
      std::string("LXDRUNNER_CREDENTIAL_FILE=") + guest::kCredential,
      "LXDRUNNER_RUNNER_URL=" + plan.runner_url,
      "LXDRUNNER_RUNNER_NAME=" + plan.runner_name,
      "LXDRUNNER_RUNNER_LABELS=" + joined(plan.labels, ','),
      "LXDRUNNER_RUNNER_GROUP=" + settings.runner_group,
      "LXDRUNNER_EPHEMERAL=" + flag(settings.ephemeral),
      "LXDRUNNER_POWEROFF=" + flag(settings.poweroff),
      std::string("LXDRUNNER_STATE_DIR=") + guest::kStateDir,
      std::string("LXDRUNNER_RUNNER_LOG=") + guest::kRunnerLog,
      "LXDRUNNER_DEADLINE_SECONDS=" + std::to_string(plan.budget_seconds),
      "LXDRUNNER_TIMEOUT_CLOUD_INIT=" + std::to_string(settings.timeouts.cloud_init),
      "LXDRUNNER_TIMEOUT_USER=" + std::to_string(settings.timeouts.user),
      "LXDRUNNER_TIMEOUT_UNPACK=" + std::to_string(settings.timeouts.unpack),
      "LXDRUNNER_TIMEOUT_CONFIGURE=" + std::to_string(settings.timeouts.configure),
      "LXDRUNNER_TIMEOUT_START=" + std::to_string(settings.timeouts.start),
      "LXDRUNNER_START_GRACE=" + std::to_string(settings.start_grace),
      "LXDRUNNER_RUNNER_ENVIRONMENT=" + joined(settings.runner_environment, ' '),
      "LXDRUNNER_PROVISIONER_OPTIONS=" + settings.options_json,
      "LXDRUNNER_PHASE=" + plan.phase,
  };
  if (plan.credential_on_stdin) env.push_back("LXDRUNNER_CREDENTIAL_ON_STDIN=1");
  // What the job is, for scripts that set things up per job (not secrets: GitHub shows all
  // of it on the job's page). Absent in phase prepare and with a host older than 1.1.
  if (plan.job) {
    const sdk::JobContext& j = *plan.job;
    env.push_back("LXDRUNNER_JOB_ID=" + std::to_string(j.job_id));
    env.push_back("LXDRUNNER_JOB_RUN_ID=" + std::to_string(j.run_id));
    env.push_back("LXDRUNNER_JOB_RUN_ATTEMPT=" + std::to_string(j.run_attempt));
    env.push_back("LXDRUNNER_JOB_REPOSITORY=" + j.repository);
    env.push_back("LXDRUNNER_JOB_OWNER=" + j.owner);
    env.push_back("LXDRUNNER_JOB_ORGANIZATION=" + j.organization);
    env.push_back("LXDRUNNER_JOB_WORKFLOW=" + j.workflow_name);
    env.push_back("LXDRUNNER_JOB_NAME=" + j.job_name);
    env.push_back("LXDRUNNER_JOB_HEAD_BRANCH=" + j.head_branch);
    env.push_back("LXDRUNNER_JOB_LABELS=" + joined(j.job_labels, ','));
    env.push_back("LXDRUNNER_ENTRY=" + j.entry_name);
  }
  return env;
}

int64_t scriptBudgetSeconds(int64_t deadline_ms, int64_t now_ms) {
  if (deadline_ms == 0) return 0;
  int64_t seconds = (deadline_ms - now_ms - kReportMarginMs) / 1000;
  return seconds < 1 ? 1 : seconds;
}

bool acceptsCredentialOnStdin(const std::string& script_text) {
  return script_text.find("lxdrunner-setup-contract: credential-on-stdin") != std::string::npos;
}

bool armsStartFifo(const std::string& script_text) {
  return script_text.find("lxdrunner-setup-contract: armed-fifo") != std::string::npos;
}

}  // namespace lxdrunner::provisioners
