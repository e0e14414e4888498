// SPDX-License-Identifier: Apache-2.0
// Loading plugin files: the good library, and one clear line naming the file for each way a
// plugin is refused.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>

#include "plugin_host/plugin_host.hpp"
#include "plugin_host/plugin_library.hpp"
#include "test_plugins.hpp"

using lxdrunner::plugin_host::LibraryLoad;
using lxdrunner::plugin_host::loadLibrary;
using lxdrunner::test::testPlugin;

namespace {

std::string onlyError(const LibraryLoad& load) {
  REQUIRE(load.errors.size() == 1);
  CHECK(load.errors[0].find('\n') == std::string::npos);
  return load.errors[0];
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("the good library yields its three plugins", "[loader]") {
  LibraryLoad load = loadLibrary(testPlugin("test_good"));
  CHECK(load.errors.empty());
  REQUIRE(load.plugins.size() == 3);
  CHECK(load.plugins[0].name == "test-backend");
  CHECK(load.plugins[0].kind == LXDR_KIND_BACKEND);
  CHECK(load.plugins[1].name == "test-provisioner");
  CHECK(load.plugins[1].version == "2.1.0");
  CHECK(load.plugins[1].config_schema == R"({"type":"object"})");
  CHECK(load.plugins[2].kind == LXDR_KIND_EVENT_SOURCE);
  for (const auto& p : load.plugins) {
    CHECK(p.file == testPlugin("test_good"));
    CHECK(p.abi_major == LXDR_ABI_MAJOR);
  }
}

TEST_CASE("loading the same library twice is harmless", "[loader]") {
  CHECK(loadLibrary(testPlugin("test_good")).plugins.size() == 3);
  CHECK(loadLibrary(testPlugin("test_good")).plugins.size() == 3);
}

TEST_CASE("a missing file is named", "[loader]") {
  std::string e = onlyError(loadLibrary("/nonexistent/dir/ghost.so"));
  CHECK(e == "plugin /nonexistent/dir/ghost.so: file not found: check the path and plugin_dirs");
}

TEST_CASE("a library without the entry symbol is not a plugin", "[loader]") {
  std::string e = onlyError(loadLibrary(testPlugin("test_no_entry")));
  CHECK(contains(e, "plugin " + testPlugin("test_no_entry") + ": not an lxdrunner plugin"));
  CHECK(contains(e, "no lxdrunner_plugin_entry symbol"));
}

TEST_CASE("an ABI major mismatch is refused", "[loader]") {
  LibraryLoad load = loadLibrary(testPlugin("test_wrong_major"));
  CHECK(load.plugins.empty());
  std::string e = onlyError(load);
  CHECK(contains(e, testPlugin("test_wrong_major")));
  // Another major may lay its descriptor out differently: only the version fields are read.
  CHECK(contains(e, "a plugin in it was built for plugin ABI 2.0"));
  CHECK(contains(e, "this lxdrunner speaks ABI 1.1 (major versions differ)"));
}

TEST_CASE("a plugin needing a newer ABI minor is refused", "[loader]") {
  LibraryLoad load = loadLibrary(testPlugin("test_newer_minor"));
  CHECK(load.plugins.empty());
  std::string e = onlyError(load);
  CHECK(contains(e, testPlugin("test_newer_minor")));
  CHECK(contains(e, "'future-minor' needs plugin ABI 1.2 but this lxdrunner speaks ABI 1.1"));
  CHECK(contains(e, "upgrade lxdrunner"));
}

TEST_CASE("a world-writable plugin file is refused", "[loader]") {
  lxdrunner::test::TempDir dir;
  std::string copy = dir.file("test_good.so");
  lxdrunner::test::copyPlugin("test_good", copy);
  REQUIRE(::chmod(copy.c_str(), 0666) == 0);
  std::string e = onlyError(loadLibrary(copy));
  CHECK(e == "plugin " + copy +
                 ": refused: the file is writable by others than its owner (mode 0666): chmod "
                 "go-w " +
                 copy);

  REQUIRE(::chmod(copy.c_str(), 0644) == 0);
  CHECK(loadLibrary(copy).errors.empty());
}

TEST_CASE("a file that is not a shared object cannot be loaded", "[loader]") {
  lxdrunner::test::TempDir dir;
  std::string fake = dir.file("garbage.so");
  FILE* f = std::fopen(fake.c_str(), "w");
  REQUIRE(f != nullptr);
  std::fputs("not an ELF file", f);
  std::fclose(f);
  std::string e = onlyError(loadLibrary(fake));
  CHECK(contains(e, "plugin " + fake + ": cannot be loaded:"));
}

TEST_CASE("create() that throws gives the plugin's own message", "[loader]") {
  lxdrunner::plugin_host::PluginHost host;
  host.registry().loadFile(testPlugin("test_create_throws"));
  REQUIRE(host.registry().errors().empty());
  std::string error;
  auto* instance = host.instantiate("throws-on-create", LXDR_KIND_PROVISIONER, "{}", error);
  CHECK(instance == nullptr);
  CHECK(error == "plugin 'throws-on-create' (" + testPlugin("test_create_throws") +
                     "): create() failed: setting 'script' is missing: set "
                     "plugins.throws-on-create.script");
}

TEST_CASE("a provisioner built against ABI 1.0 loads and is served cold only", "[loader]") {
  lxdrunner::plugin_host::PluginHost host;
  host.registry().loadFile(testPlugin("test_abi10"));
  REQUIRE(host.registry().errors().empty());
  std::string error;
  auto* instance = host.instantiate("abi10-provisioner", LXDR_KIND_PROVISIONER, "{}", error);
  REQUIRE(instance != nullptr);
  CHECK(instance->info().abi_minor == 0);
  CHECK_FALSE(instance->hasPhases());  // its table ends before prepare/start
  lxdr_provision_request request{};
  request.struct_size = sizeof request;
  std::string log;
  CHECK(instance->provision(request, log).ok());
  CHECK(log == "provisioned by a 1.0 plugin\n");
  const auto prepared = instance->prepare(request, log);
  CHECK(prepared.status == LXDR_ERR_UNSUPPORTED);
}
