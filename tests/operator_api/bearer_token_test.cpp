// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "operator_api/bearer_token.hpp"

namespace lxdrunner::operator_api {
namespace {

TEST_CASE("bearer tokens: exact match only, scheme case-insensitive") {
  CHECK(bearerMatches("Bearer s3cret", "s3cret"));
  CHECK(bearerMatches("bearer s3cret", "s3cret"));
  CHECK_FALSE(bearerMatches("Bearer s3cre", "s3cret"));
  CHECK_FALSE(bearerMatches("Bearer s3cret!", "s3cret"));
  CHECK_FALSE(bearerMatches("Basic s3cret", "s3cret"));
  CHECK_FALSE(bearerMatches("s3cret", "s3cret"));
  CHECK_FALSE(bearerMatches("", "s3cret"));
  CHECK_FALSE(bearerMatches("Bearer ", ""));  // no token configured: nothing matches
}

TEST_CASE("constantTimeEquals compares whole strings") {
  CHECK(constantTimeEquals("", ""));
  CHECK(constantTimeEquals("abc", "abc"));
  CHECK_FALSE(constantTimeEquals("abc", "abd"));
  CHECK_FALSE(constantTimeEquals("abc", "abcd"));
  CHECK_FALSE(constantTimeEquals(std::string("a\0b", 3), "a"));
}

}  // namespace
}  // namespace lxdrunner::operator_api
