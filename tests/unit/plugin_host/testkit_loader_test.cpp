// SPDX-License-Identifier: Apache-2.0
// The SDK test kit reads a plugin library exactly as the daemon's loader does: both run the
// checks of lxdrunner/sdk/plugin_checks.hpp, so for every broken test plugin they refuse it
// with the same line, and for a good one they find the same plugins.
#include <catch2/catch.hpp>

#include <string>

#include "lxdrunner/testkit/plugin_file.hpp"
#include "plugin_host/plugin_library.hpp"
#include "test_plugins.hpp"

using lxdrunner::test::brokenPlugin;
using lxdrunner::test::testPlugin;

TEST_CASE("the test kit and the daemon refuse each broken plugin with the same line",
          "[loader][testkit]") {
  for (const char* name :
       {"test_entry_null", "test_entry_throws", "test_malformed_list", "test_short_descriptor",
        "test_short_ops", "test_bad_name", "test_unknown_kind", "test_listed_twice"}) {
    INFO(name);
    const std::string file = brokenPlugin(name);
    const auto daemon = lxdrunner::plugin_host::loadLibrary(file);
    const auto kit = lxdrunner::testkit::PluginFile::load(file);
    REQUIRE(daemon.errors.size() == 1);
    CHECK(kit.errors() == daemon.errors);
    CHECK(kit.plugins().size() == daemon.plugins.size());
  }
}

TEST_CASE("the test kit and the daemon find the same plugins in a good library",
          "[loader][testkit]") {
  const std::string file = testPlugin("test_good");
  const auto daemon = lxdrunner::plugin_host::loadLibrary(file);
  const auto kit = lxdrunner::testkit::PluginFile::load(file);
  REQUIRE(daemon.errors.empty());
  CHECK(kit.errors().empty());
  REQUIRE(kit.plugins().size() == daemon.plugins.size());
  for (size_t i = 0; i < daemon.plugins.size(); ++i) {
    CHECK(kit.plugins()[i].name == daemon.plugins[i].name);
    CHECK(kit.plugins()[i].kind == daemon.plugins[i].kind);
    CHECK(kit.descriptor(daemon.plugins[i].name) != nullptr);
  }
}
