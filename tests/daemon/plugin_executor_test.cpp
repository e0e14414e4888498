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

TEST_CASE("the runner registers where the entry's runner_scope says, in its group") {
  auto e = entry();
  e.runner_group = "gpu-fleet";
  const auto org_job = job();
  auto user_job = job();
  user_job.repository = "someone/tool";
  user_job.organization.clear();

  auto r = PluginExecutor::registrationFor(e, org_job);  // auto: the organisation
  CHECK(r.scope == "orgs/octo-org");
  CHECK(r.runner_group == "gpu-fleet");
  CHECK(r.repository == "octo-org/app");
  r = PluginExecutor::registrationFor(e, user_job);  // no organisation: no group either
  CHECK(r.scope == "repos/someone/tool");
  CHECK(r.runner_group.empty());
  e.runner_scope = config::RunnerScope::Repo;
  CHECK(PluginExecutor::registrationFor(e, org_job).scope == "repos/octo-org/app");
}

TEST_CASE("an instance's registration is known only while its provisioner runs") {
  Loaded l;
  PluginExecutor executor({{"test-backend", l.backend}}, {{"test-provisioner", l.provisioner}});
  const auto e = entry();
  const auto j = job();
  REQUIRE(executor.launch(e, j, "lxdrunner-reg", soon()).status == LXDR_OK);
  CHECK_FALSE(executor.registrationOf("lxdrunner-reg").has_value());
  REQUIRE(executor.provision(e, j, "lxdrunner-reg", "main", soon()).status == LXDR_OK);
  CHECK_FALSE(executor.registrationOf("lxdrunner-reg").has_value());
}

}  // namespace
}  // namespace lxdrunner::daemon

namespace lxdrunner::daemon {
namespace {

// An executor over the test backend, the test provisioner and the test step.
struct Chain {
  plugin_host::PluginHost host;
  std::map<std::string, plugin_host::PluginInstance*> provisioners;
  plugin_host::PluginInstance* backend = nullptr;
  Chain() {
    host.registry().loadFile(test::testPlugin("test_good"));
    host.registry().loadFile(test::testPlugin("test_step"));
    std::string error;
    backend = host.instantiate("test-backend", LXDR_KIND_BACKEND, "{}", error);
    provisioners["test-provisioner"] =
        host.instantiate("test-provisioner", LXDR_KIND_PROVISIONER, "{}", error);
    provisioners["test-step"] = host.instantiate("test-step", LXDR_KIND_PROVISIONER, "{}", error);
  }
  PluginExecutor executor() { return PluginExecutor({{"test-backend", backend}}, provisioners); }
};

config::RunnerEntry chained() {
  auto e = entry();
  e.steps = {"test-step"};
  e.step_options_json["test-step"] = R"({"text":"from step_options"})";
  e.provisioner_options_json = R"({"text":"the runner's own"})";
  return e;
}

TEST_CASE("provisioners: [step, provisioner] run in order, each with its own options") {
  Chain c;
  REQUIRE(c.backend != nullptr);
  REQUIRE(c.provisioners["test-step"] != nullptr);
  CHECK(c.provisioners["test-step"]->isStep());
  CHECK_FALSE(c.provisioners["test-provisioner"]->isStep());
  auto executor = c.executor();
  const auto e = chained();
  CHECK_FALSE(executor.checkChain(e).has_value());
  REQUIRE(executor.launch(e, job(), "lxdrunner-chain", soon()).status == LXDR_OK);
  const auto r = executor.provision(e, job(), "lxdrunner-chain", "main", soon());
  REQUIRE(r.status == LXDR_OK);
  const auto step_at = r.log.find("test-step wrote from step_options for octo-org/app");
  const auto done_at = r.log.find("lxdrunner: step test-step done in ");
  const auto runner_at = r.log.find("hello job 9007199254740993");
  REQUIRE(step_at != std::string::npos);
  REQUIRE(done_at != std::string::npos);
  REQUIRE(runner_at != std::string::npos);
  CHECK(step_at < done_at);
  CHECK(done_at < runner_at);  // the step first, then the one that starts the runner
  // A chain whose provisioners all lack prepare/start is served cold.
  CHECK_FALSE(executor.canPrepare(e));
}

TEST_CASE("a failing step fails the provision, names the step, and nothing after it runs") {
  Chain c;
  auto executor = c.executor();
  auto e = chained();
  e.step_options_json["test-step"] = R"({"fail":true})";
  REQUIRE(executor.launch(e, job(), "lxdrunner-chain-fail", soon()).status == LXDR_OK);
  const auto r = executor.provision(e, job(), "lxdrunner-chain-fail", "main", soon());
  CHECK(r.status == LXDR_ERR_INTERNAL);
  CHECK_THAT(r.error, Catch::StartsWith("step test-step: "));
  CHECK_THAT(r.error, Catch::Contains("asked to fail"));
  CHECK_THAT(r.log, Catch::Contains("lxdrunner: step test-step failed in "));
  CHECK_THAT(r.log, !Catch::Contains("hello job"));
}

TEST_CASE("a chain in the wrong order is refused, naming the entry and the provisioner") {
  Chain c;
  auto executor = c.executor();
  auto e = entry();
  e.steps = {"test-provisioner"};
  e.provisioner = "test-step";
  const auto why = executor.checkChain(e);
  REQUIRE(why.has_value());
  CHECK_THAT(*why, Catch::Contains("runnermap entry 'gpu': provisioner 'test-provisioner' starts "
                                   "a runner, so it can only be the last"));
  e.steps.clear();
  const auto step_last = executor.checkChain(e);
  REQUIRE(step_last.has_value());
  CHECK_THAT(*step_last, Catch::Contains("provisioner 'test-step' is a step and starts no runner"));
}

}  // namespace
}  // namespace lxdrunner::daemon
