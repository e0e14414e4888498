// SPDX-License-Identifier: Apache-2.0
// The operator API's authentication: "Authorization: Bearer <token>", compared in constant
// time so the answer's timing tells nothing about how much of a guess was right.
#pragma once

#include <string>

namespace lxdrunner::operator_api {

// True when the two strings are equal; the time taken depends only on their lengths.
bool constantTimeEquals(const std::string& a, const std::string& b);

// True when `authorization` (the header's value) is "Bearer <expected>" (scheme case-insensitive).
// An empty `expected` never matches.
bool bearerMatches(const std::string& authorization, const std::string& expected);

}  // namespace lxdrunner::operator_api
