// SPDX-License-Identifier: Apache-2.0
// Versions come from GitHub's file names and become directory names: only safe ones pass.
#include <catch2/catch.hpp>

#include <stdexcept>

#include "runner_cache/runner_package.hpp"

using lxdrunner::runner_cache::isTarGz;
using lxdrunner::runner_cache::versionFromFilename;

TEST_CASE("runner cache: the version is read from the package file name",
          "[runner_cache][package]") {
  CHECK(versionFromFilename("actions-runner-linux-x64-2.311.0.tar.gz") == "2.311.0");
  CHECK(versionFromFilename("actions-runner-osx-arm64-2.320.1.tar.gz") == "2.320.1");
  CHECK(versionFromFilename("actions-runner-win-x64-2.311.0.zip") == "2.311.0");
  CHECK(isTarGz("actions-runner-linux-x64-2.311.0.tar.gz"));
  CHECK_FALSE(isTarGz("actions-runner-win-x64-2.311.0.zip"));
}

TEST_CASE("runner cache: file names that are paths or carry no version are refused",
          "[runner_cache][package]") {
  CHECK_THROWS_WITH(versionFromFilename("../actions-runner-linux-x64-2.311.0.tar.gz"),
                    "runner package name '../actions-runner-linux-x64-2.311.0.tar.gz' is not a "
                    "plain file name: refusing to store it");
  CHECK_THROWS_AS(versionFromFilename(".hidden-2.311.0.tar.gz"), std::invalid_argument);
  CHECK_THROWS_AS(versionFromFilename("actions-runner-linux-x64-2.311.0.tar.bz2"),
                  std::invalid_argument);
  CHECK_THROWS_AS(versionFromFilename("actions-runner-linux-x64-latest.tar.gz"),
                  std::invalid_argument);
  CHECK_THROWS_AS(versionFromFilename("runner.tar.gz"), std::invalid_argument);
  CHECK_THROWS_AS(versionFromFilename("actions-runner-linux-x64-2.311.0$(x).tar.gz"),
                  std::invalid_argument);
}
