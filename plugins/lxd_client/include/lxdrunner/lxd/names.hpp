// SPDX-License-Identifier: Apache-2.0
// LXD's rules for instance names (they become host names inside the instance).
#pragma once

#include <string>

namespace lxdrunner::lxd {

// Empty when `name` is a legal instance name, else why not: 1–63 characters of ASCII
// letters, digits and '-', not starting with a digit or '-', not ending with '-'.
std::string instanceNameProblem(const std::string& name);

}  // namespace lxdrunner::lxd
