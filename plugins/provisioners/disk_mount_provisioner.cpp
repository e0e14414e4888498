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

std::string DiskMountProvisioner::attachRunner(const sdk::ProvisionRequest& request,
                                               const EntrySettings& entry, std::string& log) const {
  host().checkpoint(request.deadline_ms, "provisioner disk-mount");
  const std::string script_path = setupScriptFor(settings(), entry.setup_script, name());
  std::string script = readHostFile(script_path);
  const std::string unpacked = runnerTarball(request, true);
  host().attachDevice(request.instance, guest::kRunnerDevice,
                      runnerDiskDevice(unpacked, entry.mount_path), request.deadline_ms);
  note(log, "runner cache " + unpacked + " attached read-only at " + entry.mount_path +
                " (device " + guest::kRunnerDevice + ")");
  return script;
}

void DiskMountProvisioner::provision(const sdk::ProvisionRequest& request, std::string& log) {
  const EntrySettings entry = parseEntrySettings(request.entry_json);
  const GuestPlan guest_plan = plan(request, entry, RunnerSource::kMount);
  const std::string script = attachRunner(request, entry, log);
  RunnerCredential credential = pushCredential(request, entry, log);
  runScript(request, entry, guest_plan, inlineScriptArgv(script), credential, log);
}

void DiskMountProvisioner::prepare(const sdk::ProvisionRequest& request, std::string& log) {
  const EntrySettings entry = parseEntrySettings(request.entry_json);
  // The plan first: an entry it refuses must not leave a device attached.
  const GuestPlan guest_plan = plan(request, entry, RunnerSource::kMount, "prepare");
  const std::string script = attachRunner(request, entry, log);
  runScript(request, entry, guest_plan, inlineScriptArgv(script), RunnerCredential{}, log);
}

void DiskMountProvisioner::start(const sdk::ProvisionRequest& request, std::string& log) {
  const EntrySettings entry = parseEntrySettings(request.entry_json);
  const std::string script = readHostFile(setupScriptFor(settings(), entry.setup_script, name()));
  GuestPlan guest_plan = plan(request, entry, RunnerSource::kMount, "start");
  startRunner(request, entry, script, guest_plan, inlineScriptArgv(script), log);
}

}  // namespace lxdrunner::provisioners
