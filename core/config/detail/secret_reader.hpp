// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>

#include "config/detail/diagnostic_sink.hpp"
#include "config/detail/field.hpp"
#include "config/secret.hpp"

namespace lxdrunner::config::detail {

// Reads a secret written as a plain string, as {file: PATH} (the file's content without one
// trailing newline) or as {env: NAME}. Returns nullopt when not set, or when unusable (reported).
// Messages name the file or variable but never contain the secret itself.
std::optional<Secret> readSecret(const Field& field, DiagnosticSink& sink);

}  // namespace lxdrunner::config::detail
