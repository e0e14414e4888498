// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <algorithm>
#include <cctype>
#include <string>

namespace lxdrunner::config::detail {

// ASCII lowercase: labels, level names and boolean words are compared case-insensitively.
inline std::string toLower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](char c) {
    return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  });
  return text;
}

}  // namespace lxdrunner::config::detail
