// SPDX-License-Identifier: Apache-2.0
#include "image_provisioner.hpp"

#include "host_file.hpp"
#include "inline_script.hpp"

namespace lxdrunner::provisioners {

namespace {

// Host-side checks before the instance is touched; the script's text.
std::string scriptText(const PluginSettings& settings, const EntrySettings& entry,
                       const std::string& provisioner, std::string& path) {
  path = setupScriptFor(settings, entry.setup_script, provisioner);
  return readHostFile(path);
}

}  // namespace

void ImageProvisioner::provision(const sdk::ProvisionRequest& request, std::string& log) {
  const EntrySettings entry = parseEntrySettings(request.entry_json);
  host().checkpoint(request.deadline_ms, "provisioner image");
  std::string script_path;
  const std::string script = scriptText(settings(), entry, name(), script_path);
  const GuestPlan guest_plan = plan(request, entry, RunnerSource::kInstalled);

  RunnerCredential credential = pushCredential(request, entry, log);
  note(log, "starting the runner installed at " + entry.runner_dir + " (user " + entry.user +
                ") with setup script " + script_path);
  runScript(request, entry, guest_plan, inlineScriptArgv(script), credential, log);
}

void ImageProvisioner::prepare(const sdk::ProvisionRequest& request, std::string& log) {
  const EntrySettings entry = parseEntrySettings(request.entry_json);
  host().checkpoint(request.deadline_ms, "provisioner image");
  std::string script_path;
  const std::string script = scriptText(settings(), entry, name(), script_path);
  note(log, "checking the runner installed at " + entry.runner_dir + " (user " + entry.user +
                ") with setup script " + script_path);
  runScript(request, entry, plan(request, entry, RunnerSource::kInstalled, "prepare"),
            inlineScriptArgv(script), RunnerCredential{}, log);
}

void ImageProvisioner::start(const sdk::ProvisionRequest& request, std::string& log) {
  const EntrySettings entry = parseEntrySettings(request.entry_json);
  std::string script_path;
  const std::string script = scriptText(settings(), entry, name(), script_path);
  GuestPlan guest_plan = plan(request, entry, RunnerSource::kInstalled, "start");
  startRunner(request, entry, script, guest_plan, inlineScriptArgv(script), log);
}

}  // namespace lxdrunner::provisioners
