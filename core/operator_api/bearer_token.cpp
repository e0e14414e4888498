// SPDX-License-Identifier: Apache-2.0
#include "operator_api/bearer_token.hpp"

#include <cctype>

namespace lxdrunner::operator_api {

bool constantTimeEquals(const std::string& a, const std::string& b) {
  // Every byte of the longer string is looked at, so a short guess is not faster to refuse.
  const size_t n = a.size() > b.size() ? a.size() : b.size();
  unsigned diff = a.size() == b.size() ? 0u : 1u;
  for (size_t i = 0; i < n; ++i) {
    const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
    const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
    diff |= static_cast<unsigned>(x ^ y);
  }
  return diff == 0;
}

bool bearerMatches(const std::string& authorization, const std::string& expected) {
  if (expected.empty()) return false;
  const std::string scheme = "bearer ";
  if (authorization.size() <= scheme.size()) return false;
  for (size_t i = 0; i < scheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(authorization[i])) != scheme[i]) return false;
  }
  size_t start = scheme.size();
  while (start < authorization.size() && authorization[start] == ' ') ++start;
  return constantTimeEquals(authorization.substr(start), expected);
}

}  // namespace lxdrunner::operator_api
