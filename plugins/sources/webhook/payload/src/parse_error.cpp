// SPDX-License-Identifier: Apache-2.0
#include "lxdrunner/webhook/parse_error.hpp"

namespace lxdrunner::webhook {

std::string ParseError::describe() const {
  if (position == kNoPosition) return message;
  return "byte " + std::to_string(position) + ": " + message;
}

}  // namespace lxdrunner::webhook
