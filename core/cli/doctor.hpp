// SPDX-License-Identifier: Apache-2.0
// `lxdrunner doctor`: checks that LXD, GitHub, the webhook and the runner cache are ready for
// the configuration, one line per check (docs/doctor.md).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "config/config.hpp"
#include "plugin_host/plugin_host.hpp"

namespace lxdrunner::cli {

struct DoctorOptions {
  bool json = false;
  std::vector<std::string> repos;  // --repo: whose webhooks to check (else the poll source's)
  std::vector<std::string> orgs;   // --org
};

// Runs every check and prints the report. Returns 0 when no check failed, 1 otherwise.
int runDoctor(const config::Config& config, plugin_host::PluginHost& plugins,
              const DoctorOptions& options, std::ostream& out);

}  // namespace lxdrunner::cli
