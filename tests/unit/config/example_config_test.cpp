// SPDX-License-Identifier: Apache-2.0
// config/lxdrunner.example.yml is installed for users to copy: it must be clean and complete.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "test_support.hpp"

using namespace lxdrunner::config;
using namespace lxdrunner::config::test;

namespace {

const std::string kExample = std::string(LXDRUNNER_SOURCE_DIR) + "/config/lxdrunner.example.yml";

std::string readText(const std::string& path) {
  std::ifstream file(path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("the example configuration loads with no errors and no warnings", "[config][example]") {
  const auto result = loadFile(kExample);
  INFO(listing(result));
  CHECK(result.diagnostics.empty());
  REQUIRE(result.config.has_value());
  CHECK(result.config->runnermap.size() >= 2);
}

TEST_CASE("the example configuration mentions every key", "[config][example]") {
  const std::string text = readText(kExample);
  REQUIRE_FALSE(text.empty());
  for (const auto& path : knownKeyPaths()) {
    // "runnermap[].labels" -> "labels:", "remotes.<name>.addr" -> "addr:"; placeholders and
    // free-form children are shown by example, not by name.
    const std::string last = path.substr(path.find_last_of('.') + 1);
    if (last.front() == '<') {
      continue;
    }
    const std::string key = last.substr(0, last.find('['));
    INFO(path);
    CHECK_THAT(text, Catch::Contains(key + ":"));
  }
}
