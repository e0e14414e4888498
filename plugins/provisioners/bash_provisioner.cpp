// SPDX-License-Identifier: Apache-2.0
#include "bash_provisioner.hpp"

#include "guest_paths.hpp"
#include "host_file.hpp"
#include "lxdrunner/sdk/error.hpp"

namespace lxdrunner::provisioners {

namespace {

void pushHostFile(const sdk::Host& host, const sdk::InstanceRef& instance,
                  const std::string& host_path, const char* guest_path, uint32_t mode,
                  int64_t deadline_ms) {
  sdk::FilePush file = pushFromHostFile(host_path, guest_path, mode);
  file.deadline_ms = deadline_ms;
  host.pushFile(instance, file);
}

}  // namespace

void BashProvisioner::pushRunner(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                                 std::string& log) const {
  host().checkpoint(request.deadline_ms, "provisioner bash");
  // Everything that can fail on the host is checked before the instance is touched.
  const std::string script = setupScriptFor(settings(), entry.setup_script, name());
  const std::string tarball = runnerTarball(request, false);
  // Opening it now turns a vanished cache file into a clear error before any push.
  sdk::FilePush tarball_push = pushFromHostFile(tarball, guest::kTarball, 0600);
  tarball_push.deadline_ms = request.deadline_ms;

  sdk::ExecRequest mkdir;
  mkdir.argv = {"mkdir", "-p", "-m", "0711", guest::kStateDir};
  mkdir.deadline_ms = request.deadline_ms;
  sdk::ExecResult made = host().exec(request.instance, mkdir);
  if (made.exit_code != 0) {
    throw sdk::Error(LXDR_ERR_INTERNAL, "provisioner bash: mkdir " + std::string(guest::kStateDir) +
                                            " in " + request.instance.name + " exited " +
                                            std::to_string(made.exit_code) + ": " + made.err);
  }

  pushHostFile(host(), request.instance, script, guest::kSetupScript, 0700, request.deadline_ms);
  note(log, "setup script " + script + " pushed to " + guest::kSetupScript);

  host().checkpoint(request.deadline_ms, "provisioner bash");
  int64_t started = host().nowMs();
  host().pushFile(request.instance, tarball_push);
  note(log, "runner tarball " + tarball + " (" + std::to_string(hostFileSize(tarball)) +
                " bytes) pushed in " + std::to_string(host().nowMs() - started) + " ms");
}

void BashProvisioner::provision(const sdk::ProvisionRequest& request, std::string& log) {
  const EntrySettings entry = parseEntrySettings(request.entry_json);
  if (entry.setup_contract == SetupContract::kOriginal) {
    // The URL first: a missing github_url or an odd scope fails before any push.
    const std::string url = runnerUrl(settings().github_url, request.scope, name());
    pushOriginal(request, entry, log);
    startOriginal(request, entry, url, log);
    return;
  }
  // The plan first: a registration-token entry without github_url fails before any push.
  const GuestPlan guest_plan = plan(request, entry, RunnerSource::kTarball);
  pushRunner(request, entry, log);
  RunnerCredential credential = pushCredential(request, entry, log);
  runScript(request, entry, guest_plan, {guest::kSetupScript}, credential, log);
}

void BashProvisioner::prepare(const sdk::ProvisionRequest& request, std::string& log) {
  const EntrySettings entry = parseEntrySettings(request.entry_json);
  if (entry.setup_contract == SetupContract::kOriginal) {
    pushOriginal(request, entry, log);
    return;
  }
  pushRunner(request, entry, log);
  runScript(request, entry, plan(request, entry, RunnerSource::kTarball, "prepare"),
            {guest::kSetupScript}, RunnerCredential{}, log);
}

void BashProvisioner::start(const sdk::ProvisionRequest& request, std::string& log) {
  const EntrySettings entry = parseEntrySettings(request.entry_json);
  if (entry.setup_contract == SetupContract::kOriginal) {
    // An original script cannot be split: it all runs now, on what prepare() pushed.
    startOriginal(request, entry, runnerUrl(settings().github_url, request.scope, name()), log);
    return;
  }
  // The script prepare() pushed runs again: one exec in all (the credential on its standard
  // input), or a credential push and the exec for a script that wants a file.
  GuestPlan guest_plan = plan(request, entry, RunnerSource::kTarball, "start");
  const std::string script = readHostFile(setupScriptFor(settings(), entry.setup_script, name()));
  startRunner(request, entry, script, guest_plan, {guest::kSetupScript}, log);
}

}  // namespace lxdrunner::provisioners
