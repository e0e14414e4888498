// SPDX-License-Identifier: Apache-2.0
// Configuration files of the first lxdrunner releases load with warnings, never errors, once
// web_tls has its certificate (original_config_test.cpp pins the error without one).
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace lxdrunner::config;
using namespace lxdrunner::config::test;

namespace {

const Diagnostic* warningFor(const LoadResult& result, const std::string& key) {
  for (const auto& diagnostic : result.diagnostics) {
    if (diagnostic.warning && diagnostic.key == key) {
      return &diagnostic;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("older-style config loads with warnings only", "[config][compat][legacy]") {
  const auto result = loadWithTlsFiles(dataFile("original_legacy.yml"));
  INFO(listing(result));
  CHECK(result.ok());
  REQUIRE(result.config.has_value());
  CHECK(result.warningCount() == 5);  // socket, pkgdir, setupscript, activecfg, rundelay
}

TEST_CASE("older-style keys still take effect, each with a warning saying so",
          "[config][compat][legacy]") {
  const auto result = loadWithTlsFiles(dataFile("original_legacy.yml"));
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  const Config& config = *result.config;

  const Diagnostic* const socket = warningFor(result, "socket");
  REQUIRE(socket != nullptr);
  CHECK(socket->line == 5);
  CHECK_THAT(socket->message, Catch::Contains("used as the address of the 'main' remote"));
  REQUIRE(config.findRemote("main") != nullptr);
  CHECK(config.findRemote("main")->addr == "/var/snap/lxd/common/lxd/unix.socket");

  const Diagnostic* const pkgdir = warningFor(result, "pkgdir");
  REQUIRE(pkgdir != nullptr);
  CHECK(pkgdir->line == 6);
  CHECK_THAT(pkgdir->message, Catch::Contains("used as runner_cache_dir"));
  CHECK(config.runner_cache_dir == "pkgcache");

  const Diagnostic* const setupscript = warningFor(result, "setupscript");
  REQUIRE(setupscript != nullptr);
  CHECK(setupscript->line == 7);
  CHECK_THAT(setupscript->message, Catch::Contains("used as the setup_script"));
  CHECK_THAT(setupscript->message,
             Catch::EndsWith("with provisioner_options.setup_contract: original for a script "
                             "written for the original lxdrunner"));
  REQUIRE(config.runnermap.size() == 2);
  CHECK(config.runnermap[0].setup_script == "setuprunner.sh");
  CHECK(config.runnermap[1].setup_script == "/opt/vm-setup.sh");  // its own wins

  for (const std::string key : {"activecfg", "rundelay"}) {
    const Diagnostic* const ignored = warningFor(result, key);
    REQUIRE(ignored != nullptr);
    CHECK(ignored->message == "is a key of the original lxdrunner and has no effect: remove it");
  }
}

TEST_CASE("every key of the original lxdrunner is accepted with a warning",
          "[config][compat][legacy]") {
  const std::string yaml = kMinimalConfig + R"(socket: /run/lxd.socket
pkgdir: /var/cache/lxdrunner
setupscript: /usr/share/lxdrunner/setup.sh
activecfg: [self-hosted]
rundelay: 10
def_repo_args: {owner: me}
def_org_args: {org: us}
config_home: /home/me/.config/lxdrunner
cache_home: /home/me/.cache/lxdrunner
)";
  const auto result = loadString(yaml, "legacy.yml");
  INFO(listing(result));
  CHECK(result.ok());
  CHECK(result.warningCount() == 9);
  for (const auto& warning : warningsOf(result)) {
    CHECK_THAT(warning.message, Catch::StartsWith("is a key of the original lxdrunner"));
  }
}

TEST_CASE("legacy socket and pkgdir yield to the keys that replaced them",
          "[config][compat][legacy]") {
  const std::string yaml = kMinimalConfig + R"(socket: /run/old.socket
pkgdir: /old/cache
runner_cache_dir: /new/cache
remotes:
  main:
    addr: /run/new.socket
)";
  const auto result = loadString(yaml, "legacy.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  CHECK(result.config->findRemote("main")->addr == "/run/new.socket");
  CHECK(result.config->runner_cache_dir == "/new/cache");
  const Diagnostic* const socket = warningFor(result, "socket");
  REQUIRE(socket != nullptr);
  CHECK_THAT(socket->message, Catch::Contains("has no effect because remotes.main is set"));
  const Diagnostic* const pkgdir = warningFor(result, "pkgdir");
  REQUIRE(pkgdir != nullptr);
  CHECK_THAT(pkgdir->message, Catch::Contains("has no effect because runner_cache_dir is set"));
}
