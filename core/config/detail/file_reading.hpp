// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <string>

namespace lxdrunner::config::detail {

struct FileContent {
  std::optional<std::string> text;  // nullopt when the file could not be read
  std::string error;                // the system's reason, e.g. "No such file or directory"
};

FileContent readWholeFile(const std::string& path);

}  // namespace lxdrunner::config::detail
