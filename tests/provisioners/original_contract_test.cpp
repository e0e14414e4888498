// SPDX-License-Identifier: Apache-2.0
// provisioner_options.setup_contract: original — the bash provisioner gives a setup script
// written for the original lxdrunner exactly what that one gave it.
#include <catch2/catch.hpp>

#include "bash_provisioner.hpp"
#include "entry_settings.hpp"
#include "image_provisioner.hpp"
#include "original_contract.hpp"
#include "provision_harness.hpp"

using namespace provisioner_tests;
using lxdrunner::provisioners::BashProvisioner;
using lxdrunner::provisioners::ImageProvisioner;
using lxdrunner::sdk::RunnerRequest;
namespace original = lxdrunner::provisioners::original;

namespace {

const std::string kOriginalEntry =
    R"({"name":"gpu","provisioner_options":{"setup_contract":"original"}})";

struct OriginalFixture {
  FakeHost host;
  TempFile tarball{"fake-runner-package"};
  TempFile script{"#!/bin/bash\nsource /opt/runner/setupvars.conf\n"};
  std::vector<SeenExec> execs;
  std::vector<RunnerRequest> token_requests;
  bool jit_asked = false;
  ExecResult prepare_result{0, "passwordless sudo for runner\n", ""};
  ExecResult script_result{0, "Runner registered. Starting up.\n", ""};

  OriginalFixture() {
    host.setConfig("default_setup_script", defaultScriptPath());
    host.setConfig("github_url", "https://github.example");
    host.runnerTarballPath = tarball.path();
    host.onJitConfig = [this](const RunnerRequest&) {
      jit_asked = true;
      return std::string(kJit);
    };
    host.onRegistrationToken = [this](const RunnerRequest& r) {
      token_requests.push_back(r);
      return std::string(kToken);
    };
    host.onExec = [this](const InstanceRef&, const ExecRequest& r) {
      SeenExec seen{r, {}};
      for (const auto& [path, file] : host.files()) seen.files_before.push_back(path);
      execs.push_back(seen);
      return r.argv.at(0) == "/bin/sh" ? prepare_result : script_result;
    };
  }

  Job job(const std::string& options = R"("setup_contract":"original")") const {
    Job j;
    j.entry_json = R"({"name":"gpu","setup_script":")" + script.path() +
                   R"(","provisioner_options":{)" + options + "}}";
    return j;
  }
  std::string guestScript() const { return original::guestScriptPath(script.path()); }
};

bool has(const std::vector<std::string>& v, const std::string& item) {
  return std::find(v.begin(), v.end(), item) != v.end();
}

}  // namespace

TEST_CASE("original contract: setupvars.conf, the package and the script in /opt/runner") {
  OriginalFixture f;
  auto plugin = f.host.create<BashProvisioner>();
  std::string log;
  REQUIRE(provision(plugin, f.job(), log) == LXDR_OK);

  REQUIRE(f.execs.size() == 2);
  // First /opt/runner and sudo for the runner user (default: yes, as the original promised).
  const ExecRequest& prepare = f.execs[0].request;
  CHECK(f.execs[0].files_before.empty());
  CHECK(prepare.argv == original::prepareArgv("runner", true));
  CHECK(prepare.uid == 0);
  // Then the script, run as the original ran it, with everything already in place.
  const SeenExec& script = f.execs[1];
  CHECK(f.guestScript().rfind("/opt/runner/lxdrunner-prov-test-", 0) == 0);
  CHECK(script.request.argv == std::vector<std::string>{f.guestScript()});
  CHECK(script.request.uid == 0);
  CHECK(has(script.files_before, "/opt/runner/setupvars.conf"));
  CHECK(has(script.files_before, "/opt/runner/actions-runner.tgz"));
  CHECK(has(script.files_before, f.guestScript()));

  auto files = f.host.files();
  const auto& vars = files["/opt/runner/setupvars.conf"];
  CHECK(vars.content == std::string("GHA_TOKEN=") + kToken +
                            "\nGHA_URL=https://github.example/octo/hello\n"
                            "GHA_NAME=lxdrunner-job-42\n"
                            "GHA_EXTRA_LABELS=self-hosted,linux,x64,gpu\n");
  CHECK(vars.mode == 0600);  // not the original's 0755: it holds the token
  CHECK(vars.uid == 0);
  CHECK(files["/opt/runner/actions-runner.tgz"].content == "fake-runner-package");
  CHECK(files["/opt/runner/actions-runner.tgz"].mode == 0644);
  CHECK(files[f.guestScript()].content == readFile(f.script.path()));
  CHECK(files[f.guestScript()].mode == 0755);
  // Nothing of lxdrunner's own contract.
  CHECK(files.count("/run/lxdrunner-credential") == 0);
  CHECK(files.count("/var/lib/lxdrunner/runner-setup.sh") == 0);

  // A registration token for the job's scope, never a JIT configuration.
  CHECK_FALSE(f.jit_asked);
  REQUIRE(f.token_requests.size() == 1);
  CHECK(f.token_requests[0].scope == "repos/octo/hello");
  CHECK(f.token_requests[0].runner_name == "lxdrunner-job-42");

  // The original's environment, without the token.
  const ExecRequest& r = script.request;
  CHECK(envValue(r, "GHA_URL") == "https://github.example/octo/hello");
  CHECK(envValue(r, "GHA_NAME") == "lxdrunner-job-42");
  CHECK(envValue(r, "GHA_EXTRA_LABELS") == "self-hosted,linux,x64,gpu");
  CHECK(envValue(r, "GHA_TOKEN") == "<unset>");
  for (const auto& e : f.execs) {
    for (const auto& a : e.request.argv) CHECK_FALSE(contains(a, kToken));
    for (const auto& v : e.request.env) CHECK_FALSE(contains(v, kToken));
  }

  CHECK(contains(log, "passwordless sudo for runner"));
  CHECK(contains(log, "Runner registered. Starting up."));
  CHECK(contains(log, "[bash] runner started in lxdrunner-job-42"));
  CHECK_FALSE(contains(log, kToken));
}

TEST_CASE("original contract: the token never reaches the log, even when the script prints it") {
  OriginalFixture f;
  f.script_result = ExecResult{3, std::string("+ config.sh --token ") + kToken + "\n", kToken};
  auto plugin = f.host.create<BashProvisioner>();
  std::string log;
  CHECK(provision(plugin, f.job(), log) == LXDR_ERR_INTERNAL);
  CHECK(contains(plugin.lastError(), "setup script exited 3"));
  CHECK_FALSE(contains(plugin.lastError(), kToken));
  CHECK(contains(log, "config.sh --token ****"));
  CHECK_FALSE(contains(log, kToken));
  CHECK_FALSE(f.host.logged(kToken));
}

TEST_CASE("original contract: sudo: false leaves the runner user without sudo") {
  using lxdrunner::provisioners::parseEntrySettings;
  CHECK(parseEntrySettings(kOriginalEntry).sudo);             // the original's default
  CHECK_FALSE(parseEntrySettings(R"({"name":"gpu"})").sudo);  // lxdrunner's
  OriginalFixture f;
  auto plugin = f.host.create<BashProvisioner>();
  std::string log;
  REQUIRE(provision(plugin, f.job(R"("setup_contract":"original","sudo":false,"user":"ci")"),
                    log) == LXDR_OK);
  CHECK(f.execs.at(0).request.argv == original::prepareArgv("ci", false));
}

TEST_CASE("original contract: a warm pool prepares without a token, then starts with one") {
  OriginalFixture f;
  auto plugin = f.host.create<BashProvisioner>();
  std::string log;
  REQUIRE(callPhase(plugin, f.job(), log, Phase::kPrepare) == LXDR_OK);
  CHECK(f.token_requests.empty());
  CHECK(f.execs.size() == 1);  // /opt/runner and sudo only: the script needs the token
  CHECK(f.host.files().count("/opt/runner/actions-runner.tgz") == 1);
  CHECK(f.host.files().count("/opt/runner/setupvars.conf") == 0);

  REQUIRE(callPhase(plugin, f.job(), log, Phase::kStart) == LXDR_OK);
  CHECK(f.token_requests.size() == 1);
  REQUIRE(f.execs.size() == 2);
  CHECK(f.execs[1].request.argv == std::vector<std::string>{f.guestScript()});
  CHECK(contains(f.host.files()["/opt/runner/setupvars.conf"].content, kToken));
}

TEST_CASE("original contract: mistakes fail before the instance is touched") {
  OriginalFixture f;
  auto plugin = f.host.create<BashProvisioner>();
  std::string log;

  SECTION("credentials: jit cannot serve it") {
    CHECK(provision(plugin, f.job(R"("setup_contract":"original","credentials":"jit")"), log) ==
          LXDR_ERR_INVALID_ARGUMENT);
    CHECK(contains(plugin.lastError(), "credentials: jit cannot serve setup_contract: original"));
  }
  SECTION("an unknown contract is named") {
    CHECK(provision(plugin, f.job(R"("setup_contract":"python")"), log) ==
          LXDR_ERR_INVALID_ARGUMENT);
    CHECK(contains(plugin.lastError(),
                   "provisioner_options.setup_contract must be lxdrunner or original, not "
                   "'python'"));
  }
  SECTION("no github_url for GHA_URL") {
    FakeHost bare;
    bare.setConfig("default_setup_script", defaultScriptPath());
    bare.runnerTarballPath = f.tarball.path();
    bool touched = false;
    bare.onExec = [&](const InstanceRef&, const ExecRequest&) {
      touched = true;
      return ExecResult{0, "", ""};
    };
    auto without_url = bare.create<BashProvisioner>();
    CHECK(provision(without_url, f.job(), log) == LXDR_ERR_INVALID_ARGUMENT);
    CHECK(contains(without_url.lastError(), "github_url"));
    CHECK_FALSE(touched);
    CHECK(bare.files().empty());
  }
  SECTION("the script cannot be read") {
    Job job;
    job.entry_json =
        R"({"setup_script":"/nonexistent/setuprunner.sh","provisioner_options":{"setup_contract":"original"}})";
    CHECK(provision(plugin, job, log) == LXDR_ERR_INVALID_ARGUMENT);
    CHECK(contains(plugin.lastError(), "/nonexistent/setuprunner.sh cannot be read"));
  }
  CHECK(f.execs.empty());
  CHECK(f.host.files().empty());
  CHECK(f.token_requests.empty());
}

TEST_CASE("original contract: other provisioners refuse it, naming the one that serves it") {
  OriginalFixture f;
  auto plugin = f.host.create<ImageProvisioner>();
  Job job;
  job.entry_json = kOriginalEntry;
  std::string log;
  CHECK(provision(plugin, job, log) == LXDR_ERR_INVALID_ARGUMENT);
  CHECK(contains(plugin.lastError(), "setup_contract: original needs the bash provisioner"));
  CHECK(f.execs.empty());
  CHECK_FALSE(f.jit_asked);
}

TEST_CASE("original contract: setupvars.conf values survive the shell that sources it") {
  original::SetupVars vars{"TOKEN123",
                           "https://ghe.example/my org/it's",
                           "lxdrunner-1",
                           {"self-hosted", "x64", "gpu $HOME"}};
  CHECK(original::setupVarsFile(vars) ==
        "GHA_TOKEN=TOKEN123\n"
        "GHA_URL='https://ghe.example/my org/it'\\''s'\n"
        "GHA_NAME=lxdrunner-1\n"
        "GHA_EXTRA_LABELS='self-hosted,x64,gpu $HOME'\n");
  vars.labels.clear();
  CHECK(contains(original::setupVarsFile(vars), "\nGHA_EXTRA_LABELS=''\n"));
}

TEST_CASE("original contract: the script keeps its name under /opt/runner") {
  CHECK(original::guestScriptPath("/etc/lxdrunner/setuprunner.sh") == "/opt/runner/setuprunner.sh");
  CHECK(original::guestScriptPath("setuprunner.sh") == "/opt/runner/setuprunner.sh");
}
