// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

namespace lxdrunner::config::detail {

// A value together with the key it was written under, so that every diagnostic can point at the
// right place and name the full key path.
struct Field {
  YAML::Node key;  // a default (mark-less) node for list items and the document root
  YAML::Node value;
  std::string name;  // the key as written; empty for list items and the root
  std::string path;  // "runnermap[0].labels"
};

// Where to point a diagnostic about this field. yaml-cpp marks a null value (`key:` with nothing
// after it) at the start of the following line, so for those the key's position is used.
YAML::Mark positionOf(const Field& field);

// A field is "set" when the key is present with a non-null value.
inline bool isSet(const Field* field) {
  return field != nullptr && field->value.IsDefined() && !field->value.IsNull();
}

}  // namespace lxdrunner::config::detail
