// SPDX-License-Identifier: Apache-2.0
#include "config/diagnostic.hpp"

namespace lxdrunner::config {

std::string Diagnostic::str() const {
  std::string text = file;
  if (line > 0) {
    text += ':' + std::to_string(line) + ':' + std::to_string(column);
  }
  text += warning ? ": warning: " : ": error: ";
  if (!key.empty()) {
    text += key + ": ";
  }
  return text + message;
}

}  // namespace lxdrunner::config
