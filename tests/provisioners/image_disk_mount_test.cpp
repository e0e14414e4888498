// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "disk_mount_provisioner.hpp"
#include "image_provisioner.hpp"
#include "provision_harness.hpp"

using namespace provisioner_tests;
using lxdrunner::provisioners::DiskMountProvisioner;
using lxdrunner::provisioners::ImageProvisioner;
using lxdrunner::sdk::RunnerRequest;

namespace {

struct Recorder {
  FakeHost host;
  std::vector<SeenExec> execs;
  ExecResult result{0, "lxdrunner-setup: runner started (pid 9)\n", ""};

  Recorder() {
    host.setConfig("default_setup_script", defaultScriptPath());
    host.onJitConfig = [](const RunnerRequest&) { return std::string(kJit); };
    host.onExec = [this](const InstanceRef&, const ExecRequest& r) {
      SeenExec seen{r, {}};
      for (const auto& [path, file] : host.files()) seen.files_before.push_back(path);
      execs.push_back(seen);
      return result;
    };
  }
};

}  // namespace

TEST_CASE("provisioner image: one credential push and one exec of the inline setup script") {
  Recorder r;
  auto plugin = r.host.create<ImageProvisioner>();
  Job job;
  job.entry_json =
      R"({"provisioner_options":{"runner_dir":"/home/ci/runner","user":"ci","uid":1500}})";
  std::string log;
  REQUIRE(provision(plugin, job, log) == LXDR_OK);

  auto files = r.host.files();
  REQUIRE(files.size() == 1);
  const auto& credential = files["/run/lxdrunner-credential"];
  CHECK(credential.content == kJit);
  CHECK(credential.mode == 0600);
  CHECK(credential.uid == 1500);
  CHECK(credential.gid == 1500);
  CHECK(r.host.devices().empty());

  REQUIRE(r.execs.size() == 1);
  const ExecRequest& e = r.execs[0].request;
  CHECK(r.execs[0].files_before == std::vector<std::string>{"/run/lxdrunner-credential"});
  REQUIRE(e.argv.size() == 4);
  CHECK(e.argv[0] == "/bin/sh");
  CHECK(e.argv[1] == "-c");
  CHECK(e.argv[2] == readFile(defaultScriptPath()));
  CHECK(envValue(e, "LXDRUNNER_RUNNER_SOURCE") == "installed");
  CHECK(envValue(e, "LXDRUNNER_RUNNER_DIR") == "/home/ci/runner");
  CHECK(envValue(e, "LXDRUNNER_RUNNER_USER") == "ci");
  CHECK_FALSE(contains(log, kJit));
  CHECK(contains(log, "runner started (pid 9)"));
}

TEST_CASE("provisioner image: a script failure carries the exit code and output") {
  Recorder r;
  r.result = ExecResult{2, "lxdrunner-setup: error: the image has no user 'runner'\n", ""};
  auto plugin = r.host.create<ImageProvisioner>();
  std::string log;
  CHECK(provision(plugin, Job{}, log) == LXDR_ERR_INVALID_ARGUMENT);
  CHECK(contains(plugin.lastError(), "exited 2"));
  CHECK(contains(plugin.lastError(), "the image has no user 'runner'"));
  CHECK(contains(log, "the image has no user 'runner'"));
}

TEST_CASE(
    "provisioner disk-mount: attaches the unpacked cache read-only, pushes the credential, runs") {
  Recorder r;
  r.host.runnerUnpackedPath = "/var/cache/lxdrunner/runners/2.321.0-linux-x64";
  auto plugin = r.host.create<DiskMountProvisioner>();
  Job job;
  std::string log;
  REQUIRE(provision(plugin, job, log) == LXDR_OK);

  auto devices = r.host.devices();
  REQUIRE(devices.size() == 1);
  CHECK(devices[0].instance.name == "lxdrunner-job-42");
  CHECK(devices[0].name == "lxdrunner-runner");
  CHECK(devices[0].json ==
        R"({"type":"disk","source":"/var/cache/lxdrunner/runners/2.321.0-linux-x64",)"
        R"("path":"/opt/lxdrunner/runner","readonly":"true"})");

  REQUIRE(r.execs.size() == 1);
  CHECK(r.execs[0].files_before == std::vector<std::string>{"/run/lxdrunner-credential"});
  const ExecRequest& e = r.execs[0].request;
  CHECK(e.argv.at(0) == "/bin/sh");
  CHECK(envValue(e, "LXDRUNNER_RUNNER_SOURCE") == "mount");
  CHECK(envValue(e, "LXDRUNNER_RUNNER_MOUNT") == "/opt/lxdrunner/runner");
  CHECK(envValue(e, "LXDRUNNER_RUNNER_DIR") == "/opt/actions-runner");
  const auto credential = r.host.files()["/run/lxdrunner-credential"];
  CHECK(credential.mode == 0600);
  CHECK(credential.uid == 1001);
  CHECK(contains(log, "attached read-only at /opt/lxdrunner/runner"));
}

TEST_CASE(
    "provisioner disk-mount: no unpacked runner in the cache is a clear error, nothing attached") {
  Recorder r;
  auto plugin = r.host.create<DiskMountProvisioner>();
  std::string log;
  CHECK(provision(plugin, Job{}, log) == LXDR_ERR_NOT_FOUND);
  CHECK(contains(plugin.lastError(), "provisioner disk-mount: no unpacked runner for linux/x64"));
  CHECK(r.host.devices().empty());
  CHECK(r.execs.empty());
}

TEST_CASE("provisioner disk-mount: mount_path moves the mount point") {
  Recorder r;
  r.host.runnerUnpackedPath = "/srv/runner";
  auto plugin = r.host.create<DiskMountProvisioner>();
  Job job;
  job.entry_json = R"({"provisioner_options":{"mount_path":"/mnt/runner"}})";
  std::string log;
  REQUIRE(provision(plugin, job, log) == LXDR_OK);
  CHECK(contains(r.host.devices().at(0).json, R"("path":"/mnt/runner")"));
  CHECK(envValue(r.execs.at(0).request, "LXDRUNNER_RUNNER_MOUNT") == "/mnt/runner");
}
