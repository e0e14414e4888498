// SPDX-License-Identifier: Apache-2.0
// renderEffective and entryToJson: what the daemon shows and what plugins receive.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace lxdrunner::config;
using namespace lxdrunner::config::test;

TEST_CASE("renderEffective shows every default", "[config][render]") {
  const auto result = loadWithTlsFiles(dataFile("original.yml"));
  REQUIRE(result.config.has_value());
  const std::string rendered = renderEffective(*result.config);
  INFO(rendered);
  for (const std::string line :
       {"github_api_url: https://api.github.com", "cleanup: true", "web_tls: true",
        "state_dir: /var/lib/lxdrunner", "runner_cache_dir: /var/lib/lxdrunner/runner-cache",
        "level: information", "format: text", "path: /hooks/lxdrunner", "addr: ~",
        "profiles: [default]", "backend: lxd-vm", "provisioner: bash", "match: subset",
        "remotes: [main]", "ephemeral: true", "max_workers: 10"}) {
    CHECK_THAT(rendered, Catch::Contains(line));
  }
  CHECK_THAT(rendered, Catch::StartsWith("# Effective configuration loaded from "));
}

TEST_CASE("renderEffective output loads back to the same configuration", "[config][render]") {
  const auto original = loadWithTlsFiles(dataFile("original.yml"));
  REQUIRE(original.config.has_value());
  const std::string rendered = renderEffective(*original.config);
  const auto reloaded = loadString(rendered, "rendered.yml");
  INFO(rendered << listing(reloaded));
  REQUIRE(reloaded.config.has_value());
  CHECK(reloaded.errorCount() == 0);
  REQUIRE(reloaded.config->runnermap.size() == original.config->runnermap.size());
  for (std::size_t i = 0; i < original.config->runnermap.size(); ++i) {
    CHECK(entryToJson(reloaded.config->runnermap[i]) == entryToJson(original.config->runnermap[i]));
  }
  CHECK(renderEffective(*reloaded.config) ==
        std::string(rendered).replace(rendered.find(dataFile("original.yml")),
                                      dataFile("original.yml").size(), "rendered.yml"));
}

TEST_CASE("typed plugin settings survive renderEffective", "[config][render]") {
  const auto original =
      loadString(kMinimalConfig + R"(    config: {limits.cpu: 2, boot.autostart: "false"}
    provisioner_options: {count: 2, label: "2", flag: yes, off: "no", none: ~, list: [1, "1"]}
event_sources:
  poller: {interval: 30, name: "true", nested: {a: [x, {b: 1.5}]}}
plugins:
  lxd-vm: {timeout: 600, "007": agent}
)",
                 "test.yml");
  INFO(listing(original));
  REQUIRE(original.config.has_value());
  const std::string rendered = renderEffective(*original.config);
  const auto reloaded = loadString(rendered, "rendered.yml");
  INFO(rendered << listing(reloaded));
  REQUIRE(reloaded.config.has_value());
  CHECK(entryToJson(reloaded.config->runnermap.at(0)) ==
        entryToJson(original.config->runnermap.at(0)));
  CHECK(reloaded.config->event_sources.at(0).settings_json ==
        original.config->event_sources.at(0).settings_json);
  CHECK(reloaded.config->plugins == original.config->plugins);
}

TEST_CASE("entryToJson gives the whole entry, keyed like the configuration file",
          "[config][render]") {
  const auto result = loadWithTlsFiles(dataFile("original.yml"));
  REQUIRE(result.config.has_value());
  CHECK(entryToJson(result.config->runnermap.at(2)) ==
        R"({"name":"Debian 11 - Container Runner","labels":["self-hosted","debian"],)"
        R"("image":"images:debian/11/cloud","image_remote":"images",)"
        R"("image_alias":"debian/11/cloud","type":"container","runner_os":"linux",)"
        R"("runner_arch":"x64","profiles":["default"],"setup_script":"","max_workers":10,)"
        R"("backend":"lxd-container","provisioner":"bash","match":"subset","remotes":["main"],)"
        R"("target":"","config":{},"devices":{},"provisioner_options":{},)"
        R"("runner_scope":"auto","runner_group":"","ephemeral":true})");
}
