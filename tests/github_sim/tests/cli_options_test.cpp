// SPDX-License-Identifier: Apache-2.0
// github-sim's command line: the options the README demo and e2e scripts rely on.
#include <catch2/catch.hpp>

#include "cli/cli_options.hpp"

using namespace lxdrunner::github_sim;

TEST_CASE("github_sim: the command line fills the simulator options", "[github_sim][cli]") {
  const CliCommand command = parseCommandLine({"--port",
                                               "8081",
                                               "--bind",
                                               "0.0.0.0",
                                               "--public-url",
                                               "http://10.0.3.1:8081",
                                               "--pat",
                                               "a",
                                               "--pat",
                                               "b",
                                               "--webhook-url",
                                               "http://127.0.0.1:8080/hooks/lxdrunner",
                                               "--webhook-secret",
                                               "s",
                                               "--download",
                                               "linux,arm64,/tmp/runner.tgz",
                                               "--rate-limit",
                                               "10",
                                               "--state-file",
                                               "/tmp/state.json"});
  const SimulatorOptions& o = command.options;
  CHECK_FALSE(command.showHelp);
  CHECK(o.port == 8081);
  CHECK(o.bindAddress == "0.0.0.0");
  CHECK(o.publicUrl == "http://10.0.3.1:8081");
  CHECK(o.pats == std::vector<std::string>{"a", "b"});
  CHECK(o.webhookUrl == "http://127.0.0.1:8080/hooks/lxdrunner");
  CHECK(o.webhookSecret == "s");
  REQUIRE(o.downloads.size() == 1);
  CHECK(o.downloads[0].architecture == "arm64");
  CHECK(o.downloads[0].path == "/tmp/runner.tgz");
  CHECK(o.rateLimit == 10);
  CHECK(o.stateFile == "/tmp/state.json");
}

TEST_CASE("github_sim: bad command lines are refused with a reason", "[github_sim][cli]") {
  CHECK_THROWS_AS(parseCommandLine({"--port", "70000"}), UsageError);
  CHECK_THROWS_AS(parseCommandLine({"--port"}), UsageError);
  CHECK_THROWS_AS(parseCommandLine({"--frobnicate"}), UsageError);
  CHECK_THROWS_AS(parseCommandLine({"--tls-cert", "c.pem"}), UsageError);
  CHECK_THROWS_AS(parseCommandLine({"--app-id", "5"}), UsageError);
  CHECK_THROWS_AS(parseCommandLine({"--download", "linux,x64"}), UsageError);
  CHECK(parseCommandLine({"--help"}).showHelp);
}
