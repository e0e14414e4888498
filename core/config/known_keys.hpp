// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace lxdrunner::config {

// Every key path the parser accepts, e.g. "pat", "github_app.app_id", "remotes.<name>.addr",
// "runnermap[].labels". Names chosen by the user appear as <placeholders>. Built from the same
// tables the parser checks keys against, so documentation tests see exactly what is accepted.
std::vector<std::string> knownKeyPaths();

}  // namespace lxdrunner::config
