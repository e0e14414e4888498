// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include "github/github_client.hpp"

using lxdrunner::github::nextLink;

TEST_CASE("the next page comes from Link rel=next, relative to the API base", "[github][link]") {
  const std::string link =
      R"(<https://api.github.com/repositories/1/actions/runners?per_page=2&page=2>; rel="next", )"
      R"(<https://api.github.com/repositories/1/actions/runners?per_page=2&page=3>; rel="last")";
  CHECK(nextLink(link, "") == "/repositories/1/actions/runners?per_page=2&page=2");

  const std::string ghes =
      R"(<https://ghe.example.com/api/v3/orgs/o/actions/runners?page=1>; rel="prev", )"
      R"(<https://ghe.example.com/api/v3/orgs/o/actions/runners?page=3>; rel="next")";
  CHECK(nextLink(ghes, "/api/v3") == "/orgs/o/actions/runners?page=3");

  CHECK(
      nextLink(
          R"(<https://api.github.com/x?page=1>; rel="first", <https://api.github.com/x?page=2>; rel="prev")",
          "") == "");
  CHECK(nextLink("", "").empty());
  CHECK(nextLink("garbage", "").empty());
}
