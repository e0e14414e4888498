// SPDX-License-Identifier: Apache-2.0
#include "config/detail/field.hpp"

namespace lxdrunner::config::detail {

YAML::Mark positionOf(const Field& field) {
  const bool value_has_own_position = field.value.IsDefined() && !field.value.IsNull();
  if (!value_has_own_position && !field.key.Mark().is_null()) {
    return field.key.Mark();
  }
  return field.value.Mark();
}

}  // namespace lxdrunner::config::detail
