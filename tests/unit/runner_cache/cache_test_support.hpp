// SPDX-License-Identifier: Apache-2.0
// Helpers for the runner cache tests: a scratch directory, real runner-like .tar.gz packages,
// and the simulator's control API.
#pragma once

#include <cstdint>
#include <string>

#include "github/github_client.hpp"
#include "sim/github_simulator.hpp"

namespace runner_cache_test {

extern const std::string kPat;
extern const std::string kScope;

// A fresh directory under /tmp, removed with everything in it.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Writes <into>/actions-runner-<os>-<arch>-<version>.tar.gz holding an executable run.sh and a
// VERSION file, built with the system's tar. Returns the file's path.
std::string makeRunnerPackage(const std::string& into, const std::string& os,
                              const std::string& arch, const std::string& version);

lxdrunner::github_sim::SimulatorOptions simOptions();
lxdrunner::github::ClientSettings clientSettings(const std::string& api_url);

// POSTs JSON to the simulator's control API; fails the test on a non-2xx answer.
void control(const lxdrunner::github_sim::GithubSimulator& sim, const std::string& path,
             const std::string& json);
// Makes the simulator list and serve `file` for os/arch.
void serve(const lxdrunner::github_sim::GithubSimulator& sim, const std::string& os,
           const std::string& arch, const std::string& file);
// How many package downloads the simulator answered.
int64_t downloadCount(const lxdrunner::github_sim::GithubSimulator& sim);

std::string readText(const std::string& path);
unsigned modeOf(const std::string& path);  // permission bits
std::string linkTarget(const std::string& path);

}  // namespace runner_cache_test
