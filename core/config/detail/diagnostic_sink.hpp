// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <yaml-cpp/mark.h>

#include "config/diagnostic.hpp"

namespace lxdrunner::config::detail {

// Collects the diagnostics of one file. Validation never stops at the first problem: every
// check reports here and carries on, so the user sees all mistakes in one run.
class DiagnosticSink {
 public:
  explicit DiagnosticSink(std::string file);

  // `at` is yaml-cpp's 0-based position; a null mark means "no position".
  void error(const YAML::Mark& at, std::string key, std::string message);
  void warning(const YAML::Mark& at, std::string key, std::string message);

  bool hasErrors() const { return error_count_ > 0; }
  std::size_t errorCount() const { return error_count_; }

  // The diagnostics sorted by position (stable, so same-position ones keep their order).
  std::vector<Diagnostic> release();

 private:
  void add(const YAML::Mark& at, std::string key, std::string message, bool warning);

  std::string file_;
  std::vector<Diagnostic> diagnostics_;
  std::size_t error_count_ = 0;
};

}  // namespace lxdrunner::config::detail
