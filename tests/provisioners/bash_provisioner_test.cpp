// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "bash_provisioner.hpp"
#include "provision_harness.hpp"

using namespace provisioner_tests;
using lxdrunner::provisioners::BashProvisioner;
using lxdrunner::sdk::RunnerRequest;

namespace {

struct BashFixture {
  FakeHost host;
  TempFile tarball{std::string("fake-runner-tarball\0with-bytes", 31)};
  std::vector<SeenExec> execs;
  std::vector<RunnerRequest> jit_requests;
  ExecResult script_result{0, "lxdrunner-setup: runner started (pid 7)\n", ""};

  BashFixture() {
    host.setConfig("default_setup_script", defaultScriptPath());
    host.setConfig("github_url", "https://github.example/");
    host.runnerTarballPath = tarball.path();
    host.onJitConfig = [this](const RunnerRequest& r) {
      jit_requests.push_back(r);
      return std::string(kJit);
    };
    host.onExec = [this](const InstanceRef&, const ExecRequest& r) {
      SeenExec seen{r, {}};
      for (const auto& [path, file] : host.files()) seen.files_before.push_back(path);
      execs.push_back(seen);
      if (r.argv.at(0) == "mkdir") return ExecResult{0, "", ""};
      return script_result;
    };
  }
};

bool has(const std::vector<std::string>& v, const std::string& item) {
  return std::find(v.begin(), v.end(), item) != v.end();
}

}  // namespace

TEST_CASE(
    "provisioner bash: prepares the state dir, pushes script, tarball and credential, runs the "
    "script") {
  BashFixture f;
  auto plugin = f.host.create<BashProvisioner>();
  Job job;
  std::string log;
  REQUIRE(provision(plugin, job, log) == LXDR_OK);

  REQUIRE(f.execs.size() == 2);
  CHECK(f.execs[0].request.argv ==
        std::vector<std::string>{"mkdir", "-p", "-m", "0711", "/var/lib/lxdrunner"});
  CHECK(f.execs[0].files_before.empty());
  const SeenExec& script = f.execs[1];
  CHECK(script.request.argv == std::vector<std::string>{"/var/lib/lxdrunner/runner-setup.sh"});
  CHECK(has(script.files_before, "/var/lib/lxdrunner/runner-setup.sh"));
  CHECK(has(script.files_before, "/var/lib/lxdrunner/actions-runner.tar.gz"));
  CHECK(has(script.files_before, "/run/lxdrunner-credential"));
  CHECK(script.request.uid == 0);

  auto files = f.host.files();
  CHECK(files["/var/lib/lxdrunner/runner-setup.sh"].content == readFile(defaultScriptPath()));
  CHECK(files["/var/lib/lxdrunner/runner-setup.sh"].mode == 0700);
  CHECK(files["/var/lib/lxdrunner/actions-runner.tar.gz"].content == readFile(f.tarball.path()));
  CHECK(files["/var/lib/lxdrunner/actions-runner.tar.gz"].mode == 0600);
  const auto& credential = files["/run/lxdrunner-credential"];
  CHECK(credential.content == kJit);
  CHECK(credential.mode == 0600);
  CHECK(credential.uid == 1001);
  CHECK(credential.gid == 1001);

  REQUIRE(f.jit_requests.size() == 1);
  CHECK(f.jit_requests[0].runner_name == "lxdrunner-job-42");
  CHECK(f.jit_requests[0].labels == job.labels);
  CHECK(f.jit_requests[0].scope == "repos/octo/hello");
  CHECK(f.jit_requests[0].job_id == 42);

  const ExecRequest& r = script.request;
  CHECK(envValue(r, "LXDRUNNER_RUNNER_SOURCE") == "tarball");
  CHECK(envValue(r, "LXDRUNNER_CREDENTIALS") == "jit");
  CHECK(envValue(r, "LXDRUNNER_CREDENTIAL_FILE") == "/run/lxdrunner-credential");
  CHECK(envValue(r, "LXDRUNNER_RUNNER_NAME") == "lxdrunner-job-42");
  CHECK(envValue(r, "LXDRUNNER_RUNNER_LABELS") == "self-hosted,linux,x64,gpu");
  CHECK(envValue(r, "LXDRUNNER_RUNNER_USER") == "runner");
  CHECK(envValue(r, "LXDRUNNER_RUNNER_DIR") == "/opt/actions-runner");
  CHECK(envValue(r, "LXDRUNNER_SUDO") == "0");
  CHECK(envValue(r, "LXDRUNNER_POWEROFF") == "1");
  CHECK(envValue(r, "LXDRUNNER_DEADLINE_SECONDS") == "0");
  CHECK(envValue(r, "LXDRUNNER_RUNNER_URL").empty());  // JIT needs no URL
  CHECK(envValue(r, "LXDRUNNER_PROVISIONER_OPTIONS") == "{}");

  CHECK(contains(log, "lxdrunner-setup: runner started (pid 7)"));
  CHECK(contains(log, "[bash] runner started in lxdrunner-job-42"));
}

TEST_CASE(
    "provisioner bash: the JIT configuration never reaches the log, the env, argv or the host "
    "log") {
  BashFixture f;
  f.script_result = ExecResult{0, std::string("oops, printed ") + kJit + "\n", kJit};
  auto plugin = f.host.create<BashProvisioner>();
  std::string log;
  REQUIRE(provision(plugin, Job{}, log) == LXDR_OK);
  CHECK_FALSE(contains(log, kJit));
  CHECK(contains(log, "oops, printed ****"));
  CHECK_FALSE(f.host.logged(kJit));
  for (const auto& e : f.execs) {
    for (const auto& a : e.request.argv) CHECK_FALSE(contains(a, kJit));
    for (const auto& v : e.request.env) CHECK_FALSE(contains(v, kJit));
  }
}

TEST_CASE("provisioner bash: registration-token mode asks for a token and passes config.sh's URL") {
  BashFixture f;
  std::vector<RunnerRequest> token_requests;
  f.host.onJitConfig = nullptr;
  f.host.onRegistrationToken = [&](const RunnerRequest& r) {
    token_requests.push_back(r);
    return std::string(kToken);
  };
  auto plugin = f.host.create<BashProvisioner>();
  Job job;
  job.scope = "orgs/octo";
  job.entry_json = R"({"runner_group":"gpu-runners","ephemeral":true,)"
                   R"("provisioner_options":{"credentials":"registration-token","uid":2000,)"
                   R"("user":"ci","sudo":true,"timeouts":{"configure":45},"packages":["jq"]}})";
  std::string log;
  REQUIRE(provision(plugin, job, log) == LXDR_OK);

  REQUIRE(token_requests.size() == 1);
  CHECK(token_requests[0].scope == "orgs/octo");
  const auto credential = f.host.files()["/run/lxdrunner-credential"];
  CHECK(credential.content == kToken);
  CHECK(credential.mode == 0600);
  CHECK(credential.uid == 2000);
  CHECK(credential.gid == 2000);
  const ExecRequest& r = f.execs.back().request;
  CHECK(envValue(r, "LXDRUNNER_CREDENTIALS") == "registration-token");
  CHECK(envValue(r, "LXDRUNNER_RUNNER_URL") == "https://github.example/octo");
  CHECK(envValue(r, "LXDRUNNER_RUNNER_GROUP") == "gpu-runners");
  CHECK(envValue(r, "LXDRUNNER_EPHEMERAL") == "1");
  CHECK(envValue(r, "LXDRUNNER_RUNNER_USER") == "ci");
  CHECK(envValue(r, "LXDRUNNER_RUNNER_UID") == "2000");
  CHECK(envValue(r, "LXDRUNNER_SUDO") == "1");
  CHECK(envValue(r, "LXDRUNNER_TIMEOUT_CONFIGURE") == "45");
  CHECK(envValue(r, "LXDRUNNER_TIMEOUT_UNPACK") == "300");
  CHECK(contains(envValue(r, "LXDRUNNER_PROVISIONER_OPTIONS"), R"("packages":["jq"])"));
  CHECK(contains(log, "provisioner_options.packages is not an option"));
  CHECK_FALSE(contains(log, kToken));
}

TEST_CASE(
    "provisioner bash: registration-token mode without github_url fails before touching the "
    "instance") {
  FakeHost host;
  TempFile tarball("t");
  host.setConfig("default_setup_script", defaultScriptPath());
  host.runnerTarballPath = tarball.path();
  host.onRegistrationToken = [](const RunnerRequest&) { return std::string(kToken); };
  bool executed = false;
  host.onExec = [&](const InstanceRef&, const ExecRequest&) {
    executed = true;
    return ExecResult{0, "", ""};
  };
  auto plugin = host.create<BashProvisioner>();
  Job job;
  job.entry_json = R"({"provisioner_options":{"credentials":"registration-token"}})";
  std::string log;
  CHECK(provision(plugin, job, log) == LXDR_ERR_INVALID_ARGUMENT);
  CHECK(contains(plugin.lastError(), "github_url"));
  CHECK_FALSE(executed);
  CHECK(host.files().empty());
}

TEST_CASE(
    "provisioner bash: a setup script exiting 3 fails with the exit code and its last output") {
  BashFixture f;
  f.script_result =
      ExecResult{3, "lxdrunner-setup: step unpack (limit 300s)\ntar: short read\n", ""};
  f.host.setFile("/var/lib/lxdrunner/runner.log", "runner: cannot connect\n");
  auto plugin = f.host.create<BashProvisioner>();
  std::string log;
  CHECK(provision(plugin, Job{}, log) == LXDR_ERR_INTERNAL);
  const std::string error = plugin.lastError();
  CHECK(contains(error, "setup script exited 3 in lxdrunner-job-42"));
  CHECK(contains(error, "tar: short read"));
  CHECK(contains(log, "lxdrunner-setup: step unpack (limit 300s)"));
  CHECK(contains(log, "tar: short read"));
  CHECK(contains(log, "runner: cannot connect"));  // the runner's log, pulled on failure
}

TEST_CASE("provisioner bash: exit 2 (bad input) is an invalid-argument error") {
  BashFixture f;
  f.script_result = ExecResult{2, "lxdrunner-setup: error: must run as root\n", ""};
  auto plugin = f.host.create<BashProvisioner>();
  std::string log;
  CHECK(provision(plugin, Job{}, log) == LXDR_ERR_INVALID_ARGUMENT);
  CHECK(contains(plugin.lastError(), "must run as root"));
}

TEST_CASE("provisioner bash: timeouts") {
  BashFixture f;
  auto plugin = f.host.create<BashProvisioner>();

  SECTION("a deadline already passed stops before anything is done") {
    Job job;
    job.deadline_ms = f.host.host().nowMs() - 1;
    std::string log;
    CHECK(provision(plugin, job, log) == LXDR_ERR_TIMEOUT);
    CHECK(contains(plugin.lastError(), "deadline passed"));
    CHECK(f.execs.empty());
    CHECK(f.host.files().empty());
  }
  SECTION("a step that timed out in the guest (exit 124) is a timeout") {
    f.script_result =
        ExecResult{124, "lxdrunner-setup: error: step 'cloud-init' timed out after 600s\n", ""};
    std::string log;
    CHECK(provision(plugin, Job{}, log) == LXDR_ERR_TIMEOUT);
    CHECK(contains(plugin.lastError(), "exited 124"));
    CHECK(contains(plugin.lastError(), "timed out after 600s"));
  }
  SECTION("an exec the backend gave up on keeps the timeout status and says so in the log") {
    f.host.onExec = [&](const InstanceRef&, const ExecRequest& r) -> ExecResult {
      if (r.argv.at(0) == "mkdir") return ExecResult{0, "", ""};
      throw lxdrunner::sdk::Error(LXDR_ERR_TIMEOUT, "exec in lxdrunner-job-42: deadline passed");
    };
    std::string log;
    CHECK(provision(plugin, Job{}, log) == LXDR_ERR_TIMEOUT);
    CHECK(contains(plugin.lastError(), "did not complete"));
    CHECK(contains(log, "setup script did not complete"));
  }
  SECTION("the script gets the time left as its budget") {
    Job job;
    job.deadline_ms = f.host.host().nowMs() + 90000;
    std::string log;
    REQUIRE(provision(plugin, job, log) == LXDR_OK);
    int64_t budget = std::stoll(envValue(f.execs.back().request, "LXDRUNNER_DEADLINE_SECONDS"));
    CHECK(budget > 0);
    CHECK(budget <= 88);
    CHECK(f.execs.back().request.deadline_ms == job.deadline_ms);
  }
}

TEST_CASE("provisioner bash: a missing runner tarball is a clear error and nothing is pushed") {
  BashFixture f;
  auto plugin = f.host.create<BashProvisioner>();
  std::string log;

  SECTION("the runner cache has none") {
    f.host.runnerTarballPath.clear();
    CHECK(provision(plugin, Job{}, log) == LXDR_ERR_NOT_FOUND);
    CHECK(contains(plugin.lastError(), "provisioner bash: no runner tarball for linux/x64"));
  }
  SECTION("the cached file vanished") {
    f.host.runnerTarballPath = "/nonexistent/actions-runner-linux-x64.tar.gz";
    CHECK(provision(plugin, Job{}, log) == LXDR_ERR_NOT_FOUND);
    CHECK(contains(plugin.lastError(), "/nonexistent/actions-runner-linux-x64.tar.gz"));
    CHECK(contains(plugin.lastError(), "No such file"));
  }
  CHECK(f.execs.empty());
  CHECK(f.host.files().empty());
  CHECK(f.jit_requests.empty());
}

TEST_CASE("provisioner bash: the entry's setup_script replaces the default") {
  BashFixture f;
  TempFile custom("#!/bin/sh\necho custom\n");
  auto plugin = f.host.create<BashProvisioner>();
  Job job;
  job.entry_json = R"({"setup_script":")" + custom.path() + R"("})";
  std::string log;
  REQUIRE(provision(plugin, job, log) == LXDR_OK);
  CHECK(f.host.files()["/var/lib/lxdrunner/runner-setup.sh"].content == "#!/bin/sh\necho custom\n");

  job.entry_json = R"({"setup_script":"/nonexistent/setup.sh"})";
  CHECK(provision(plugin, job, log) == LXDR_ERR_INVALID_ARGUMENT);
  CHECK(contains(plugin.lastError(), "/nonexistent/setup.sh cannot be read"));
}

TEST_CASE(
    "provisioner bash: a configured default_setup_script that cannot be read fails create()") {
  FakeHost host;
  host.setConfig("default_setup_script", "/nonexistent/runner-setup.sh");
  try {
    host.create<BashProvisioner>();
    FAIL("create() succeeded");
  } catch (const lxdrunner::sdk::Error& e) {
    CHECK(e.status() == LXDR_ERR_INVALID_ARGUMENT);
    CHECK(contains(e.what(), "default_setup_script /nonexistent/runner-setup.sh"));
  }
}

TEST_CASE(
    "provisioner bash: a failed JIT request fails the job with the host's status, nothing pushed") {
  BashFixture f;
  f.host.onJitConfig = [](const RunnerRequest&) -> std::string {
    throw lxdrunner::sdk::Error(LXDR_ERR_TRANSIENT, "GitHub answered 502");
  };
  auto plugin = f.host.create<BashProvisioner>();
  std::string log;
  CHECK(provision(plugin, Job{}, log) == LXDR_ERR_TRANSIENT);
  CHECK(contains(plugin.lastError(), "obtaining a JIT runner configuration for lxdrunner-job-42"));
  CHECK(contains(plugin.lastError(), "GitHub answered 502"));
  CHECK(f.host.files().count("/run/lxdrunner-credential") == 0);
  CHECK(f.execs.size() == 1);  // only the mkdir
}

TEST_CASE(
    "provisioner bash: phase start hands the credential on stdin to a script that says it takes "
    "it") {
  BashFixture f;
  auto plugin = f.host.create<BashProvisioner>();
  std::string log;
  REQUIRE(callPhase(plugin, Job{}, log, Phase::kPrepare) == LXDR_OK);

  SECTION("the shipped script: no file push, one exec with the JIT config on its stdin") {
    REQUIRE(callPhase(plugin, Job{}, log, Phase::kStart) == LXDR_OK);
    const ExecRequest& r = f.execs.back().request;
    CHECK(r.stdin_data == std::string(kJit) + "\n");
    CHECK(envValue(r, "LXDRUNNER_CREDENTIAL_ON_STDIN") == "1");
    CHECK(f.host.files().count("/run/lxdrunner-credential") == 0);
    CHECK(contains(log, "the credential goes to the setup script on its standard input"));
    CHECK_FALSE(contains(log, kJit));
  }
  SECTION("a script without the contract line gets the file, as before") {
    TempFile custom("#!/bin/sh\necho custom\n");
    f.host.setConfig("default_setup_script", custom.path());
    auto custom_plugin = f.host.create<BashProvisioner>();
    REQUIRE(callPhase(custom_plugin, Job{}, log, Phase::kStart) == LXDR_OK);
    const ExecRequest& r = f.execs.back().request;
    CHECK(r.stdin_data.empty());
    CHECK(envValue(r, "LXDRUNNER_CREDENTIAL_ON_STDIN") == "<unset>");
    CHECK(f.host.files()["/run/lxdrunner-credential"].content == kJit);
  }
}

TEST_CASE("provisioner bash: the setup script sees the job (LXDRUNNER_JOB_*), never in prepare") {
  BashFixture f;
  auto plugin = f.host.create<BashProvisioner>();
  Job job;
  lxdrunner::sdk::JobContext c;
  c.job_id = 42;
  c.run_id = 4200;
  c.run_attempt = 2;
  c.repository = "octo-org/hello";
  c.owner = "octo-org";
  c.organization = "octo-org";
  c.workflow_name = "CI";
  c.job_name = "build (gpu)";
  c.head_branch = "main";
  c.job_labels = {"self-hosted", "gpu"};
  c.entry_name = "gpu";
  job.context = c;
  std::string log;

  SECTION("cold: provision()") {
    REQUIRE(provision(plugin, job, log) == LXDR_OK);
    const ExecRequest& r = f.execs.back().request;
    CHECK(envValue(r, "LXDRUNNER_JOB_ID") == "42");
    CHECK(envValue(r, "LXDRUNNER_JOB_RUN_ID") == "4200");
    CHECK(envValue(r, "LXDRUNNER_JOB_RUN_ATTEMPT") == "2");
    CHECK(envValue(r, "LXDRUNNER_JOB_REPOSITORY") == "octo-org/hello");
    CHECK(envValue(r, "LXDRUNNER_JOB_OWNER") == "octo-org");
    CHECK(envValue(r, "LXDRUNNER_JOB_ORGANIZATION") == "octo-org");
    CHECK(envValue(r, "LXDRUNNER_JOB_WORKFLOW") == "CI");
    CHECK(envValue(r, "LXDRUNNER_JOB_NAME") == "build (gpu)");
    CHECK(envValue(r, "LXDRUNNER_JOB_HEAD_BRANCH") == "main");
    CHECK(envValue(r, "LXDRUNNER_JOB_LABELS") == "self-hosted,gpu");
    CHECK(envValue(r, "LXDRUNNER_ENTRY") == "gpu");
  }
  SECTION("warm: prepare() has no job, start() has it") {
    REQUIRE(callPhase(plugin, job, log, Phase::kPrepare) == LXDR_OK);
    CHECK(envValue(f.execs.back().request, "LXDRUNNER_PHASE") == "prepare");
    CHECK(envValue(f.execs.back().request, "LXDRUNNER_JOB_ID") == "<unset>");
    REQUIRE(callPhase(plugin, job, log, Phase::kStart) == LXDR_OK);
    CHECK(envValue(f.execs.back().request, "LXDRUNNER_PHASE") == "start");
    CHECK(envValue(f.execs.back().request, "LXDRUNNER_JOB_REPOSITORY") == "octo-org/hello");
  }
  SECTION("a host older than 1.1: no job, no variables") {
    job.context.reset();
    REQUIRE(provision(plugin, job, log) == LXDR_OK);
    CHECK(envValue(f.execs.back().request, "LXDRUNNER_JOB_ID") == "<unset>");
  }
}

TEST_CASE(
    "provisioner bash: phase start writes the JIT config into the armed supervisor's FIFO when "
    "the backend can, with no exec") {
  BashFixture f;
  auto plugin = f.host.create<BashProvisioner>();
  std::string log;
  REQUIRE(callPhase(plugin, Job{}, log, Phase::kPrepare) == LXDR_OK);
  const size_t execs_after_prepare = f.execs.size();
  f.host.fifoReaderAt("/var/lib/lxdrunner/start.fifo");

  SECTION("a supervisor waits: the config goes to it, one line, and nothing runs") {
    REQUIRE(callPhase(plugin, Job{}, log, Phase::kStart) == LXDR_OK);
    CHECK(f.execs.size() == execs_after_prepare);
    REQUIRE(f.host.fifoWrites().size() == 1);
    CHECK(f.host.fifoWrites()[0].path == "/var/lib/lxdrunner/start.fifo");
    CHECK(f.host.fifoWrites()[0].data == std::string(kJit) + "\n");
    CHECK(f.host.files().count("/run/lxdrunner-credential") == 0);
    CHECK(contains(log, "(no exec)"));
    CHECK_FALSE(contains(log, kJit));
  }
  SECTION("the backend cannot reach the instance's files: phase start runs, as before") {
    f.host.fail(HostService::instance_write_fifo, LXDR_ERR_UNSUPPORTED, "a VM's files");
    REQUIRE(callPhase(plugin, Job{}, log, Phase::kStart) == LXDR_OK);
    REQUIRE(f.execs.size() == execs_after_prepare + 1);
    CHECK(f.execs.back().request.stdin_data == std::string(kJit) + "\n");
    CHECK(contains(log, "a VM's files"));
    CHECK(contains(log, "running phase start"));
  }
  SECTION("a write that failed part way fails the start: the config may be half there") {
    f.host.fail(HostService::instance_write_fifo, LXDR_ERR_INTERNAL, "writing failed after 9");
    CHECK(callPhase(plugin, Job{}, log, Phase::kStart) == LXDR_ERR_INTERNAL);
    CHECK(f.execs.size() == execs_after_prepare);
  }
  SECTION("a script that does not say it arms a FIFO is never written to") {
    TempFile custom("#!/bin/sh\n# lxdrunner-setup-contract: credential-on-stdin\necho custom\n");
    f.host.setConfig("default_setup_script", custom.path());
    auto custom_plugin = f.host.create<BashProvisioner>();
    REQUIRE(callPhase(custom_plugin, Job{}, log, Phase::kStart) == LXDR_OK);
    CHECK(f.host.fifoWrites().empty());
    CHECK(f.execs.back().request.stdin_data == std::string(kJit) + "\n");
  }
}

TEST_CASE("provisioner bash: with nobody at the FIFO, phase start wakes or starts the runner") {
  BashFixture f;
  auto plugin = f.host.create<BashProvisioner>();
  std::string log;
  REQUIRE(callPhase(plugin, Job{}, log, Phase::kPrepare) == LXDR_OK);
  REQUIRE(callPhase(plugin, Job{}, log, Phase::kStart) == LXDR_OK);
  CHECK(f.host.fifoWrites().empty());
  CHECK(f.execs.back().request.stdin_data == std::string(kJit) + "\n");
  CHECK(contains(log, "nothing reads the FIFO"));
}
