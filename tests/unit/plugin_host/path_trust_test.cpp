// SPDX-License-Identifier: Apache-2.0
// Plugins are refused unless the file, its directory and the directories above belong to root
// or to the user running lxdrunner and nobody else can write them: loading runs their code.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "plugin_host/plugin_library.hpp"
#include "plugin_host/plugin_registry.hpp"
#include "test_plugins.hpp"

using lxdrunner::plugin_host::loadLibrary;
using lxdrunner::plugin_host::PluginRegistry;
using lxdrunner::test::copyPlugin;
using lxdrunner::test::TempDir;

namespace {

constexpr uid_t kNobody = 65534;

std::string onlyError(const lxdrunner::plugin_host::LibraryLoad& load) {
  REQUIRE(load.errors.size() == 1);
  CHECK(load.errors[0].find('\n') == std::string::npos);
  return load.errors[0];
}

// A directory `name` under `parent` with `mode` (set after creation: the umask is not asked).
std::string makeDir(const std::string& parent, const std::string& name, mode_t mode) {
  const std::string dir = parent + "/" + name;
  std::filesystem::create_directory(dir);
  REQUIRE(::chmod(dir.c_str(), mode) == 0);
  return dir;
}

}  // namespace

TEST_CASE("a group-writable plugin file is refused", "[trust]") {
  TempDir dir;
  const std::string plugin = dir.file("a.so");
  copyPlugin("test_good", plugin);
  REQUIRE(::chmod(plugin.c_str(), 0664) == 0);
  CHECK(onlyError(loadLibrary(plugin)) ==
        "plugin " + plugin +
            ": refused: the file is writable by others than its owner (mode 0664): chmod go-w " +
            plugin);
}

TEST_CASE("a plugin in a directory others can write is refused, even with the sticky bit",
          "[trust]") {
  TempDir top;
  for (const mode_t mode : {mode_t{0775}, mode_t{0757}, mode_t{01777}}) {
    INFO("mode " << std::oct << mode);
    const std::string dir = makeDir(top.path(), "plugins", mode);
    const std::string plugin = dir + "/a.so";
    copyPlugin("test_good", plugin);
    const std::string e = onlyError(loadLibrary(plugin));
    CHECK(e.rfind("plugin " + plugin + ": refused: the directory " + dir +
                      " is writable by others than its owner (mode ",
                  0) == 0);
    CHECK_THAT(e, Catch::EndsWith("): chmod go-w " + dir));

    // Scanning it gives one line for the directory and loads nothing from it.
    PluginRegistry registry;
    registry.scanDirectory(dir, true);
    REQUIRE(registry.errors().size() == 1);
    CHECK(registry.errors()[0].rfind("plugin directory " + dir + ": refused: the directory " + dir +
                                         " is writable by others",
                                     0) == 0);
    CHECK(registry.all().empty());
    std::filesystem::remove_all(dir);
  }
}

TEST_CASE("a sticky world-writable directory above the plugin directory is fine", "[trust]") {
  TempDir top;
  const std::string shared = makeDir(top.path(), "shared", 01777);  // like /tmp
  const std::string dir = makeDir(shared, "plugins", 0755);
  copyPlugin("test_good", dir + "/a.so");
  CHECK(loadLibrary(dir + "/a.so").errors.empty());

  // Without the sticky bit anyone could rename plugins/ and put another in its place.
  REQUIRE(::chmod(shared.c_str(), 0777) == 0);
  CHECK_THAT(onlyError(loadLibrary(dir + "/a.so")),
             Catch::Contains(": refused: the directory " + shared + " is writable by others"));
}

TEST_CASE("a symlink is judged by what it points to", "[trust]") {
  TempDir top;
  const std::string loose = makeDir(top.path(), "loose", 0777);
  copyPlugin("test_good", loose + "/real.so");
  const std::string good = makeDir(top.path(), "good", 0755);
  std::filesystem::create_symlink(loose + "/real.so", good + "/link.so");
  CHECK_THAT(onlyError(loadLibrary(good + "/link.so")),
             Catch::Contains("refused: the directory " + loose + " is writable by others"));
}

TEST_CASE("plugin files and directories owned by another user are refused", "[trust]") {
  if (::geteuid() != 0) {
    WARN("not root: cannot give files to another user; ownership checks not exercised");
    return;
  }
  TempDir top;
  const std::string dir = makeDir(top.path(), "plugins", 0755);
  const std::string plugin = dir + "/a.so";
  copyPlugin("test_good", plugin);
  CHECK(loadLibrary(plugin).errors.empty());

  REQUIRE(::chown(plugin.c_str(), kNobody, kNobody) == 0);
  CHECK(onlyError(loadLibrary(plugin)) ==
        "plugin " + plugin + ": refused: the file belongs to nobody, not to root (who runs " +
            "lxdrunner): chown root " + plugin);
  REQUIRE(::chown(plugin.c_str(), 0, 0) == 0);

  // The directory holding it, and any directory above: whoever owns one can swap its content.
  REQUIRE(::chown(dir.c_str(), kNobody, kNobody) == 0);
  CHECK_THAT(onlyError(loadLibrary(plugin)),
             Catch::Contains("refused: the directory " + dir + " belongs to nobody"));
  PluginRegistry registry;
  registry.scanDirectory(dir, true);
  REQUIRE(registry.errors().size() == 1);
  CHECK_THAT(registry.errors()[0], Catch::StartsWith("plugin directory " + dir + ": refused"));
  REQUIRE(::chown(dir.c_str(), 0, 0) == 0);
  REQUIRE(::chown(top.path().c_str(), kNobody, kNobody) == 0);
  CHECK_THAT(onlyError(loadLibrary(plugin)),
             Catch::Contains("refused: the directory " + top.path() + " belongs to nobody"));
  REQUIRE(::chown(top.path().c_str(), 0, 0) == 0);
}
