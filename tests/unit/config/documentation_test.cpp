// SPDX-License-Identifier: Apache-2.0
// docs/configuration.md must document every key the parser accepts.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <sstream>

#include "test_support.hpp"

using namespace lxdrunner::config;

TEST_CASE("docs/configuration.md documents every accepted key", "[config][docs]") {
  std::ifstream file(std::string(LXDRUNNER_SOURCE_DIR) + "/docs/configuration.md");
  std::ostringstream text;
  text << file.rdbuf();
  const std::string doc = text.str();
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
