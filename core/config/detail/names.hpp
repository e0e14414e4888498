// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "config/detail/diagnostic_sink.hpp"
#include "config/detail/field.hpp"

namespace lxdrunner::config::detail {

// Plugin names as the plugin SDK defines them: 1-64 characters of [a-z0-9_-]. Checking here
// turns a typo into a configuration error instead of a "no such plugin" at the first job.
bool checkPluginName(const Field& field, const std::string& name, DiagnosticSink& sink);

// Remote names end up in image references ("remote:alias") and log lines, so they are kept to
// letters, digits, '-', '_' and '.', starting with a letter or digit.
bool checkRemoteName(const Field& field, const std::string& name, DiagnosticSink& sink);

}  // namespace lxdrunner::config::detail
