// SPDX-License-Identifier: Apache-2.0
// `lxdrunner plugin-check FILE.so [--settings FILE]`: what a plugin author (or a packager)
// runs before shipping a plugin. It runs the daemon's loader on the file, reads its exported
// symbols, validates settings against each plugin's published config_schema, creates each
// plugin and drives it through its operations against the SDK test kit's fake host. One
// line per check ("ok", "FAIL" or "skip", the file, the plugin, the check, what was seen).
#pragma once

#include <ostream>
#include <string>

namespace lxdrunner::cli::plugin_check {

struct PluginCheckArgs {
  std::string file;
  std::string settings_file;  // empty: only the checks that need no settings run
  int call_timeout_s = 30;    // per operation call of the smoke run
};

// 0 when no check failed, 1 otherwise. A call that hangs ends the process (exit 1) once
// every line is printed: the plugin's thread cannot be stopped.
int runPluginCheck(const PluginCheckArgs& args, std::ostream& out);

}  // namespace lxdrunner::cli::plugin_check
