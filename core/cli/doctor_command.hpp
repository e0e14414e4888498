// SPDX-License-Identifier: Apache-2.0
// The command lines `lxdrunner doctor` and `lxdrunner webhook install`: their arguments and
// options (kept in the application's configuration as cli.repo, cli.org, cli.url), the
// configuration they need, and their exit codes.
#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <optional>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "plugin_host/plugin_host.hpp"

namespace lxdrunner::cli {

struct CommandContext {
  const std::optional<std::string>& config_path;  // the file found, if any
  const std::vector<std::string>& config_tried;   // every path looked at
  const config::LoadResult* load;                 // null when no file was found
  plugin_host::PluginHost& plugins;
  const Poco::Util::AbstractConfiguration& cli;
  bool json = false;
};

// `args` starts with "doctor" or "webhook". Returns the process's exit code.
int runDoctorCommand(const std::vector<std::string>& args, const CommandContext& context);

}  // namespace lxdrunner::cli
