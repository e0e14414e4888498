// SPDX-License-Identifier: Apache-2.0
// Where the daemon looks for its configuration file.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "test_support.hpp"

using namespace lxdrunner::config;
using namespace lxdrunner::config::test;

namespace {

const std::string kSystemConfig = "/etc/lxdrunner/config.yml";

bool systemConfigExists() {
  struct stat status {};
  return ::stat(kSystemConfig.c_str(), &status) == 0;
}

// A clean slate: a temporary working directory and home, no configuration variables.
struct SearchEnvironment {
  TempDir dir;
  ScopedWorkingDirectory cwd{dir.path()};
  ScopedEnv config_var{"LXDRUNNER_CONFIG", std::nullopt};
  ScopedEnv xdg{"XDG_CONFIG_HOME", std::nullopt};
  ScopedEnv home{"HOME", dir.file("home")};
};

}  // namespace

TEST_CASE("an explicit path is the only candidate", "[config][search]") {
  SearchEnvironment env;
  writeFile(env.dir.file("config.yml"), "# in the working directory\n");
  writeFile(env.dir.file("mine.yml"), "# chosen\n");
  std::vector<std::string> tried;
  CHECK(findConfigFile(env.dir.file("mine.yml"), tried) == env.dir.file("mine.yml"));
  CHECK(tried == std::vector<std::string>{env.dir.file("mine.yml")});

  // A missing explicit file is not replaced by ./config.yml.
  tried.clear();
  CHECK_FALSE(findConfigFile(env.dir.file("missing.yml"), tried).has_value());
  CHECK(tried == std::vector<std::string>{env.dir.file("missing.yml")});
}

TEST_CASE("$LXDRUNNER_CONFIG comes next and is the only candidate", "[config][search]") {
  SearchEnvironment env;
  writeFile(env.dir.file("config.yml"), "# in the working directory\n");
  writeFile(env.dir.file("from-env.yml"), "# chosen\n");
  const ScopedEnv var("LXDRUNNER_CONFIG", env.dir.file("from-env.yml"));
  std::vector<std::string> tried;
  CHECK(findConfigFile(std::nullopt, tried) == env.dir.file("from-env.yml"));
  CHECK(tried == std::vector<std::string>{env.dir.file("from-env.yml")});

  // The explicit path still wins over the variable.
  tried.clear();
  CHECK(findConfigFile(env.dir.file("config.yml"), tried) == env.dir.file("config.yml"));
}

TEST_CASE("./config.yml is searched before the user and system directories", "[config][search]") {
  SearchEnvironment env;
  const ScopedEnv xdg("XDG_CONFIG_HOME", env.dir.file("xdg"));
  writeFile(env.dir.file("config.yml"), "# here\n");
  writeFile(env.dir.file("xdg/lxdrunner/config.yml"), "# user\n");
  std::vector<std::string> tried;
  CHECK(findConfigFile(std::nullopt, tried) == "./config.yml");
  CHECK(tried == std::vector<std::string>{"./config.yml"});
}

TEST_CASE("$XDG_CONFIG_HOME/lxdrunner/config.yml comes after ./config.yml", "[config][search]") {
  SearchEnvironment env;
  const ScopedEnv xdg("XDG_CONFIG_HOME", env.dir.file("xdg"));
  writeFile(env.dir.file("xdg/lxdrunner/config.yml"), "# user\n");
  writeFile(env.dir.file("home/.config/lxdrunner/config.yml"), "# not with XDG set\n");
  std::vector<std::string> tried;
  CHECK(findConfigFile(std::nullopt, tried) == env.dir.file("xdg/lxdrunner/config.yml"));
  CHECK(tried ==
        std::vector<std::string>{"./config.yml", env.dir.file("xdg/lxdrunner/config.yml")});
}

TEST_CASE("without $XDG_CONFIG_HOME the user directory is ~/.config", "[config][search]") {
  SearchEnvironment env;
  writeFile(env.dir.file("home/.config/lxdrunner/config.yml"), "# user\n");
  std::vector<std::string> tried;
  CHECK(findConfigFile(std::nullopt, tried) == env.dir.file("home/.config/lxdrunner/config.yml"));
}

TEST_CASE("/etc/lxdrunner/config.yml is the last candidate", "[config][search]") {
  SearchEnvironment env;
  std::vector<std::string> tried;
  const auto found = findConfigFile(std::nullopt, tried);
  CHECK(tried == std::vector<std::string>{"./config.yml",
                                          env.dir.file("home/.config/lxdrunner/config.yml"),
                                          kSystemConfig});
  if (systemConfigExists()) {
    CHECK(found == kSystemConfig);
  } else {
    CHECK_FALSE(found.has_value());
  }
}

TEST_CASE("a directory named config.yml is skipped", "[config][search]") {
  SearchEnvironment env;
  std::filesystem::create_directories(env.dir.file("config.yml"));
  writeFile(env.dir.file("home/.config/lxdrunner/config.yml"), "# user\n");
  std::vector<std::string> tried;
  CHECK(findConfigFile(std::nullopt, tried) == env.dir.file("home/.config/lxdrunner/config.yml"));
}
