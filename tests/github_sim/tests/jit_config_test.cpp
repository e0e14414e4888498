// SPDX-License-Identifier: Apache-2.0
// The JIT config decodes like GitHub's and can start exactly one runner session.
#include <catch2/catch.hpp>

#include "sim/base64.hpp"
#include "sim/jit_config.hpp"
#include "sim_test_support.hpp"

using namespace lxdrunner::github_sim;
using namespace lxdrunner::github_sim::testing;

namespace {

struct Generated {
  std::int64_t runnerId = 0;
  std::string encoded;
};

Generated generate(const SimHttpClient& client, const std::string& name) {
  const HttpResult created =
      client.post("/repos/octo/app/actions/runners/generate-jitconfig",
                  R"({"name":")" + name +
                      R"(","runner_group_id":1,"labels":["self-hosted","linux","gpu"],)"
                      R"("work_folder":"_w"})",
                  kPat);
  REQUIRE(created.status == 201);
  return {created.json()->getObject("runner")->getValue<std::int64_t>("id"),
          created.json()->getValue<std::string>("encoded_jit_config")};
}

std::string runnerStatus(const SimHttpClient& client, std::int64_t id) {
  return client.get("/repos/octo/app/actions/runners/" + std::to_string(id), kPat)
      .json()
      ->getValue<std::string>("status");
}

}  // namespace

TEST_CASE("github_sim: encoded_jit_config is base64 JSON of base64 runner files",
          "[github_sim][jit]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  const Generated jit = generate(client, "lxd-jit-1");

  // Decode by hand, as the runner does, rather than with the simulator's own helper.
  JsonObject files = parseObject(base64Decode(jit.encoded));
  REQUIRE(files->has(".runner"));
  REQUIRE(files->has(".credentials"));
  REQUIRE(files->has(".credentials_rsaparams"));
  JsonObject runner = parseObject(base64Decode(files->getValue<std::string>(".runner")));
  CHECK(runner->getValue<std::int64_t>("agentId") == jit.runnerId);
  CHECK(runner->getValue<std::string>("agentName") == "lxd-jit-1");
  CHECK(runner->getValue<std::string>("serverUrl") == sim.url());
  CHECK(runner->getValue<std::string>("gitHubUrl") == sim.url() + "/octo/app");
  CHECK(runner->getValue<std::string>("workFolder") == "_w");
  CHECK(runner->getValue<std::int64_t>("poolId") == 1);
  CHECK(runner->getValue<bool>("ephemeral"));
  JsonObject credentials = parseObject(base64Decode(files->getValue<std::string>(".credentials")));
  CHECK(credentials->getValue<std::string>("scheme") == "OAuth");
  CHECK_FALSE(credentials->getObject("data")->getValue<std::string>("token").empty());
  JsonObject rsa =
      parseObject(base64Decode(files->getValue<std::string>(".credentials_rsaparams")));
  CHECK(base64Decode(rsa->getValue<std::string>("modulus")).size() == 256);
}

TEST_CASE("github_sim: a JIT config opens one session only", "[github_sim][jit]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  const Generated jit = generate(client, "lxd-jit-2");
  CHECK(runnerStatus(client, jit.runnerId) == "offline");

  const std::string body = R"({"jitconfig":")" + jit.encoded + R"("})";
  const HttpResult first = client.post("/_sim/runner/session", body);
  REQUIRE(first.status == 200);
  CHECK(first.json()->getValue<std::int64_t>("runner_id") == jit.runnerId);
  CHECK(runnerStatus(client, jit.runnerId) == "online");
  CHECK(client.post("/_sim/runner/session", body).status == 409);

  // Once the runner is deleted its config is worthless.
  const Generated other = generate(client, "lxd-jit-3");
  REQUIRE(client
              .request("DELETE",
                       "/repos/octo/app/actions/runners/" + std::to_string(other.runnerId), "",
                       kPat)
              .status == 204);
  CHECK(client.post("/_sim/runner/session", R"({"jitconfig":")" + other.encoded + R"("})").status ==
        401);
  CHECK(client.post("/_sim/runner/session", R"({"jitconfig":"not base64!"})").status == 422);
}
