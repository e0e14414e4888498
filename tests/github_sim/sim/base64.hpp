// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace lxdrunner::github_sim {

// Standard base64 with padding and no line breaks, as in GitHub's encoded_jit_config.
std::string base64Encode(const std::string& data);
// Throws std::invalid_argument on malformed input.
std::string base64Decode(const std::string& text);

}  // namespace lxdrunner::github_sim
