// SPDX-License-Identifier: Apache-2.0
#include "runner_provisioner.hpp"

#include "guest_paths.hpp"
#include "lxdrunner/sdk/error.hpp"
#include "setup_run.hpp"

namespace lxdrunner::provisioners {

namespace {

std::string orDefault(const std::string& value, const char* fallback) {
  return value.empty() ? fallback : value;
}

}  // namespace

RunnerProvisioner::RunnerProvisioner(sdk::Host host, std::string config_json, std::string name)
    : PhasedProvisioner(std::move(host), std::move(config_json)),
      name_(std::move(name)),
      settings_(readPluginSettings(this->host(), name_)) {}

void RunnerProvisioner::note(std::string& log, const std::string& line) const {
  log += "[" + name_ + "] " + line + "\n";
}

std::string RunnerProvisioner::runnerTarball(const sdk::ProvisionRequest& request,
                                             bool unpacked) const {
  const std::string os = orDefault(request.runner_os, "linux");
  const std::string arch = orDefault(request.runner_arch, "x64");
  try {
    std::string path = host().runnerTarball(os, arch, unpacked);
    if (path.empty() || path.front() != '/') {
      throw sdk::Error(LXDR_ERR_INTERNAL,
                       "the runner cache answered '" + path + "', not an absolute path");
    }
    return path;
  } catch (const sdk::Error& e) {
    throw sdk::Error(e.status(), "provisioner " + name_ + ": no " +
                                     (unpacked ? "unpacked runner" : "runner tarball") + " for " +
                                     os + "/" + arch + ": " + e.what());
  }
}

RunnerCredential RunnerProvisioner::obtainTimed(const sdk::ProvisionRequest& request,
                                                const EntrySettings& entry, std::string& what,
                                                int64_t& took_ms) const {
  host().checkpoint(request.deadline_ms, "provisioner " + name_);
  const int64_t asked = host().nowMs();
  RunnerCredential credential = obtainCredential(host(), request, entry.credentials, name_);
  took_ms = host().nowMs() - asked;
  what =
      entry.credentials == CredentialMode::kJit ? "JIT runner configuration" : "registration token";
  return credential;
}

RunnerCredential RunnerProvisioner::pushCredential(const sdk::ProvisionRequest& request,
                                                   const EntrySettings& entry,
                                                   std::string& log) const {
  std::string what;
  int64_t took_ms = 0;
  RunnerCredential credential = obtainTimed(request, entry, what, took_ms);
  const int64_t obtained = host().nowMs();
  sdk::FilePush file = sdk::FilePush::fromContent(guest::kCredential, credential.value, 0600);
  file.uid = entry.uid;
  file.gid = entry.uid;
  file.deadline_ms = request.deadline_ms;
  host().pushFile(request.instance, file);
  // The times say where a slow start went: GitHub (the credential) or the instance (push).
  note(log, what + " obtained in " + std::to_string(took_ms) + " ms, pushed to " +
                guest::kCredential + " in " + std::to_string(host().nowMs() - obtained) +
                " ms (mode 0600, uid " + std::to_string(entry.uid) + ")");
  return credential;
}

RunnerCredential RunnerProvisioner::startCredential(const sdk::ProvisionRequest& request,
                                                    const EntrySettings& entry,
                                                    const std::string& script_text, GuestPlan& plan,
                                                    std::string& log) const {
  if (!acceptsCredentialOnStdin(script_text)) return pushCredential(request, entry, log);
  std::string what;
  int64_t took_ms = 0;
  RunnerCredential credential = obtainTimed(request, entry, what, took_ms);
  note(log, what + " obtained in " + std::to_string(took_ms) + " ms");
  plan.credential_on_stdin = true;
  return credential;
}

void RunnerProvisioner::startRunner(const sdk::ProvisionRequest& request,
                                    const EntrySettings& entry, const std::string& script_text,
                                    GuestPlan& plan, std::vector<std::string> argv,
                                    std::string& log) const {
  RunnerCredential credential = startCredential(request, entry, script_text, plan, log);
  if (entry.credentials == CredentialMode::kJit && plan.credential_on_stdin &&
      armsStartFifo(script_text)) {
    const int64_t began = host().nowMs();
    std::string why;
    if (host().writeFifo(request.instance, guest::kStartFifo, credential.value + "\n",
                         request.deadline_ms, &why)) {
      // Not waited for, unlike phase start (start_grace): a runner that fails at once ends
      // its supervisor, which powers the instance off, and the job is queued again.
      note(log, "JIT runner configuration handed to the armed supervisor of " +
                    request.instance.name + " through " + guest::kStartFifo + " in " +
                    std::to_string(host().nowMs() - began) + " ms (no exec)");
      return;
    }
    // Nothing was written: the script's phase start wakes the supervisor, or starts one.
    note(log, std::string("no direct hand-over through ") + guest::kStartFifo + " (" +
                  (why.empty() ? "the backend cannot" : why) + "): running phase start");
  }
  if (plan.credential_on_stdin) {
    note(log, "the credential goes to the setup script on its standard input");
  }
  runScript(request, entry, plan, std::move(argv), credential, log);
}

GuestPlan RunnerProvisioner::plan(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                                  RunnerSource source, const char* phase) const {
  // Every provisioner plans its script here; the bash provisioner serves the original
  // contract without a plan, so an entry that reaches this with it names another provisioner.
  if (entry.setup_contract == SetupContract::kOriginal) {
    throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                     "provisioner " + name_ +
                         ": provisioner_options.setup_contract: original needs the bash "
                         "provisioner (the original's scripts unpack a pushed runner package); "
                         "set provisioner: bash");
  }
  GuestPlan p;
  p.phase = phase;
  p.source = source;
  p.credentials = entry.credentials;
  p.runner_name = request.instance.name;
  p.labels = request.labels;
  if (p.phase != "prepare") p.job = request.job;
  if (entry.credentials == CredentialMode::kRegistrationToken && p.phase != "prepare") {
    p.runner_url = runnerUrl(settings_.github_url, request.scope, name_);
  }
  return p;
}

void RunnerProvisioner::runScript(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                                  const GuestPlan& plan, std::vector<std::string> argv,
                                  const RunnerCredential& credential, std::string& log) const {
  host().checkpoint(request.deadline_ms, "provisioner " + name_);
  for (const auto& key : entry.unknown_options) {
    note(log, "provisioner_options." + key + " is not an option of lxdrunner's provisioners; " +
                  "the setup script gets it in LXDRUNNER_PROVISIONER_OPTIONS");
  }
  GuestPlan timed = plan;
  timed.budget_seconds = scriptBudgetSeconds(request.deadline_ms, host().nowMs());
  SetupInvocation run;
  run.provisioner = name_;
  run.instance = request.instance;
  run.argv = std::move(argv);
  run.env = guestEnvironment(timed, entry);
  run.deadline_ms = request.deadline_ms;
  run.secret = credential.value;
  if (plan.credential_on_stdin) run.stdin_data = credential.value + "\n";
  int64_t started = host().nowMs();
  runSetupScript(host(), run, log);
  note(log, std::string(plan.phase == "prepare" ? "prepared " : "runner started in ") +
                request.instance.name + " (setup script took " +
                std::to_string(host().nowMs() - started) + " ms)");
}

}  // namespace lxdrunner::provisioners
