// SPDX-License-Identifier: Apache-2.0
// The operator commands of the lxdrunner command (status, jobs, job, instances, drain,
// resume): clients of the running daemon's operator API, reading its address and token (and
// nothing else) from the same configuration file the daemon uses.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "config/operator_client.hpp"

namespace lxdrunner::cli {

struct OperatorCliOptions {
  bool json = false;        // print the API's JSON instead of tables
  std::string state;        // jobs: only this state
  std::string config_path;  // for messages
};

// True for the commands runOperatorCommand serves.
bool isOperatorCommand(const std::string& command);
// The commands with one line of help each, for --help.
std::string operatorCommandsHelp();

// What the lxdrunner command found before running an operator command.
struct OperatorCliInvocation {
  const std::optional<std::string>* config_path = nullptr;  // the file found, if any
  const std::vector<std::string>* config_tried = nullptr;   // every path looked at
  const config::OperatorClientLoad* load = nullptr;         // set when a file was found
  bool json = false;
  std::string state;
};

// Checks that a usable configuration was found (one line on stderr otherwise), then runs
// runOperatorCommand with std::cout and std::cerr.
int runOperatorCommandFromApp(const std::vector<std::string>& args,
                              const OperatorCliInvocation& invocation);

// args[0] is the command. Returns the exit code: 0, 1 (the daemon or the API said no, or is
// not there) or 64 (usage). Writes one clear line to `err` on failure.
int runOperatorCommand(const std::vector<std::string>& args,
                       const config::OperatorClientConfig& config,
                       const OperatorCliOptions& options, std::ostream& out, std::ostream& err);

}  // namespace lxdrunner::cli
