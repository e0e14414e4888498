// SPDX-License-Identifier: Apache-2.0
// `lxdrunner plugin-check`'s smoke run: a plugin instance created from its .so and driven
// through its operations against the SDK test kit's fake host and fake instance, as the
// daemon would drive it, plus the two ways a call must be able to end badly: a host service
// failing under it, and the daemon shutting down during it.
#pragma once

#include <string>
#include <vector>

#include "lxdrunner/plugin_abi.h"

namespace lxdrunner::cli::plugin_check {

enum class Outcome { ok, fail, skip };

struct CheckLine {
  Outcome outcome;
  std::string check;   // "create", "prepare+start", "fault", ...
  std::string detail;  // what was seen, or what is wrong and what to do
};

// Creates the plugin with `settings_json` (what the daemon would pass) and runs each
// operation that can run without a real server. Every operation call is bounded by
// `call_timeout_s`; a call that does not return in time is a failed check and `hung` is
// set: the plugin's thread is still running, so the caller must not destroy anything and
// should exit.
std::vector<CheckLine> smokeRun(const lxdr_plugin_descriptor* descriptor,
                                const std::string& settings_json, int call_timeout_s, bool& hung);

}  // namespace lxdrunner::cli::plugin_check
