// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include "config/model.hpp"

namespace lxdrunner::config {

// The effective configuration as YAML: every key with its value after defaults and legacy keys
// were applied. Secrets appear only as Secret::masked(). The output loads again with loadString.
std::string renderEffective(const Config& config);

// A runner entry as a compact JSON object, the form plugins receive. Entries hold no secrets.
std::string entryToJson(const RunnerEntry& entry);

}  // namespace lxdrunner::config
