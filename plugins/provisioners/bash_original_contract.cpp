// SPDX-License-Identifier: Apache-2.0
// The bash provisioner serving setup scripts written for the original lxdrunner
// (provisioner_options.setup_contract: original); the contract is in original_contract.hpp.
#include "bash_provisioner.hpp"
#include "host_file.hpp"
#include "lxdrunner/sdk/error.hpp"
#include "original_contract.hpp"
#include "setup_run.hpp"

namespace lxdrunner::provisioners {

void BashProvisioner::pushOriginal(const sdk::ProvisionRequest& request, const EntrySettings& entry,
                                   std::string& log) const {
  host().checkpoint(request.deadline_ms, "provisioner bash");
  // Everything that can fail on the host is checked before the instance is touched.
  const std::string script = setupScriptFor(settings(), entry.setup_script, name());
  const std::string tarball = runnerTarball(request, false);
  sdk::FilePush package = pushFromHostFile(tarball, original::kPackage, 0644);
  package.deadline_ms = request.deadline_ms;
  sdk::FilePush script_push = pushFromHostFile(script, original::guestScriptPath(script), 0755);
  script_push.deadline_ms = request.deadline_ms;

  sdk::ExecRequest prepare;
  prepare.argv = original::prepareArgv(entry.user, entry.sudo);
  prepare.deadline_ms = request.deadline_ms;
  const sdk::ExecResult prepared = host().exec(request.instance, prepare);
  if (prepared.exit_code != 0) {
    throw sdk::Error(LXDR_ERR_INTERNAL,
                     "provisioner bash: preparing " + std::string(original::kDir) + " in " +
                         request.instance.name + " exited " + std::to_string(prepared.exit_code) +
                         ": " + lastLines(prepared.out + "\n" + prepared.err, 3));
  }
  if (!prepared.out.empty()) note(log, lastLines(prepared.out, 3));

  host().pushFile(request.instance, script_push);
  note(log,
       "setup script " + script + " pushed to " + script_push.path + " (setup_contract: original)");
  host().checkpoint(request.deadline_ms, "provisioner bash");
  const int64_t started = host().nowMs();
  host().pushFile(request.instance, package);
  note(log, "runner package " + tarball + " (" + std::to_string(hostFileSize(tarball)) +
                " bytes) pushed to " + original::kPackage + " in " +
                std::to_string(host().nowMs() - started) + " ms");
}

void BashProvisioner::startOriginal(const sdk::ProvisionRequest& request,
                                    const EntrySettings& entry, const std::string& url,
                                    std::string& log) const {
  host().checkpoint(request.deadline_ms, "provisioner bash");
  const std::string script = setupScriptFor(settings(), entry.setup_script, name());
  const int64_t asked = host().nowMs();
  const RunnerCredential credential =
      obtainCredential(host(), request, CredentialMode::kRegistrationToken, name());
  original::SetupVars vars{credential.value, url, request.instance.name, request.labels};
  // Root's alone: the token must not be readable by the runner user or the job it runs.
  sdk::FilePush file =
      sdk::FilePush::fromContent(original::kSetupVars, original::setupVarsFile(vars), 0600);
  file.deadline_ms = request.deadline_ms;
  host().pushFile(request.instance, file);
  note(log, "registration token obtained and written to " + std::string(original::kSetupVars) +
                " (mode 0600) in " + std::to_string(host().nowMs() - asked) +
                " ms; GHA_URL=" + url + " GHA_NAME=" + vars.name);

  for (const auto& key : entry.unknown_options) {
    note(log, "provisioner_options." + key + " is not an option of lxdrunner's provisioners");
  }
  SetupInvocation run;
  run.provisioner = name();
  run.instance = request.instance;
  run.argv = {original::guestScriptPath(script)};
  run.env = original::setupEnvironment(vars);
  run.deadline_ms = request.deadline_ms;
  run.secret = credential.value;
  const int64_t started = host().nowMs();
  runSetupScript(host(), run, log);
  note(log, "runner started in " + request.instance.name + " (setup script took " +
                std::to_string(host().nowMs() - started) + " ms)");
}

}  // namespace lxdrunner::provisioners
