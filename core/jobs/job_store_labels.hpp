// SPDX-License-Identifier: Apache-2.0
// Job labels are stored as a JSON array of strings, so the column stays readable with the
// sqlite3 shell. The jobs library does not link a JSON library; this covers exactly that shape.
#pragma once

#include <string>
#include <vector>

namespace lxdrunner::jobs {

std::string labelsToJson(const std::vector<std::string>& labels);
// Throws std::invalid_argument when `json` is not an array of strings.
std::vector<std::string> labelsFromJson(const std::string& json);

}  // namespace lxdrunner::jobs
