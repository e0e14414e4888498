// SPDX-License-Identifier: Apache-2.0
#include "config/detail/mapping_view.hpp"

#include <algorithm>
#include <map>
#include <string>

#include "config/detail/edit_distance.hpp"
#include "config/detail/key_path.hpp"

namespace lxdrunner::config::detail {

std::vector<Field> mappingEntries(const Field& map, DiagnosticSink& sink) {
  std::vector<Field> entries;
  std::map<std::string, int> first_line_of_key;
  for (auto it = map.value.begin(); it != map.value.end(); ++it) {
    const YAML::Node key = it->first;
    if (!key.IsScalar()) {
      sink.error(key.Mark(), map.path, "keys must be plain strings");
      continue;
    }
    Field entry{key, it->second, key.Scalar(), childPath(map.path, key.Scalar())};
    const auto [first, inserted] = first_line_of_key.emplace(entry.name, key.Mark().line + 1);
    if (!inserted) {
      sink.error(key.Mark(), entry.path,
                 "duplicate key (first written on line " + std::to_string(first->second) +
                     "; only that one is used)");
      continue;
    }
    entries.push_back(std::move(entry));
  }
  return entries;
}

MappingView::MappingView(const Field& map, const std::vector<std::string_view>& allowed,
                         DiagnosticSink& sink)
    : map_(map) {
  for (auto& entry : mappingEntries(map, sink)) {
    if (std::find(allowed.begin(), allowed.end(), entry.name) != allowed.end()) {
      known_.push_back(std::move(entry));
      continue;
    }
    std::string message = "unknown key";
    if (const auto suggestion = closestMatch(entry.name, allowed)) {
      message += "; did you mean '" + std::string(*suggestion) + "'?";
    }
    sink.error(entry.key.Mark(), entry.path, message);
  }
}

const Field* MappingView::find(std::string_view key) const {
  const auto found = std::find_if(known_.begin(), known_.end(),
                                  [key](const Field& field) { return field.name == key; });
  return found == known_.end() ? nullptr : &*found;
}

}  // namespace lxdrunner::config::detail
