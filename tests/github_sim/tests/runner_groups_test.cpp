// SPDX-License-Identifier: Apache-2.0
// Organisation runners in the simulator: runner groups with their visibility, JIT configs
// in a group, and an organisation runner taking only the jobs its group lets it take.
#include <catch2/catch.hpp>

#include <string>

#include "sim_test_support.hpp"

using namespace lxdrunner::github_sim;
using namespace lxdrunner::github_sim::testing;

namespace {

std::int64_t declareGroup(const SimHttpClient& client, const std::string& json) {
  const HttpResult created = client.post("/_sim/runner-groups", json);
  REQUIRE(created.status == 201);
  return created.json()->getValue<std::int64_t>("id");
}

HttpResult jitIn(const SimHttpClient& client, const std::string& name, std::int64_t group) {
  return client.post("/orgs/acme/actions/runners/generate-jitconfig",
                     R"({"name":")" + name + R"(","runner_group_id":)" + std::to_string(group) +
                         R"(,"labels":["self-hosted","linux"]})",
                     kPat);
}

std::int64_t queueJob(const SimHttpClient& client, const std::string& repo) {
  const HttpResult job = client.post(
      "/_sim/jobs", R"({"repo":")" + repo + R"(","org":"acme","labels":["self-hosted","linux"]})");
  REQUIRE(job.status == 201);
  return job.json()->getValue<std::int64_t>("job_id");
}

}  // namespace

TEST_CASE("github_sim: an organisation lists its runner groups, Default first",
          "[github_sim][runner_groups]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  const auto gpu = declareGroup(
      client, R"({"org":"acme","name":"gpu","visibility":"selected","repositories":["acme/ml"]})");
  declareGroup(client, R"({"org":"other","name":"theirs"})");
  CHECK(client.post("/_sim/runner-groups", R"({"org":"acme","name":"GPU"})").status == 409);
  CHECK(client.post("/_sim/runner-groups", R"({"org":"acme","name":"x","visibility":"some"})")
            .status == 422);

  const HttpResult listed = client.get("/orgs/acme/actions/runner-groups", kPat);
  REQUIRE(listed.status == 200);
  CHECK(listed.json()->getValue<std::int64_t>("total_count") == 2);
  auto groups = listed.json()->getArray("runner_groups");
  CHECK(groups->getObject(0)->getValue<std::string>("name") == "Default");
  CHECK(groups->getObject(0)->getValue<bool>("default"));
  CHECK(groups->getObject(1)->getValue<std::int64_t>("id") == gpu);
  CHECK(groups->getObject(1)->getValue<std::string>("visibility") == "selected");

  const HttpResult repos =
      client.get("/orgs/acme/actions/runner-groups/" + std::to_string(gpu) + "/repositories", kPat);
  REQUIRE(repos.status == 200);
  CHECK(repos.json()->getArray("repositories")->getObject(0)->getValue<std::string>("full_name") ==
        "acme/ml");
  CHECK(
      client.get("/orgs/other/actions/runner-groups/" + std::to_string(gpu) + "/repositories", kPat)
          .status == 404);
}

TEST_CASE("github_sim: a JIT runner joins an organisation's group, not another's",
          "[github_sim][runner_groups]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  const auto gpu = declareGroup(client, R"({"org":"acme","name":"gpu"})");
  const auto theirs = declareGroup(client, R"({"org":"other","name":"theirs"})");
  const HttpResult made = jitIn(client, "r1", gpu);
  REQUIRE(made.status == 201);
  CHECK(made.json()->getObject("runner")->getValue<std::int64_t>("runner_group_id") == gpu);
  CHECK(jitIn(client, "r2", theirs).status == 404);
  CHECK(jitIn(client, "r3", 999).status == 404);
  // A repository has only the Default group.
  CHECK(client
            .post("/repos/acme/app/actions/runners/generate-jitconfig",
                  R"({"name":"r4","runner_group_id":)" + std::to_string(gpu) +
                      R"(,"labels":["self-hosted"]})",
                  kPat)
            .status == 404);
}

TEST_CASE("github_sim: an organisation runner takes only jobs its group allows",
          "[github_sim][runner_groups]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  const auto ml = declareGroup(
      client, R"({"org":"acme","name":"ml","visibility":"selected","repositories":["acme/ml"]})");
  const std::int64_t web_job = queueJob(client, "acme/web");
  const std::int64_t ml_job = queueJob(client, "acme/ml");
  const HttpResult made = jitIn(client, "ml-runner", ml);
  REQUIRE(made.status == 201);
  const std::string jit = made.json()->getValue<std::string>("encoded_jit_config");
  REQUIRE(client.post("/_sim/runner/session", R"({"jitconfig":")" + jit + R"("})").status == 200);
  const HttpResult acquired = client.post("/_sim/runner/acquire", R"({"runner":"ml-runner"})");
  REQUIRE(acquired.status == 200);
  // acme/web's job is older, but the group does not let the runner take it.
  CHECK(acquired.json()->getObject("job")->getValue<std::int64_t>("id") == ml_job);
  CHECK(acquired.json()->getObject("job")->getValue<std::string>("runner_group_name") == "ml");
  CHECK(web_job != ml_job);
}

TEST_CASE("github_sim: GET /repos/{owner}/{repo} tells whether it is private",
          "[github_sim][runner_groups]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  REQUIRE(client.post("/_sim/repos", R"({"full_name":"acme/secret","private":true})").status ==
          201);
  const HttpResult found = client.get("/repos/acme/secret", kPat);
  REQUIRE(found.status == 200);
  CHECK(found.json()->getValue<bool>("private"));
  CHECK(client.get("/repos/acme/unknown", kPat).status == 404);
}
