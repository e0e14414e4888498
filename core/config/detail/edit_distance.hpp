// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace lxdrunner::config::detail {

// Case-insensitive optimal-string-alignment distance: Levenshtein plus swapping two neighbouring
// letters as one edit, because "lables" for "labels" is as common a typo as a missing letter.
std::size_t editDistance(std::string_view a, std::string_view b);

// The candidate nearest to `word` when it is at most `max_distance` edits away (and fewer edits
// than `word` is long, so short words do not "match" everything); ties go to the earlier one.
std::optional<std::string_view> closestMatch(std::string_view word,
                                             const std::vector<std::string_view>& candidates,
                                             std::size_t max_distance = 2);

}  // namespace lxdrunner::config::detail
