// SPDX-License-Identifier: Apache-2.0
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <optional>

#include "job_env_step.hpp"
#include "lxdrunner/sdk/fake_host.hpp"

using lxdrunner::sdk::BorrowedJobContext;
using lxdrunner::sdk::FakeHost;
using lxdrunner::sdk::InstanceRef;
using lxdrunner::sdk::JobContext;

namespace {

// Calls one operation the way the daemon does; `job` is what the daemon knows of the job.
lxdr_status call(FakeHost::Instance& plugin, const std::optional<JobContext>& job,
                 const std::string& entry_json, std::string& log, bool prepare = false) {
  const InstanceRef ref{"runner-1", "main", "lxd-container"};
  lxdr_provision_request req{};
  req.struct_size = sizeof(req);
  req.instance = ref.toC();
  req.entry_json = lxdrunner::sdk::slice(entry_json);
  std::optional<BorrowedJobContext> c;
  if (job && !prepare) {
    c.emplace(*job);
    req.job = c->get();
  }
  lxdr_sink sink = lxdrunner::sdk::stringSink(log);
  const auto& ops = plugin.ops<lxdr_provisioner_ops>();
  return (prepare ? ops.prepare : ops.start)(plugin.handle(), &req, &sink);
}

JobContext job() {
  JobContext j;
  j.job_id = 42;
  j.run_id = 7;
  j.run_attempt = 1;
  j.repository = "octo-org/app";
  j.owner = "octo-org";
  j.organization = "octo-org";
  j.workflow_name = "CI";
  j.job_name = "it's a test";
  j.head_branch = "main";
  j.job_labels = {"self-hosted", "linux"};
  j.entry_name = "linux";
  return j;
}

}  // namespace

TEST_CASE("it is a step: it prepares, it never starts a runner") {
  FakeHost host;
  auto plugin = host.create<example::JobEnvStep>();
  CHECK((plugin.ops<lxdr_provisioner_ops>().flags & LXDR_PROVISIONER_STEP) != 0);
  std::string log;
  REQUIRE(call(plugin, job(), "{}", log, /*prepare=*/true) == LXDR_OK);
  CHECK(host.files().empty());  // no job yet: nothing to write
}

TEST_CASE("start writes the job's env file, 0600 for the runner user, quoted for sh") {
  FakeHost host;
  auto plugin = host.create<example::JobEnvStep>();
  std::string log;
  REQUIRE(call(plugin, job(), "{}", log) == LXDR_OK);
  const auto file = host.files().at("/etc/lxdrunner-job.env");
  CHECK(file.mode == 0600);
  CHECK(file.uid == 1001);
  CHECK_THAT(file.content, Catch::Contains("JOB_REPOSITORY='octo-org/app'\n"));
  CHECK_THAT(file.content, Catch::Contains("JOB_LABELS='self-hosted,linux'\n"));
  CHECK_THAT(file.content, Catch::Contains("JOB_NAME='it'\\''s a test'\n"));
  CHECK_THAT(log, Catch::Contains("wrote /etc/lxdrunner-job.env"));
}

TEST_CASE("its own options come from step_options, as its provisioner_options") {
  FakeHost host;
  auto plugin = host.create<example::JobEnvStep>();
  std::string log;
  REQUIRE(call(plugin, job(), R"({"provisioner_options":{"path":"/run/job.env","uid":0}})", log) ==
          LXDR_OK);
  CHECK(host.files().at("/run/job.env").uid == 0);
  CHECK(call(plugin, job(), R"({"provisioner_options":{"path":"relative"}})", log) ==
        LXDR_ERR_INVALID_ARGUMENT);
}

TEST_CASE("a daemon without job context: nothing written, and it says so") {
  FakeHost host;
  auto plugin = host.create<example::JobEnvStep>();
  std::string log;
  REQUIRE(call(plugin, std::nullopt, "{}", log) == LXDR_OK);
  CHECK(host.files().empty());
  CHECK_THAT(log, Catch::Contains("no job context"));
}
