// SPDX-License-Identifier: Apache-2.0
// What the operator commands (status, jobs, job, instances, drain, resume) read from the
// daemon's configuration file: the operator API's address and token, and state_dir. Nothing
// else is read or checked. An operator may well be unable to read the other secrets (the
// webhook secret, the GitHub App key), and a mistake elsewhere in the file is no reason to
// refuse to ask the running daemon how it is.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/diagnostic.hpp"
#include "config/model.hpp"

namespace lxdrunner::config {

struct OperatorClientConfig {
  std::string source_file;
  OperatorApiConfig operator_api;
  std::string state_dir{defaults::kStateDir};  // where the daemon writes the ports it bound
};

struct OperatorClientLoad {
  std::optional<OperatorClientConfig> config;  // set exactly when there is no error
  std::vector<Diagnostic> diagnostics;         // errors and warnings of the keys read

  bool ok() const { return config.has_value(); }
};

// Neither function throws.
OperatorClientLoad loadOperatorClientFile(const std::string& path);
OperatorClientLoad loadOperatorClientString(const std::string& yaml_text,
                                            const std::string& name_for_messages);

}  // namespace lxdrunner::config
