// SPDX-License-Identifier: Apache-2.0
// docs/configuration.md must document every key the parser accepts, and docs/migrating.md
// every key of the original lxdrunner.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "config/detail/schema.hpp"
#include "test_support.hpp"

using namespace lxdrunner::config;

namespace {

std::string readDoc(const std::string& name) {
  std::ifstream file(std::string(LXDRUNNER_SOURCE_DIR) + "/docs/" + name);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("docs/configuration.md documents every accepted key", "[config][docs]") {
  const std::string doc = readDoc("configuration.md");
  REQUIRE_FALSE(doc.empty());
  for (const auto& path : knownKeyPaths()) {
    INFO(path);
    CHECK_THAT(doc, Catch::Contains("`" + path + "`"));
  }
}

TEST_CASE("knownKeyPaths has no duplicates and covers each kind of key", "[config][docs]") {
  const auto paths = knownKeyPaths();
  const std::set<std::string> unique(paths.begin(), paths.end());
  CHECK(unique.size() == paths.size());
  for (const std::string expected :
       {"pat", "pat.file", "hooksecret.env", "github_app.app_id", "github_app.private_key.file",
        "remotes.<name>.addr", "runnermap[].labels", "runnermap[].provisioner_options",
        "event_sources.<name>.enabled", "event_sources.webhook.path", "logging.components",
        "socket", "cache_home"}) {
    INFO(expected);
    CHECK(unique.count(expected) == 1);
  }
}

TEST_CASE("docs/migrating.md covers every key of the original lxdrunner", "[config][docs]") {
  const std::string doc = readDoc("migrating.md");
  REQUIRE_FALSE(doc.empty());
  // The keys the original shares with lxdrunner: its AppConfig and RunnerConf fields.
  std::vector<std::string> keys = {
      "pat",     "hooksecret", "prefix",  "max_workers", "web_host",    "web_port",
      "web_tls", "cleanup",    "remotes", "runnermap",   "name",        "labels",
      "image",   "profiles",   "type",    "runner_os",   "runner_arch", "setup_script"};
  // The ones that have moved or gone, accepted with a warning.
  for (const auto key : detail::schema::legacyKeys()) keys.emplace_back(key);
  for (const auto& key : keys) {
    INFO(key);
    CHECK_THAT(doc, Catch::Contains("`" + key + "`"));
  }
}
