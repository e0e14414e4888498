// SPDX-License-Identifier: Apache-2.0
// The doctor's report format and exit code, and the secret record `webhook install` keeps.
#include <unistd.h>
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cli/doctor_devices.hpp"
#include "cli/doctor_report.hpp"
#include "cli/runner_permissions.hpp"
#include "cli/webhook_install_record.hpp"

using lxdrunner::cli::CheckLevel;
using lxdrunner::cli::DoctorReport;
using lxdrunner::cli::hmacSha256Hex;
using lxdrunner::cli::WebhookSecretRecord;

TEST_CASE("doctor report: one line per check, the fix after an arrow, exit 1 on FAIL") {
  DoctorReport report;
  report.ok("lxd remote 'main'", "lxd 5.0.2");
  report.warn("runner cache linux/x64", "nothing cached", "start the daemon");
  std::ostringstream text;
  report.printText(text);
  CHECK(text.str() ==
        "ok    lxd remote 'main': lxd 5.0.2\n"
        "warn  runner cache linux/x64: nothing cached -> start the daemon\n"
        "doctor: 1 ok, 1 warning(s), 0 failure(s)\n");
  CHECK(report.exitCode() == 0);

  report.fail("github credentials", "rejected", "new token");
  CHECK(report.exitCode() == 1);
  CHECK(report.count(CheckLevel::Fail) == 1);
  std::ostringstream json;
  report.printJson(json);
  CHECK(json.str().find("\"ok\":false") != std::string::npos);
  CHECK(json.str().find("\"status\":\"fail\"") != std::string::npos);
  CHECK(json.str().find("\"fix\":\"new token\"") != std::string::npos);
}

TEST_CASE("HMAC-SHA256 matches RFC 4231") {
  CHECK(hmacSha256Hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  // A key longer than the block is hashed first.
  CHECK(hmacSha256Hex(std::string(131, '\xaa'),
                      "Test Using Larger Than Block-Size Key - Hash Key First") ==
        "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST_CASE("webhook secret record: remembers which secret a hook has, never the secret") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("lxdrunner-doctor-test-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string file = (dir / "state" / "webhook-secrets.json").string();
  WebhookSecretRecord record(file);
  CHECK_FALSE(record.matches("repos/o/r 1", "s3cret"));  // no file yet
  record.remember("repos/o/r 1", "s3cret");
  CHECK(record.matches("repos/o/r 1", "s3cret"));
  CHECK_FALSE(record.matches("repos/o/r 1", "other"));
  CHECK_FALSE(record.matches("repos/o/r 2", "s3cret"));
  record.remember("repos/o/r 1", "other");
  CHECK(record.matches("repos/o/r 1", "other"));
  std::ifstream in(file);
  std::stringstream content;
  content << in.rdbuf();
  CHECK(content.str().find("s3cret") == std::string::npos);
  CHECK(content.str().find("other") == std::string::npos);
  // A damaged file means "not known", not an error.
  std::ofstream(file) << "{not json";
  CHECK_FALSE(record.matches("repos/o/r 1", "other"));
  std::filesystem::remove_all(dir);
}

namespace {

lxdrunner::config::Config withScopes(std::vector<lxdrunner::config::RunnerScope> scopes) {
  lxdrunner::config::Config config;
  for (size_t i = 0; i < scopes.size(); ++i) {
    lxdrunner::config::RunnerEntry entry;
    entry.name = "e" + std::to_string(i);
    entry.runner_scope = scopes[i];
    config.runnermap.push_back(entry);
  }
  return config;
}

std::function<std::string(const std::string&)> granting(
    std::map<std::string, std::string> permissions) {
  return [permissions](const std::string& name) {
    auto it = permissions.find(name);
    return it == permissions.end() ? std::string() : it->second;
  };
}

}  // namespace

TEST_CASE("doctor: the App permissions the runner scopes need") {
  using lxdrunner::cli::appPermissionNeeds;
  using lxdrunner::config::RunnerScope;
  const auto admin = granting({{"administration", "write"}});
  const auto org = granting({{"organization_self_hosted_runners", "write"}});
  const auto both =
      granting({{"administration", "write"}, {"organization_self_hosted_runners", "write"}});

  SECTION("repository runners: administration") {
    const auto config = withScopes({RunnerScope::Repo});
    CHECK(appPermissionNeeds(config, admin).missing.empty());
    const auto needs = appPermissionNeeds(config, org);
    REQUIRE(needs.missing.size() == 1);
    CHECK(needs.missing[0].rfind("administration: write", 0) == 0);
  }
  SECTION("organisation runners: the organisation's self-hosted runners, not administration") {
    const auto config = withScopes({RunnerScope::Org});
    const auto needs = appPermissionNeeds(config, org);
    CHECK(needs.missing.empty());
    CHECK(needs.advice.empty());
    const auto without = appPermissionNeeds(config, admin);
    REQUIRE(without.missing.size() == 1);
    CHECK(without.missing[0].rfind("organization_self_hosted_runners: write", 0) == 0);
  }
  SECTION("auto: the organisation permission, and advice on administration") {
    const auto config = withScopes({RunnerScope::Auto});
    const auto needs = appPermissionNeeds(config, org);
    CHECK(needs.missing.empty());
    REQUIRE(needs.advice.size() == 1);
    CHECK(needs.advice[0].rfind("administration: write", 0) == 0);
    CHECK(appPermissionNeeds(config, both).advice.empty());
    CHECK(appPermissionNeeds(config, admin).missing.size() == 1);
  }
  SECTION("repository and organisation runners: both") {
    CHECK(appPermissionNeeds(withScopes({RunnerScope::Repo, RunnerScope::Org}), granting({}))
              .missing.size() == 2);
  }
}

TEST_CASE("doctor: the classic PAT scopes the runner scopes need") {
  using lxdrunner::cli::patScopeNeeds;
  using lxdrunner::config::RunnerScope;
  CHECK(patScopeNeeds(withScopes({RunnerScope::Repo}), {"repo"}).missing.empty());
  const auto org = patScopeNeeds(withScopes({RunnerScope::Org}), {"repo"});
  REQUIRE(org.missing.size() == 1);
  CHECK(org.missing[0].rfind("admin:org or manage_runners:org", 0) == 0);
  CHECK(patScopeNeeds(withScopes({RunnerScope::Auto}), {"repo", "admin:org"}).missing.empty());
  CHECK(patScopeNeeds(withScopes({RunnerScope::Auto}), {"repo", "manage_runners:org"})
            .missing.empty());
  CHECK(patScopeNeeds(withScopes({RunnerScope::Org}), {"admin:org"}).missing ==
        std::vector<std::string>{"repo"});
}

TEST_CASE("doctor: each device pool item is checked against this host") {
  lxdrunner::config::Config config;
  config.remotes = {
      {"main", "", lxdrunner::config::RemoteProtocol::Lxd, false, {}},
      {"lab", "https://lab.example.com:8443", lxdrunner::config::RemoteProtocol::Lxd, false, {}}};
  lxdrunner::config::DevicePool pool;
  pool.name = "ttys";
  pool.type = lxdrunner::config::DevicePoolType::UnixChar;
  pool.items.push_back({"main", {{"source", "/dev/zero"}}});
  pool.items.push_back({"main", {{"source", "/dev/lxdrunner-test-no-such-device"}}});
  pool.items.push_back({"lab", {{"source", "/dev/lxdrunner-test-no-such-device"}}});
  config.device_pools = {pool};
  lxdrunner::cli::DoctorReport report;
  lxdrunner::cli::checkDevicePools(config, report);
  const auto& results = report.results();
  REQUIRE(results.size() == 3);
  CHECK(results[0].level == lxdrunner::cli::CheckLevel::Ok);
  CHECK(results[1].level == lxdrunner::cli::CheckLevel::Fail);
  CHECK(results[1].detail == "/dev/lxdrunner-test-no-such-device does not exist");
  CHECK(results[2].level == lxdrunner::cli::CheckLevel::Ok);  // another host: not checked
  CHECK(results[2].detail == "not checked: LXD does not show unix-char devices of another host");
  CHECK(report.exitCode() == 1);
}

TEST_CASE("doctor: items on another host are checked through its LXD's resources") {
  using lxdrunner::config::DevicePoolType;
  lxdrunner::config::Config config;
  config.remotes = {
      {"main", "", lxdrunner::config::RemoteProtocol::Lxd, false, {}},
      {"lab", "https://lab.example.com:8443", lxdrunner::config::RemoteProtocol::Lxd, false, {}},
      {"far", "https://far.example.com:8443", lxdrunner::config::RemoteProtocol::Lxd, false, {}}};
  lxdrunner::config::DevicePool boards;
  boards.name = "boards";
  boards.type = DevicePoolType::Usb;
  boards.items.push_back({"lab", {{"vendorid", "0403"}, {"productid", "6001"}}});
  boards.items.push_back({"lab", {{"vendorid", "0403"}, {"productid", "6015"}}});
  boards.items.push_back({"far", {{"vendorid", "0403"}}});
  config.device_pools = {boards};
  std::vector<std::string> asked;
  const auto fetch = [&](const lxdrunner::config::Remote& remote) -> std::string {
    asked.push_back(remote.name);
    if (remote.name == "far") throw std::runtime_error("remote 'far': connection refused");
    return R"({"usb":{"devices":[{"bus_address":1,"device_address":3,"vendor_id":"0403",)"
           R"("product_id":"6001","speed":12}],"total":1}})";
  };
  lxdrunner::cli::DoctorReport report;
  lxdrunner::cli::checkDevicePools(config, report, fetch);
  const auto& results = report.results();
  REQUIRE(results.size() == 3);
  CHECK(asked == std::vector<std::string>{"lab", "far"});  // once per remote
  CHECK(results[0].level == lxdrunner::cli::CheckLevel::Ok);
  CHECK(results[0].detail == "present on remote 'lab' (LXD's resources)");
  CHECK(results[1].level == lxdrunner::cli::CheckLevel::Fail);
  CHECK(results[1].detail == "no USB device with vendorid=0403, productid=6015 on remote 'lab'");
  CHECK(results[2].level == lxdrunner::cli::CheckLevel::Warn);  // unknown is not missing
  CHECK(results[2].detail == "not checked: remote 'far': connection refused");
}
