// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <filesystem>

#include "plugin_host/plugin_host.hpp"
#include "plugin_host/plugin_registry.hpp"
#include "test_plugins.hpp"

using lxdrunner::plugin_host::PluginHost;
using lxdrunner::plugin_host::PluginRegistry;
using lxdrunner::test::TempDir;
using lxdrunner::test::testPlugin;

TEST_CASE("scanning a directory loads every plugin and reports every refusal", "[registry]") {
  PluginRegistry registry;
  registry.scanDirectory(LXDRUNNER_TEST_PLUGIN_DIR, true);
  CHECK(registry.find("test-backend", LXDR_KIND_BACKEND) != nullptr);
  CHECK(registry.find("test-backend", LXDR_KIND_PROVISIONER) == nullptr);
  CHECK(registry.find("test-provisioner") != nullptr);
  CHECK(registry.find("throws-on-create") != nullptr);  // loads fine; fails only at create()
  CHECK(registry.find("future-major") == nullptr);
  // wrong major, newer minor, no entry: three lines, sorted by file name.
  REQUIRE(registry.errors().size() == 3);
  CHECK(registry.errors()[0].find("test_newer_minor.so") != std::string::npos);
  CHECK(registry.errors()[1].find("test_no_entry.so") != std::string::npos);
  CHECK(registry.errors()[2].find("test_wrong_major.so") != std::string::npos);
}

TEST_CASE("the first directory in the search path wins", "[registry]") {
  TempDir first;
  TempDir second;
  lxdrunner::test::copyPlugin("test_good", first.file("a.so"));
  lxdrunner::test::copyPlugin("test_good", second.file("b.so"));
  PluginRegistry registry;
  registry.scanDirectory(first.path(), true);
  registry.scanDirectory(second.path(), true);
  REQUIRE(registry.find("test-backend") != nullptr);
  CHECK(registry.find("test-backend")->file == first.file("a.so"));
  CHECK(registry.warnings().size() == 3);
  CHECK(registry.errors().empty());
}

TEST_CASE("a configured plugin directory must exist but the installed one need not", "[registry]") {
  PluginRegistry registry;
  registry.scanDirectory("/nonexistent/plugins", false);
  CHECK(registry.errors().empty());
  registry.scanDirectory("/nonexistent/configured", true);
  REQUIRE(registry.errors().size() == 1);
  CHECK(registry.errors()[0] ==
        "plugin directory /nonexistent/configured: cannot be opened: check plugin_dirs");
}

TEST_CASE("the search path is configured dirs, then the environment, then the install dir",
          "[registry]") {
  ::setenv("LXDRUNNER_PLUGIN_PATH", "/env/a:/env/b", 1);
  auto dirs = lxdrunner::plugin_host::pluginSearchPath({"/etc/x"});
  ::unsetenv("LXDRUNNER_PLUGIN_PATH");
  REQUIRE(dirs.size() == 4);
  CHECK(dirs[0] == "/etc/x");
  CHECK(dirs[1] == "/env/a");
  CHECK(dirs[2] == "/env/b");
  CHECK(dirs[3] == lxdrunner::plugin_host::installedPluginDir());
  CHECK(dirs[3].find("/lxdrunner/plugins") != std::string::npos);
}

TEST_CASE("LXDRUNNER_NO_INSTALLED_PLUGINS leaves the installed directory out", "[registry]") {
  // A test must never find an installed copy of a plugin it expects to be missing.
  ::setenv("LXDRUNNER_NO_INSTALLED_PLUGINS", "1", 1);
  auto dirs = lxdrunner::plugin_host::pluginSearchPath({"/etc/x"});
  ::unsetenv("LXDRUNNER_NO_INSTALLED_PLUGINS");
  CHECK(dirs == std::vector<std::string>{"/etc/x"});
  ::setenv("LXDRUNNER_NO_INSTALLED_PLUGINS", "", 1);  // empty: as if unset
  dirs = lxdrunner::plugin_host::pluginSearchPath({});
  ::unsetenv("LXDRUNNER_NO_INSTALLED_PLUGINS");
  CHECK(dirs == std::vector<std::string>{lxdrunner::plugin_host::installedPluginDir()});
}

TEST_CASE("instantiating an unknown or wrong-kind plugin names the problem", "[registry]") {
  PluginHost host;
  host.registry().scanDirectory(LXDRUNNER_TEST_PLUGIN_DIR, true);
  std::string error;
  CHECK(host.instantiate("lxd-ghost", LXDR_KIND_BACKEND, "{}", error) == nullptr);
  CHECK(error.find(
            "backend plugin 'lxd-ghost' is not installed (searched: " LXDRUNNER_TEST_PLUGIN_DIR) !=
        std::string::npos);
  CHECK(host.instantiate("test-provisioner", LXDR_KIND_BACKEND, "{}", error) == nullptr);
  CHECK(error.find("is a provisioner, not a backend") != std::string::npos);
  CHECK(host.instantiate("test-provisioner", LXDR_KIND_PROVISIONER, "[1,2]", error) == nullptr);
  CHECK(error.find("its configuration is not a JSON object") != std::string::npos);
}
