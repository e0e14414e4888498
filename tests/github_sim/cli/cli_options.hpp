// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

#include "sim/simulator_options.hpp"

namespace lxdrunner::github_sim {

class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CliCommand {
  bool showHelp = false;
  SimulatorOptions options;
};

// Parses github-sim's command line; throws UsageError with a one-line reason.
CliCommand parseCommandLine(const std::vector<std::string>& args);
const char* usageText();

}  // namespace lxdrunner::github_sim
