// SPDX-License-Identifier: Apache-2.0
// Runs a setup script without pushing it first: its text becomes the argument of `sh -c`,
// which saves a file push per job (the script is ~20 KB, far below the kernel's per-argument
// limit of 128 KiB).
#pragma once

#include <string>
#include <vector>

#include "lxdrunner/sdk/error.hpp"

namespace lxdrunner::provisioners {

inline std::vector<std::string> inlineScriptArgv(const std::string& script_text) {
  constexpr size_t kMaxArgument = 128 * 1024 - 1;
  if (script_text.size() > kMaxArgument) {
    throw sdk::Error(LXDR_ERR_INVALID_ARGUMENT,
                     "setup script is " + std::to_string(script_text.size()) +
                         " bytes; scripts run inline must stay under 128 KiB");
  }
  // $0 names the script in the shell's own error messages.
  return {"/bin/sh", "-c", script_text, "lxdrunner-setup"};
}

}  // namespace lxdrunner::provisioners
