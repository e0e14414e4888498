// SPDX-License-Identifier: Apache-2.0
// The operator commands against a real API listener (port 0) over the fake cloud, and the
// one-line messages when the API is off or the daemon is not there.
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include <stdlib.h>
#include <unistd.h>

#include "cli/cli_client.hpp"
#include "cli/cli_client_render.hpp"
#include "cli/ports_file.hpp"
#include "harness.hpp"
#include "operator_api/api_server.hpp"
#include "operator_api/operator_api.hpp"

namespace lxdrunner::cli {
namespace {

using dispatch::test::Harness;
using dispatch::test::makeEntry;
using jobs::JobState;

const std::vector<std::string> kLinux{"self-hosted", "linux"};

struct Cli {
  config::OperatorClientConfig config;
  std::ostringstream out;
  std::ostringstream err;
  int run(std::vector<std::string> args, bool json = false, std::string state = {}) {
    out.str("");
    err.str("");
    OperatorCliOptions options;
    options.json = json;
    options.state = std::move(state);
    options.config_path = "/etc/lxdrunner/config.yml";
    return runOperatorCommand(args, config, options, out, err);
  }
};

TEST_CASE("operator commands: one clear line when the API is off or nobody listens") {
  Cli cli;
  CHECK(cli.run({"status"}) == 1);
  CHECK(cli.err.str() ==
        "lxdrunner: the operator API is off: set operator_api.enabled: true and a token in "
        "/etc/lxdrunner/config.yml, then restart the daemon\n");
  cli.config.operator_api.enabled = true;
  cli.config.operator_api.token = config::Secret::fromInline("t");
  cli.config.operator_api.port = 1;  // nothing listens on port 1 here
  CHECK(cli.run({"jobs"}) == 1);
  CHECK_THAT(cli.err.str(), Catch::StartsWith("lxdrunner: the daemon is not running: nothing "
                                              "answers on 127.0.0.1:1"));
  CHECK(cli.run({"job"}) == 64);
  CHECK_THAT(cli.err.str(), Catch::Contains("usage: lxdrunner job ID"));
  CHECK(cli.run({"status"}, false, "running") == 64);
}

TEST_CASE("operator commands against a live API: tables for people, JSON for scripts") {
  Harness h({makeEntry("linux", kLinux, 5)});
  operator_api::OperatorApiContext context;
  context.config = &h.config;
  context.store = h.store.get();
  context.dispatcher = h.dispatcher.get();
  context.reconciler = h.reconciler.get();
  context.executor = &h.executor;
  context.runners = &h.github;
  context.token = "right-token";
  context.version = "0.0.1";
  context.started_at_ms = dispatch::test::wallMs();
  operator_api::OperatorApi api(context);
  operator_api::ApiServer server("127.0.0.1", 0, api);
  server.start();
  h.dispatcher->start();
  h.dispatcher->handle(h.github.queue(77, kLinux));
  REQUIRE(dispatch::test::waitFor([&] { return h.state(77) == JobState::Running; }));

  Cli cli;
  cli.config.operator_api.enabled = true;
  cli.config.operator_api.token = config::Secret::fromInline("right-token");
  cli.config.operator_api.port = server.port();

  REQUIRE(cli.run({"status"}) == 0);
  CHECK_THAT(cli.out.str(), Catch::StartsWith("lxdrunner 0.0.1, up "));
  CHECK_THAT(cli.out.str(), Catch::Contains("ENTRY  QUEUED  SLOTS  MAX  WARM  DRAINED"));
  CHECK_THAT(cli.out.str(), Catch::Contains("linux  0       1      5    -     no"));

  REQUIRE(cli.run({"jobs"}) == 0);
  CHECK_THAT(cli.out.str(), Catch::StartsWith("JOB  STATE    ENTRY  REPOSITORY"));
  CHECK_THAT(cli.out.str(), Catch::Contains("77   running  linux  octo/repo"));

  REQUIRE(cli.run({"jobs"}, false, "completed") == 0);
  CHECK(cli.out.str() == "no completed jobs\n");

  REQUIRE(cli.run({"job", "77"}) == 0);
  const std::string detail = cli.out.str();
  CHECK_THAT(detail, Catch::Contains("state:       running"));
  CHECK_THAT(detail, Catch::Contains("phase history:\nPHASE"));
  CHECK_THAT(detail, Catch::Contains("\nprovisioning "));
  CHECK_THAT(detail, Catch::Contains("\nrunning "));
  CHECK_THAT(detail, Catch::Contains("provisioning log:\nprovisioned lxdrunner-77-1"));

  REQUIRE(cli.run({"job", "77"}, true) == 0);
  CHECK_THAT(cli.out.str(), Catch::StartsWith("{\"job_id\":77,"));

  REQUIRE(cli.run({"instances"}) == 0);
  CHECK_THAT(cli.out.str(), Catch::Contains("lxdrunner-77-1"));
  CHECK_THAT(cli.out.str(), Catch::Contains("running"));

  REQUIRE(cli.run({"devices"}) == 0);
  CHECK(cli.out.str() == "no device pools\n");

  REQUIRE(cli.run({"drain", "linux"}) == 0);
  CHECK_THAT(cli.out.str(), Catch::StartsWith("entry 'linux' drained"));
  CHECK(h.dispatcher->isDrained("linux"));
  REQUIRE(cli.run({"resume", "linux"}) == 0);
  CHECK(cli.out.str() == "entry 'linux' resumed\n");
  CHECK_FALSE(h.dispatcher->isDrained("linux"));

  CHECK(cli.run({"drain", "nope"}) == 1);
  CHECK(cli.err.str() == "lxdrunner: drain: no runnermap entry named 'nope' (HTTP 404)\n");
  CHECK(cli.run({"job", "5"}) == 1);
  CHECK(cli.err.str() == "lxdrunner: job: job 5 is not in the job store (HTTP 404)\n");

  cli.config.operator_api.token = config::Secret::fromInline("wrong-token");
  CHECK(cli.run({"status"}) == 1);
  CHECK_THAT(cli.err.str(), Catch::Contains("the daemon refused the token"));

  // operator_api.port 0: the port the daemon bound is read from <state_dir>/ports.
  char state_dir[] = "/tmp/lxdrunner-cli-test-XXXXXX";
  REQUIRE(::mkdtemp(state_dir) != nullptr);
  cli.config.state_dir = state_dir;
  cli.config.operator_api.token = config::Secret::fromInline("right-token");
  cli.config.operator_api.port = 0;
  CHECK(cli.run({"status"}) == 1);
  CHECK(cli.err.str() == "lxdrunner: the daemon is not running: operator_api.port is 0 and " +
                             std::string(state_dir) +
                             "/ports names no operator API port (start the daemon, or check "
                             "state_dir)\n");
  ListenPorts ports;
  ports.pid = 1;
  ports.web_host = "127.0.0.1";
  ports.web_port = 1;
  ports.operator_api_host = "127.0.0.1";
  ports.operator_api_port = server.port();
  REQUIRE_FALSE(writePortsFile(portsFilePath(state_dir), ports).has_value());
  REQUIRE(cli.run({"status"}) == 0);
  CHECK_THAT(cli.out.str(), Catch::StartsWith("lxdrunner 0.0.1, up "));
  removePortsFile(portsFilePath(state_dir));
  ::rmdir(state_dir);
  server.stop();
}

TEST_CASE("devices: one row per item, a held one naming its instance, device and job") {
  Poco::JSON::Parser parser;
  const auto body = parser
                        .parse(R"({"items":[
      {"pool":"ttys","remote":"main","item":"source=/dev/zero","state":"held",
       "instance":"lxdr-7-1abcd","device":"tty","job_id":7},
      {"pool":"ttys","remote":"main","item":"source=/dev/full","state":"free",
       "instance":"","device":"","job_id":0},
      {"pool":"ttys","remote":"main","item":"source=/dev/ttyUSB9","state":"unavailable",
       "unavailable":"/dev/ttyUSB9 does not exist","instance":"","device":"","job_id":0}]})")
                        .extract<Poco::JSON::Object::Ptr>();
  std::ostringstream out;
  renderDevices(out, *body);
  CHECK(out.str() ==
        "POOL  REMOTE  ITEM                 STATE\n"
        "ttys  main    source=/dev/zero     held by lxdr-7-1abcd as tty (job 7)\n"
        "ttys  main    source=/dev/full     free\n"
        "ttys  main    source=/dev/ttyUSB9  unavailable: /dev/ttyUSB9 does not exist\n");
}

TEST_CASE("the ports file reads back what was written, whole") {
  char dir[] = "/tmp/lxdrunner-ports-test-XXXXXX";
  REQUIRE(::mkdtemp(dir) != nullptr);
  const std::string path = portsFilePath(std::string(dir) + "/");
  CHECK(path == std::string(dir) + "/ports");
  CHECK_FALSE(readPortsFile(path).has_value());
  ListenPorts written;
  written.pid = 4242;
  written.web_host = "0.0.0.0";
  written.web_port = 40001;
  REQUIRE_FALSE(writePortsFile(path, written).has_value());
  auto read = readPortsFile(path);
  REQUIRE(read.has_value());
  CHECK(read->pid == 4242);
  CHECK(read->web_host == "0.0.0.0");
  CHECK(read->web_port == 40001);
  CHECK(read->operator_api_port == 0);  // the API is off: no line for it
  written.operator_api_host = "::1";
  written.operator_api_port = 40002;
  REQUIRE_FALSE(writePortsFile(path, written).has_value());
  read = readPortsFile(path);
  REQUIRE(read.has_value());
  CHECK(read->operator_api_host == "::1");
  CHECK(read->operator_api_port == 40002);
  CHECK_FALSE(std::ifstream(path + ".tmp").good());  // replaced by rename, nothing left over
  removePortsFile(path);
  CHECK_FALSE(readPortsFile(path).has_value());
  CHECK(writePortsFile("/nonexistent/lxdrunner-test/ports", written).has_value());
  ::rmdir(dir);
}

TEST_CASE("durations read like people write them") {
  CHECK(humanDuration(0.3) == "0.3s");
  CHECK(humanDuration(59.9) == "59.9s");
  CHECK(humanDuration(185) == "3m05s");
  CHECK(humanDuration(3720) == "1h02m");
}

}  // namespace
}  // namespace lxdrunner::cli
