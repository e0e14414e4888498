// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/model.hpp"

namespace lxdrunner::config {

struct LoadResult {
  std::optional<Config> config;         // set exactly when there is no error (warnings are allowed)
  std::vector<Diagnostic> diagnostics;  // every error and warning, in file order

  bool ok() const { return errorCount() == 0; }
  std::size_t errorCount() const;
  std::size_t warningCount() const;
};

// Neither function throws: unreadable files, YAML syntax errors and unreadable secrets all come
// back as diagnostics.
LoadResult loadFile(const std::string& path);
LoadResult loadString(const std::string& yaml_text, const std::string& name_for_messages);

}  // namespace lxdrunner::config
