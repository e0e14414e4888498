// SPDX-License-Identifier: Apache-2.0
// The executor hands a provisioner the job it provisions for (ABI 1.1's job context), as the
// job store recorded it, through a real plugin loaded the daemon's way.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <string>

#include "config/model.hpp"
#include "daemon/plugin_executor.hpp"
#include "jobs/job_store.hpp"
#include "plugin_host/plugin_host.hpp"
#include "test_plugins.hpp"

namespace lxdrunner::daemon {
namespace {

struct Loaded {
  plugin_host::PluginHost host;
  plugin_host::PluginInstance* backend = nullptr;
  plugin_host::PluginInstance* provisioner = nullptr;
  Loaded() {
    host.registry().loadFile(test::testPlugin("test_good"));
    std::string error;
    backend = host.instantiate("test-backend", LXDR_KIND_BACKEND, "{}", error);
    provisioner = host.instantiate("test-provisioner", LXDR_KIND_PROVISIONER, "{}", error);
  }
};

config::RunnerEntry entry() {
  config::RunnerEntry e;
  e.name = "gpu";
  e.labels = {"self-hosted", "linux", "gpu"};
  e.backend = "test-backend";
  e.provisioner = "test-provisioner";
  return e;
}

jobs::JobRecord job() {
  jobs::JobRecord j;
  j.job_id = 9007199254740993ULL;
  j.run_id = 77;
  j.run_attempt = 2;
  j.repository = "octo-org/app";
  j.organization = "octo-org";
  j.installation_id = 123;
  j.workflow_name = "CI";
  j.job_name = "build";
  j.head_branch = "main";
  j.labels = {"self-hosted", "gpu"};
  return j;
}

dispatch::Deadline soon() {
  return std::chrono::steady_clock::now() + std::chrono::seconds(10);
}

TEST_CASE("provision() carries the job context from the job's record and its entry") {
  Loaded l;
  REQUIRE(l.backend != nullptr);
  REQUIRE(l.provisioner != nullptr);
  PluginExecutor executor({{"test-backend", l.backend}}, {{"test-provisioner", l.provisioner}});
  const auto e = entry();
  const auto j = job();
  const auto launched = executor.launch(e, j, "lxdrunner-ctx", soon());
  REQUIRE(launched.status == LXDR_OK);
  const auto provisioned = executor.provision(e, j, "lxdrunner-ctx", "main", soon());
  REQUIRE(provisioned.status == LXDR_OK);
  CHECK_THAT(provisioned.log,
             Catch::Contains("job 9007199254740993 run 77/2 repo octo-org/app owner octo-org "
                             "org octo-org installation 123 workflow CI name build branch main "
                             "labels self-hosted,gpu entry gpu self-hosted,linux,gpu"));
}

TEST_CASE("a user's repository: owner set, organisation empty") {
  Loaded l;
  PluginExecutor executor({{"test-backend", l.backend}}, {{"test-provisioner", l.provisioner}});
  auto j = job();
  j.repository = "someone/tool";
  j.organization.clear();
  const auto e = entry();
  REQUIRE(executor.launch(e, j, "lxdrunner-ctx2", soon()).status == LXDR_OK);
  const auto provisioned = executor.provision(e, j, "lxdrunner-ctx2", "main", soon());
  REQUIRE(provisioned.status == LXDR_OK);
  CHECK_THAT(provisioned.log, Catch::Contains("repo someone/tool owner someone org  installation"));
}

}  // namespace
}  // namespace lxdrunner::daemon
