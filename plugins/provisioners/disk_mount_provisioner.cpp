// SPDX-License-Identifier: Apache-2.0
#include "disk_mount_provisioner.hpp"

#include <Poco/JSON/Object.h>

#include <sstream>

#include "guest_paths.hpp"
#include "host_file.hpp"
#include "inline_script.hpp"

namespace lxdrunner::provisioners {

std::string runnerDiskDevice(const std::string& host_dir, const std::string& guest_path) {
  Poco::JSON::Object device(Poco::JSON_PRESERVE_KEY_ORDER);
  device.set("type", "disk");
  device.set("source", host_dir);
  device.set("path", guest_path);
  device.set("readonly", "true");
  std::ostringstream out;
  device.stringify(out);
  return out.str();
}

void DiskMountProvisioner::provision(const sdk::ProvisionRequest& request, std::string& log) {
  const EntrySettings entry = parseEntrySettings(request.entry_json);
  host().checkpoint(request.deadline_ms, "provisioner disk-mount");
  const std::string script_path = setupScriptFor(settings(), entry.setup_script, name());
  const std::string script = readHostFile(script_path);
  const std::string unpacked = runnerTarball(request, true);
  const GuestPlan guest_plan = plan(request, entry, RunnerSource::kMount);

  host().attachDevice(request.instance, guest::kRunnerDevice,
                      runnerDiskDevice(unpacked, entry.mount_path), request.deadline_ms);
  note(log, "runner cache " + unpacked + " attached read-only at " + entry.mount_path +
                " (device " + guest::kRunnerDevice + ")");

  RunnerCredential credential = pushCredential(request, entry, log);
  runScript(request, entry, guest_plan, inlineScriptArgv(script), credential, log);
}

}  // namespace lxdrunner::provisioners
