// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string_view>
#include <vector>

#include "config/detail/diagnostic_sink.hpp"
#include "config/detail/field.hpp"

namespace lxdrunner::config::detail {

// The entries of a YAML mapping in file order. Reports keys that are not plain scalars, and
// duplicate keys, which YAML forbids but yaml-cpp keeps silently; the first occurrence wins.
// `map` must hold a mapping.
std::vector<Field> mappingEntries(const Field& map, DiagnosticSink& sink);

// A mapping whose keys come from a fixed list. Constructing it reports every unknown key, with a
// "did you mean" suggestion when an allowed key is close enough to be the intended one.
class MappingView {
 public:
  // `map` must hold a mapping (see requireMapping).
  MappingView(const Field& map, const std::vector<std::string_view>& allowed, DiagnosticSink& sink);

  const Field* find(std::string_view key) const;  // nullptr when the key is absent
  bool has(std::string_view key) const { return isSet(find(key)); }  // present and not null
  const Field& self() const { return map_; }

 private:
  Field map_;
  std::vector<Field> known_;
};

}  // namespace lxdrunner::config::detail
