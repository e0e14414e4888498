// SPDX-License-Identifier: Apache-2.0
#include "config/detail/diagnostic_sink.hpp"

#include <algorithm>
#include <tuple>
#include <utility>

namespace lxdrunner::config::detail {

DiagnosticSink::DiagnosticSink(std::string file) : file_(std::move(file)) {}

void DiagnosticSink::error(const YAML::Mark& at, std::string key, std::string message) {
  add(at, std::move(key), std::move(message), false);
  ++error_count_;
}

void DiagnosticSink::warning(const YAML::Mark& at, std::string key, std::string message) {
  add(at, std::move(key), std::move(message), true);
}

void DiagnosticSink::add(const YAML::Mark& at, std::string key, std::string message, bool warning) {
  Diagnostic diagnostic;
  diagnostic.file = file_;
  if (!at.is_null() && at.line >= 0 && at.column >= 0) {
    diagnostic.line = at.line + 1;
    diagnostic.column = at.column + 1;
  }
  diagnostic.key = std::move(key);
  diagnostic.message = std::move(message);
  diagnostic.warning = warning;
  diagnostics_.push_back(std::move(diagnostic));
}

std::vector<Diagnostic> DiagnosticSink::release() {
  std::stable_sort(diagnostics_.begin(), diagnostics_.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     return std::tie(a.line, a.column) < std::tie(b.line, b.column);
                   });
  error_count_ = 0;
  return std::exchange(diagnostics_, {});
}

}  // namespace lxdrunner::config::detail
