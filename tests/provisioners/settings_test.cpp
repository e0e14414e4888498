// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "entry_settings.hpp"
#include "lxdrunner/sdk/error.hpp"
#include "redaction.hpp"
#include "runner_credential.hpp"
#include "setup_run.hpp"

using namespace lxdrunner::provisioners;
using lxdrunner::sdk::Error;

namespace {

std::string errorOf(const std::string& entry_json) {
  try {
    parseEntrySettings(entry_json);
  } catch (const Error& e) {
    CHECK(e.status() == LXDR_ERR_INVALID_ARGUMENT);
    return e.what();
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("provisioner entry settings: defaults") {
  EntrySettings s = parseEntrySettings(R"({"name":"x","provisioner_options":{}})");
  CHECK(s.credentials == CredentialMode::kJit);
  CHECK(s.user == "runner");
  CHECK(s.uid == 1001);
  CHECK(s.runner_dir == "/opt/actions-runner");
  CHECK_FALSE(s.sudo);
  CHECK(s.poweroff);
  CHECK(s.ephemeral);
  CHECK(s.mount_path == "/opt/lxdrunner/runner");
  CHECK(s.timeouts.cloud_init == 600);
  CHECK(s.timeouts.start == 30);
  CHECK(s.start_grace == 1);
  CHECK(s.runner_environment.empty());
}

TEST_CASE("provisioner entry settings: every option is read") {
  EntrySettings s = parseEntrySettings(
      R"({"setup_script":"/etc/lxdrunner/setup.sh","runner_group":"g","ephemeral":false,)"
      R"("provisioner_options":{"credentials":"registration-token","user":"ci","uid":3000,)"
      R"("runner_dir":"/srv/r","sudo":true,"poweroff":false,"start_grace":0,)"
      R"("mount_path":"/mnt/r","timeouts":{"cloud_init":5,"user":6,"unpack":7,)"
      R"("configure":8,"start":9},"runner_environment":["HTTP_PROXY","no_proxy"]}})");
  CHECK(s.setup_script == "/etc/lxdrunner/setup.sh");
  CHECK(s.runner_group == "g");
  CHECK_FALSE(s.ephemeral);
  CHECK(s.credentials == CredentialMode::kRegistrationToken);
  CHECK(s.user == "ci");
  CHECK(s.uid == 3000);
  CHECK(s.runner_dir == "/srv/r");
  CHECK(s.sudo);
  CHECK_FALSE(s.poweroff);
  CHECK(s.start_grace == 0);
  CHECK(s.mount_path == "/mnt/r");
  CHECK(s.timeouts.cloud_init == 5);
  CHECK(s.timeouts.user == 6);
  CHECK(s.timeouts.unpack == 7);
  CHECK(s.timeouts.configure == 8);
  CHECK(s.timeouts.start == 9);
  CHECK(s.runner_environment == std::vector<std::string>{"HTTP_PROXY", "no_proxy"});
}

TEST_CASE("provisioner entry settings: mistakes are named") {
  CHECK_THAT(errorOf(R"({"provisioner_options":{"sudo":"yes"}})"),
             Catch::Contains("provisioner_options.sudo must be true or false"));
  CHECK_THAT(errorOf(R"({"provisioner_options":{"credentials":"pat"}})"),
             Catch::Contains("credentials must be jit or registration-token"));
  CHECK_THAT(errorOf(R"({"provisioner_options":{"uid":0}})"),
             Catch::Contains("provisioner_options.uid must be a whole number >= 1"));
  CHECK_THAT(errorOf(R"({"provisioner_options":{"uid":1.5}})"),
             Catch::Contains("provisioner_options.uid must be a whole number"));
  CHECK_THAT(errorOf(R"({"provisioner_options":{"user":"root"}})"),
             Catch::Contains("must not be root"));
  CHECK_THAT(errorOf(R"({"provisioner_options":{"user":"a b"}})"),
             Catch::Contains("is not a valid user name"));
  CHECK_THAT(errorOf(R"({"provisioner_options":{"runner_dir":"relative"}})"),
             Catch::Contains("runner_dir must be an absolute path"));
  CHECK_THAT(errorOf(R"({"provisioner_options":{"timeouts":{"unpack":0}}})"),
             Catch::Contains("provisioner_options.timeouts.unpack must be a whole number >= 1"));
  CHECK_THAT(errorOf(R"({"provisioner_options":{"timeouts":{"boot":3}}})"),
             Catch::Contains("timeouts.boot is not a known option"));
  CHECK_THAT(errorOf(R"({"provisioner_options":{"runner_environment":"HTTP_PROXY"}})"),
             Catch::Contains("runner_environment must be a list of environment variable names"));
  CHECK_THAT(errorOf(R"({"provisioner_options":{"runner_environment":["A B"]}})"),
             Catch::Contains("'A B' is not an environment variable name"));
  CHECK_THAT(errorOf(R"({"provisioner_options":{"runner_environment":["1X"]}})"),
             Catch::Contains("'1X' is not an environment variable name"));
  CHECK_THAT(errorOf(R"({"provisioner_options":{"runner_environment":[7]}})"),
             Catch::Contains("is not an environment variable name"));
  CHECK_THAT(errorOf(R"({"provisioner_options":{"runner_environment":["LXDRUNNER_PHASE"]}})"),
             Catch::Contains("LXDRUNNER_PHASE is the setup script's, never the runner's"));
  CHECK_THAT(errorOf("{not json"), Catch::Contains("runnermap entry is not valid JSON"));
  CHECK_THAT(errorOf("[1]"), Catch::Contains("runnermap entry is not a JSON object"));
}

TEST_CASE("provisioner entry settings: other keys are kept for a custom setup script") {
  EntrySettings s =
      parseEntrySettings(R"({"provisioner_options":{"packages":["jq"],"sudo":true}})");
  CHECK(s.unknown_options == std::vector<std::string>{"packages"});
  CHECK(s.options_json == R"({"packages":["jq"],"sudo":true})");
  CHECK(s.sudo);
}

TEST_CASE("provisioner runner URL for config.sh from github_url and the scope") {
  CHECK(runnerUrl("https://github.com", "repos/octo/hello", "bash") ==
        "https://github.com/octo/hello");
  CHECK(runnerUrl("http://127.0.0.1:8080", "orgs/octo", "bash") == "http://127.0.0.1:8080/octo");
  CHECK(runnerUrl("https://ghe.example", "enterprises/acme", "bash") ==
        "https://ghe.example/enterprises/acme");
  CHECK_THROWS_WITH(runnerUrl("https://github.com", "repos/octo", "bash"),
                    Catch::Contains("scope 'repos/octo' is not"));
  CHECK_THROWS_WITH(runnerUrl("", "orgs/octo", "bash"), Catch::Contains("github_url"));
}

TEST_CASE("provisioner redaction masks every occurrence") {
  CHECK(redacted("a SECRET b SECRETSECRET", "SECRET") == "a **** b ********");
  CHECK(redacted("nothing", "") == "nothing");
}

TEST_CASE("provisioner last lines of output") {
  CHECK(lastLines("a\n\nb\nc\n  \nd\n", 3) == "b | c | d");
  CHECK(lastLines("", 3).empty());
}
