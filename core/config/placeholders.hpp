// SPDX-License-Identifier: Apache-2.0
// The example configuration's placeholder secrets ("replace-with-your-github-pat"). A file
// copied from the example and not finished must not start a daemon that then fails at GitHub
// with a bare 401, or install a webhook whose secret is printed in the example for all to see.
// check-config only warns about them: it must pass on the example itself (the package's CI
// checks the installed example).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "config/model.hpp"

namespace lxdrunner::config {

inline constexpr std::string_view kPlaceholderPrefix = "replace-with-";

// The key paths of secrets still holding a placeholder, in configuration order. The operator
// API's token counts only while the API is enabled (the example ships it disabled).
std::vector<std::string> placeholderSecrets(const Config& config);

// What to say about one of them: "pat: is still the example's placeholder (...): replace it...".
std::string placeholderMessage(const std::string& key);

}  // namespace lxdrunner::config
