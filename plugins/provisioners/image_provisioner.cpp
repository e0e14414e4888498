// SPDX-License-Identifier: Apache-2.0
#include "image_provisioner.hpp"

#include "host_file.hpp"
#include "inline_script.hpp"

namespace lxdrunner::provisioners {

void ImageProvisioner::provision(const sdk::ProvisionRequest& request, std::string& log) {
  const EntrySettings entry = parseEntrySettings(request.entry_json);
  host().checkpoint(request.deadline_ms, "provisioner image");
  const std::string script_path = setupScriptFor(settings(), entry.setup_script, name());
  const std::string script = readHostFile(script_path);
  const GuestPlan guest_plan = plan(request, entry, RunnerSource::kInstalled);

  RunnerCredential credential = pushCredential(request, entry, log);
  note(log, "starting the runner installed at " + entry.runner_dir + " (user " + entry.user +
                ") with setup script " + script_path);
  runScript(request, entry, guest_plan, inlineScriptArgv(script), credential, log);
}

}  // namespace lxdrunner::provisioners
