// SPDX-License-Identifier: Apache-2.0
// The runner cache against the simulator's downloads endpoint: download, verification, unpack,
// atomic switch, retention, restart without GitHub, platform selection, single-flight waits.
#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>
#include <vector>

#include "cache_test_support.hpp"
#include "runner_cache/runner_cache.hpp"

using lxdrunner::github::GithubClient;
using lxdrunner::github_sim::GithubSimulator;
using lxdrunner::runner_cache::RunnerCache;
using lxdrunner::runner_cache::RunnerCacheSettings;
using namespace runner_cache_test;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

Clock::time_point soon() {
  return Clock::now() + std::chrono::seconds(30);
}

RunnerCacheSettings settingsFor(const std::string& dir,
                                std::vector<lxdrunner::runner_cache::Platform> platforms = {
                                    {"linux", "x64"}}) {
  RunnerCacheSettings s;
  s.dir = dir;
  s.platforms = std::move(platforms);
  s.scope = [] { return kScope; };
  return s;
}

std::string tarballPath(const std::string& cache, const std::string& version) {
  return cache + "/linux-x64/" + version + "/actions-runner-linux-x64-" + version + ".tar.gz";
}

std::set<std::string> entriesOf(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.insert(e.path().filename().string());
  return names;
}

std::string pathOf(RunnerCache& cache, bool unpacked) {
  std::string error;
  auto p = cache.path("linux", "x64", unpacked, soon(), error);
  INFO(error);
  REQUIRE(p);
  return *p;
}

}  // namespace

TEST_CASE("runner cache: a runner package is downloaded, verified, unpacked and made current",
          "[runner_cache]") {
  ScratchDir work;
  const std::string cacheDir = work.path() + "/cache";
  GithubSimulator sim(simOptions());
  sim.start();
  serve(sim, "linux", "x64", makeRunnerPackage(work.path(), "linux", "x64", "2.311.0"));
  GithubClient github(clientSettings(sim.url()));
  RunnerCache cache(settingsFor(cacheDir), github);

  CHECK(cache.refresh(soon()).empty());

  CHECK(pathOf(cache, false) == tarballPath(cacheDir, "2.311.0"));
  const std::string unpacked = pathOf(cache, true);
  CHECK(unpacked == cacheDir + "/linux-x64/2.311.0/unpacked");
  CHECK(readText(unpacked + "/bin/VERSION") == "2.311.0\n");
  CHECK(modeOf(unpacked + "/run.sh") == 0755);
  CHECK(modeOf(unpacked + "/bin/VERSION") == 0644);  // 0600 in the archive
  CHECK(modeOf(unpacked + "/bin") == 0755);
  CHECK(modeOf(unpacked) == 0755);
  CHECK(modeOf(tarballPath(cacheDir, "2.311.0")) == 0644);
  CHECK(linkTarget(cacheDir + "/linux-x64/current") == "2.311.0");
  CHECK(entriesOf(cacheDir + "/linux-x64") == std::set<std::string>{"2.311.0", "current"});

  const auto status = cache.status();
  REQUIRE(status.size() == 1);
  CHECK(status[0].version == "2.311.0");
  CHECK(status[0].last_error.empty());
  CHECK(status[0].checked_at_ms > 0);

  // Nothing new: a second refresh downloads nothing.
  CHECK(cache.refresh(soon()).empty());
  CHECK(downloadCount(sim) == 1);
}

TEST_CASE("runner cache: a corrupted download is refused and the previous version stays current",
          "[runner_cache]") {
  ScratchDir work;
  const std::string cacheDir = work.path() + "/cache";
  GithubSimulator sim(simOptions());
  sim.start();
  serve(sim, "linux", "x64", makeRunnerPackage(work.path(), "linux", "x64", "2.311.0"));
  GithubClient github(clientSettings(sim.url()));
  RunnerCache cache(settingsFor(cacheDir), github);
  REQUIRE(cache.refresh(soon()).empty());

  serve(sim, "linux", "x64", makeRunnerPackage(work.path(), "linux", "x64", "2.312.0"));
  control(sim, "/_sim/downloads/corrupt", R"({"corrupt": true})");
  const auto errors = cache.refresh(soon());

  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::StartsWith("runner tarball actions-runner-linux-x64-2.312.0.tar.gz: "
                                          "sha256 mismatch (expected "));
  CHECK_THAT(errors[0],
             Catch::Contains("refusing it; the download was corrupted or tampered with"));
  CHECK_THAT(errors[0], Catch::EndsWith("it will be retried at the next refresh"));
  CHECK(pathOf(cache, false) == tarballPath(cacheDir, "2.311.0"));
  CHECK(linkTarget(cacheDir + "/linux-x64/current") == "2.311.0");
  // Neither the bad file nor a staging directory is left behind.
  CHECK(entriesOf(cacheDir + "/linux-x64") == std::set<std::string>{"2.311.0", "current"});
  CHECK(cache.status()[0].last_error == errors[0]);

  control(sim, "/_sim/downloads/corrupt", R"({"corrupt": false})");
  CHECK(cache.refresh(soon()).empty());
  CHECK(pathOf(cache, false) == tarballPath(cacheDir, "2.312.0"));
  CHECK(cache.status()[0].last_error.empty());
}

TEST_CASE("runner cache: after a restart the current version is served without GitHub",
          "[runner_cache]") {
  ScratchDir work;
  const std::string cacheDir = work.path() + "/cache";
  {
    GithubSimulator sim(simOptions());
    sim.start();
    serve(sim, "linux", "x64", makeRunnerPackage(work.path(), "linux", "x64", "2.311.0"));
    GithubClient github(clientSettings(sim.url()));
    RunnerCache cache(settingsFor(cacheDir), github);
    REQUIRE(cache.refresh(soon()).empty());
  }
  // A download the previous run did not finish.
  fs::create_directories(cacheDir + "/linux-x64/.staging-2.312.0-1/unpacked");

  // Port 1 on loopback: connection refused, i.e. GitHub unreachable.
  GithubClient unreachable(clientSettings("http://127.0.0.1:1"));
  RunnerCache cache(settingsFor(cacheDir), unreachable);
  CHECK(pathOf(cache, false) == tarballPath(cacheDir, "2.311.0"));
  CHECK(pathOf(cache, true) == cacheDir + "/linux-x64/2.311.0/unpacked");
  CHECK(entriesOf(cacheDir + "/linux-x64") == std::set<std::string>{"2.311.0", "current"});

  // A refresh fails, says why, and changes nothing.
  const auto errors = cache.refresh(soon());
  REQUIRE(errors.size() == 1);
  CHECK_THAT(errors[0], Catch::StartsWith("runner cache: cannot list the runner downloads of " +
                                          kScope + ": "));
  CHECK(pathOf(cache, false) == tarballPath(cacheDir, "2.311.0"));
  CHECK(cache.status()[0].version == "2.311.0");
  CHECK(cache.status()[0].last_error == errors[0]);
}

TEST_CASE("runner cache: only the configured platforms are downloaded", "[runner_cache]") {
  ScratchDir work;
  const std::string cacheDir = work.path() + "/cache";
  GithubSimulator sim(simOptions());
  sim.start();
  serve(sim, "linux", "x64", makeRunnerPackage(work.path(), "linux", "x64", "2.311.0"));
  serve(sim, "linux", "arm64", makeRunnerPackage(work.path(), "linux", "arm64", "2.311.0"));
  serve(sim, "osx", "x64", makeRunnerPackage(work.path(), "osx", "x64", "2.311.0"));
  GithubClient github(clientSettings(sim.url()));

  SECTION("one platform") {
    RunnerCache cache(settingsFor(cacheDir), github);
    CHECK(cache.refresh(soon()).empty());
    CHECK(entriesOf(cacheDir) == std::set<std::string>{"linux-x64"});
    CHECK(downloadCount(sim) == 1);
    CHECK(cache.keeps("linux", "x64"));
    CHECK_FALSE(cache.keeps("linux", "arm64"));

    std::string error;
    CHECK_FALSE(cache.path("linux", "arm64", false, soon(), error));
    CHECK(error ==
          "runner cache: no runner package is kept for linux/arm64 because no runnermap entry "
          "uses it (kept: linux/x64): add a runnermap entry with that runner_os and runner_arch");
  }
  SECTION("two platforms, one of them not offered by GitHub") {
    RunnerCache cache(settingsFor(cacheDir, {{"linux", "arm64"}, {"win", "x64"}}), github);
    const auto errors = cache.refresh(soon());
    REQUIRE(errors.size() == 1);
    CHECK_THAT(errors[0], Catch::StartsWith("runner cache: GitHub lists no runner package for "
                                            "win/x64 (it lists: "));
    CHECK(entriesOf(cacheDir) == std::set<std::string>{"linux-arm64"});
    CHECK(downloadCount(sim) == 1);
    std::string error;
    auto p = cache.path("linux", "arm64", true, soon(), error);
    REQUIRE(p);
    CHECK(readText(*p + "/bin/VERSION") == "2.311.0\n");
  }
}

TEST_CASE("runner cache: a new version becomes current and exactly one previous version is kept",
          "[runner_cache]") {
  ScratchDir work;
  const std::string cacheDir = work.path() + "/cache";
  const std::string platformDir = cacheDir + "/linux-x64";
  GithubSimulator sim(simOptions());
  sim.start();
  GithubClient github(clientSettings(sim.url()));
  RunnerCache cache(settingsFor(cacheDir), github);

  serve(sim, "linux", "x64", makeRunnerPackage(work.path(), "linux", "x64", "2.311.0"));
  REQUIRE(cache.refresh(soon()).empty());
  serve(sim, "linux", "x64", makeRunnerPackage(work.path(), "linux", "x64", "2.312.0"));
  REQUIRE(cache.refresh(soon()).empty());

  CHECK(entriesOf(platformDir) ==
        std::set<std::string>{"2.311.0", "2.312.0", "current", "previous"});
  CHECK(linkTarget(platformDir + "/previous") == "2.311.0");
  CHECK(pathOf(cache, true) == platformDir + "/2.312.0/unpacked");

  serve(sim, "linux", "x64", makeRunnerPackage(work.path(), "linux", "x64", "2.313.0"));
  REQUIRE(cache.refresh(soon()).empty());

  CHECK(entriesOf(platformDir) ==
        std::set<std::string>{"2.312.0", "2.313.0", "current", "previous"});
  CHECK(linkTarget(platformDir + "/current") == "2.313.0");
  CHECK(linkTarget(platformDir + "/previous") == "2.312.0");
  CHECK(readText(pathOf(cache, true) + "/bin/VERSION") == "2.313.0\n");
  const auto status = cache.status();
  CHECK(status[0].version == "2.313.0");
  CHECK(status[0].previous == "2.312.0");
  CHECK(downloadCount(sim) == 3);
}

TEST_CASE("runner cache: callers waiting for the first download all get it after one download",
          "[runner_cache]") {
  ScratchDir work;
  const std::string cacheDir = work.path() + "/cache";
  GithubSimulator sim(simOptions());
  sim.start();
  serve(sim, "linux", "x64", makeRunnerPackage(work.path(), "linux", "x64", "2.311.0"));
  // Slow REST answers keep the first refresh in flight while the other callers arrive.
  control(sim, "/_sim/settings", R"({"latency_ms": 300})");
  GithubClient github(clientSettings(sim.url()));
  RunnerCache cache(settingsFor(cacheDir), github);

  const bool background = GENERATE(false, true);
  if (background) cache.start();

  constexpr int kCallers = 6;
  std::vector<std::string> paths(kCallers);
  std::vector<std::string> errors(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] {
      const auto index = static_cast<size_t>(i);
      auto p = cache.path("linux", "x64", i % 2 == 0, soon(), errors[index]);
      if (p) paths[index] = *p;
    });
  }
  for (auto& t : callers) t.join();
  cache.stop();

  for (int i = 0; i < kCallers; ++i) {
    const auto index = static_cast<size_t>(i);
    INFO("caller " << i << ": " << errors[index]);
    CHECK(paths[index] == (i % 2 == 0 ? cacheDir + "/linux-x64/2.311.0/unpacked"
                                      : tarballPath(cacheDir, "2.311.0")));
  }
  CHECK(downloadCount(sim) == 1);
}

TEST_CASE("runner cache: an unknown or malformed scope is a clear error", "[runner_cache]") {
  ScratchDir work;
  GithubSimulator sim(simOptions());
  sim.start();
  serve(sim, "linux", "x64", makeRunnerPackage(work.path(), "linux", "x64", "2.311.0"));
  GithubClient github(clientSettings(sim.url()));
  RunnerCacheSettings settings = settingsFor(work.path() + "/cache");

  std::string expected;
  SECTION("not known yet") {
    settings.scope = [] { return std::string(); };
    expected =
        "runner cache: the GitHub repository or organisation to ask for runner downloads is not "
        "known yet: set dispatcher.runner_downloads_scope (OWNER/REPO or ORG)";
  }
  SECTION("malformed") {
    settings.scope = [] { return std::string("octo/hello"); };
    expected =
        "runner cache: runner downloads scope 'octo/hello' is neither repos/OWNER/REPO nor "
        "orgs/ORG: fix runner_downloads_scope";
  }
  RunnerCache cache(settings, github);
  CHECK(cache.refresh(soon()) == std::vector<std::string>{expected});
  std::string error;
  CHECK_FALSE(cache.path("linux", "x64", false, soon(), error));
  CHECK(error == "runner cache: no runner package for linux/x64 yet: " + expected);
  CHECK(cache.status()[0].last_error == expected);
  CHECK(downloadCount(sim) == 0);
}

TEST_CASE("runner cache: an organisation scope works like a repository scope", "[runner_cache]") {
  ScratchDir work;
  GithubSimulator sim(simOptions());
  sim.start();
  serve(sim, "linux", "x64", makeRunnerPackage(work.path(), "linux", "x64", "2.311.0"));
  GithubClient github(clientSettings(sim.url()));
  RunnerCacheSettings settings = settingsFor(work.path() + "/cache");
  settings.scope = [] { return std::string("orgs/octo-org"); };
  RunnerCache cache(settings, github);
  CHECK(cache.refresh(soon()).empty());
  CHECK(cache.status()[0].version == "2.311.0");
}

TEST_CASE("runner cache: concurrent refreshes share one download", "[runner_cache]") {
  ScratchDir work;
  const std::string cacheDir = work.path() + "/cache";
  GithubSimulator sim(simOptions());
  sim.start();
  serve(sim, "linux", "x64", makeRunnerPackage(work.path(), "linux", "x64", "2.311.0"));
  control(sim, "/_sim/settings", R"({"latency_ms": 300})");
  GithubClient github(clientSettings(sim.url()));
  RunnerCache cache(settingsFor(cacheDir), github);

  constexpr size_t kCallers = 4;
  std::vector<std::vector<std::string>> results(kCallers);
  std::vector<std::thread> callers;
  for (size_t i = 0; i < kCallers; ++i) {
    callers.emplace_back([&, i] { results[i] = cache.refresh(soon()); });
  }
  for (auto& t : callers) t.join();

  for (const auto& errors : results) CHECK(errors.empty());
  CHECK(downloadCount(sim) == 1);
  CHECK(cache.status()[0].version == "2.311.0");
}

TEST_CASE("runner cache: a .zip package is kept but has no unpacked directory", "[runner_cache]") {
  ScratchDir work;
  const std::string cacheDir = work.path() + "/cache";
  GithubSimulator sim(simOptions());
  sim.start();
  const std::string zip = work.path() + "/actions-runner-win-x64-2.311.0.zip";
  std::ofstream(zip) << "PK not really a zip";
  serve(sim, "win", "x64", zip);
  GithubClient github(clientSettings(sim.url()));
  RunnerCache cache(settingsFor(cacheDir, {{"win", "x64"}}), github);
  REQUIRE(cache.refresh(soon()).empty());

  std::string error;
  const std::string stored = cacheDir + "/win-x64/2.311.0/actions-runner-win-x64-2.311.0.zip";
  CHECK(cache.path("win", "x64", false, soon(), error) == stored);
  CHECK_FALSE(cache.path("win", "x64", true, soon(), error));
  CHECK(error ==
        "runner cache: runner package " + stored +
            " is not a .tar.gz, so there is no unpacked directory: use the package itself");
  CHECK(entriesOf(cacheDir + "/win-x64/2.311.0") ==
        std::set<std::string>{"actions-runner-win-x64-2.311.0.zip"});
}

TEST_CASE("runner cache: stop() during a refresh leaves no partial download", "[runner_cache]") {
  ScratchDir work;
  const std::string cacheDir = work.path() + "/cache";
  GithubSimulator sim(simOptions());
  sim.start();
  serve(sim, "linux", "x64", makeRunnerPackage(work.path(), "linux", "x64", "2.311.0"));
  control(sim, "/_sim/settings", R"({"latency_ms": 200})");
  GithubClient github(clientSettings(sim.url()));
  RunnerCache cache(settingsFor(cacheDir), github);
  cache.start();
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  cache.stop();

  // Whether the refresh got as far as the download or not, what is on disk is complete.
  if (fs::exists(cacheDir + "/linux-x64")) {
    for (const std::string& name : entriesOf(cacheDir + "/linux-x64")) {
      CHECK(name.rfind(".staging-", 0) == std::string::npos);
    }
  }
  const auto status = cache.status();
  if (!status[0].version.empty()) CHECK(fs::exists(status[0].unpacked + "/run.sh"));
}
