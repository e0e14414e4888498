// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

namespace lxdrunner::config {

// One problem found while loading a configuration file.
struct Diagnostic {
  std::string file;
  int line = 0;     // 1-based; 0 when the problem has no position (e.g. the file cannot be read)
  int column = 0;   // 1-based; 0 when line is 0
  std::string key;  // dotted key path such as "runnermap[1].type"; empty for file-level problems
  std::string message;
  bool warning = false;

  // "file:LINE:COL: error: KEY: MESSAGE" -- the compiler format, so editors and CI can jump to it.
  // Position and key are left out when unknown.
  std::string str() const;
};

}  // namespace lxdrunner::config
