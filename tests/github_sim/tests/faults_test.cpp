// SPDX-License-Identifier: Apache-2.0
// Injected faults and rate limits answer the way GitHub does when it is unhappy.
#include <catch2/catch.hpp>

#include <chrono>

#include "sim/github_errors.hpp"
#include "sim_test_support.hpp"

using namespace lxdrunner::github_sim;
using namespace lxdrunner::github_sim::testing;

namespace {

const char* const kRunners = "/repos/octo/app/actions/runners";

}  // namespace

TEST_CASE("github_sim: a 429 fault carries retry-after and then goes away",
          "[github_sim][faults]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  REQUIRE(client.post("/_sim/faults", R"({"kind":"too_many_requests","retry_after":7})").status ==
          200);
  const HttpResult limited = client.get(kRunners, kPat);
  CHECK(limited.status == 429);
  CHECK(limited.header("retry-after") == "7");
  CHECK(client.get(kRunners, kPat).status == 200);
}

TEST_CASE("github_sim: a secondary-limit fault answers 403 with GitHub's message",
          "[github_sim][faults]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  REQUIRE(
      client
          .post("/_sim/faults",
                R"({"kind":"secondary_limit","retry_after":3,"count":2,"path_prefix":"/repos/"})")
          .status == 200);
  // Other paths are untouched.
  CHECK(client.get("/orgs/o/actions/runners", kPat).status == 200);
  for (int i = 0; i < 2; ++i) {
    const HttpResult limited = client.get(kRunners, kPat);
    CHECK(limited.status == 403);
    CHECK(limited.header("retry-after") == "3");
    CHECK_THAT(limited.json()->getValue<std::string>("message"),
               Catch::StartsWith("You have exceeded a secondary rate limit"));
  }
  CHECK(client.get(kRunners, kPat).status == 200);
}

TEST_CASE("github_sim: server errors, delays and latency can be injected", "[github_sim][faults]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  REQUIRE(client
              .post("/_sim/faults", R"({"faults":[{"kind":"server_error","status":502},)"
                                    R"({"kind":"delay","delay_ms":300,"method":"GET"}]})")
              .status == 200);
  CHECK(client.get(kRunners, kPat).status == 502);
  const auto started = std::chrono::steady_clock::now();
  CHECK(client.get(kRunners, kPat).status == 200);
  CHECK(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(300));
  CHECK(client.post("/_sim/faults", R"({"kind":"server_error","status":404})").status == 422);
  // Control endpoints are never faulted.
  REQUIRE(client.post("/_sim/faults", R"({"kind":"server_error","count":-1})").status == 200);
  CHECK(client.get("/_sim/state").status == 200);
  CHECK(client.get(kRunners, kPat).status == 500);
  CHECK(client.get(kRunners, kPat).status == 500);
  REQUIRE(client.request("DELETE", "/_sim/faults").status == 200);
  CHECK(client.get(kRunners, kPat).status == 200);
}

TEST_CASE("github_sim: an exhausted primary limit answers 403 with remaining 0",
          "[github_sim][faults]") {
  SimulatorOptions options = testOptions();
  options.rateLimit = 3;
  GithubSimulator sim(options);
  sim.start();
  SimHttpClient client(sim.url());
  for (int i = 0; i < 3; ++i) CHECK(client.get(kRunners, kPat).status == 200);
  const HttpResult limited = client.get(kRunners, kPat);
  CHECK(limited.status == 403);
  CHECK(limited.header("x-ratelimit-remaining") == "0");
  CHECK(limited.header("x-ratelimit-used") == "3");
  CHECK_THAT(limited.json()->getValue<std::string>("message"),
             Catch::StartsWith("API rate limit exceeded"));
  // /rate_limit itself is free, and the window resets on time.
  CHECK(client.get("/rate_limit", kPat)
            .json()
            ->getObject("rate")
            ->getValue<std::int64_t>("remaining") == 0);
  REQUIRE(client.post("/_sim/clock", R"({"advance_seconds":3600})").status == 200);
  CHECK(client.get(kRunners, kPat).status == 200);

  REQUIRE(client.post("/_sim/faults", R"({"kind":"primary_limit","reset_in":30})").status == 200);
  const HttpResult injected = client.get(kRunners, kPat);
  CHECK(injected.status == 403);
  CHECK(injected.header("x-ratelimit-remaining") == "0");
}
