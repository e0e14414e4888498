// SPDX-License-Identifier: Apache-2.0
// The runner endpoints answer with GitHub's shapes, status codes and headers.
#include <catch2/catch.hpp>

#include <string>

#include "sim/digests.hpp"
#include "sim_test_support.hpp"

using namespace lxdrunner::github_sim;
using namespace lxdrunner::github_sim::testing;

namespace {

std::string jitBody(const std::string& name,
                    const std::string& labels = R"(["self-hosted","x64"])") {
  return R"({"name":")" + name + R"(","runner_group_id":1,"labels":)" + labels + "}";
}

HttpResult generateJit(const SimHttpClient& client, const std::string& scope,
                       const std::string& name) {
  return client.post("/" + scope + "/actions/runners/generate-jitconfig", jitBody(name), kPat);
}

}  // namespace

TEST_CASE("github_sim: runners are paginated with GitHub's Link header", "[github_sim][rest]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  for (int i = 1; i <= 7; ++i) {
    REQUIRE(generateJit(client, "repos/octo/app", "runner-" + std::to_string(i)).status == 201);
  }
  const std::string base = sim.url() + "/repos/octo/app/actions/runners?";

  const HttpResult first = client.get("/repos/octo/app/actions/runners?per_page=3", kPat);
  REQUIRE(first.status == 200);
  CHECK(first.json()->getValue<std::int64_t>("total_count") == 7);
  CHECK(first.json()->getArray("runners")->size() == 3);
  CHECK(first.header("link") == "<" + base + "page=2&per_page=3>; rel=\"next\", <" + base +
                                    "page=3&per_page=3>; rel=\"last\"");

  const HttpResult second = client.get("/repos/octo/app/actions/runners?per_page=3&page=2", kPat);
  CHECK(second.json()->getArray("runners")->getObject(0)->getValue<std::string>("name") ==
        "runner-4");
  CHECK(second.header("link") == "<" + base + "page=1&per_page=3>; rel=\"prev\", <" + base +
                                     "page=3&per_page=3>; rel=\"next\", <" + base +
                                     "page=3&per_page=3>; rel=\"last\", <" + base +
                                     "page=1&per_page=3>; rel=\"first\"");

  const HttpResult third = client.get("/repos/octo/app/actions/runners?per_page=3&page=3", kPat);
  CHECK(third.json()->getArray("runners")->size() == 1);
  CHECK(third.header("link") == "<" + base + "page=2&per_page=3>; rel=\"prev\", <" + base +
                                    "page=1&per_page=3>; rel=\"first\"");

  // Other query parameters survive in the links; a single page has no Link header.
  const HttpResult named = client.get("/repos/octo/app/actions/runners?name=runner-2", kPat);
  CHECK(named.json()->getValue<std::int64_t>("total_count") == 1);
  CHECK(named.header("link").empty());
}

TEST_CASE("github_sim: runner objects and rate-limit headers look like GitHub's",
          "[github_sim][rest]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  const HttpResult created = generateJit(client, "orgs/octo-org", "lxd-1");
  REQUIRE(created.status == 201);
  JsonObject runner = created.json()->getObject("runner");
  CHECK(runner->getValue<std::string>("name") == "lxd-1");
  CHECK(runner->getValue<std::string>("status") == "offline");
  CHECK_FALSE(runner->getValue<bool>("busy"));
  CHECK(runner->getValue<bool>("ephemeral"));
  CHECK(runner->has("os"));
  JsonObject label = runner->getArray("labels")->getObject(0);
  CHECK(label->getValue<std::string>("name") == "self-hosted");
  CHECK(label->getValue<std::string>("type") == "read-only");
  CHECK(label->has("id"));

  CHECK(created.header("x-ratelimit-limit") == "5000");
  CHECK(created.header("x-ratelimit-remaining") == "4999");
  CHECK(created.header("x-ratelimit-used") == "1");
  CHECK(created.header("x-ratelimit-resource") == "core");
  CHECK_FALSE(created.header("x-ratelimit-reset").empty());
  CHECK(client.get("/orgs/octo-org/actions/runners", kPat).header("x-ratelimit-remaining") ==
        "4998");

  const std::string id = std::to_string(runner->getValue<std::int64_t>("id"));
  CHECK(client.get("/orgs/octo-org/actions/runners/" + id, kPat).status == 200);
  // Runners belong to their scope: the same id is unknown elsewhere.
  CHECK(client.get("/orgs/other-org/actions/runners/" + id, kPat).status == 404);
  CHECK(client.request("DELETE", "/orgs/octo-org/actions/runners/" + id, "", kPat).status == 204);
  CHECK(client.request("DELETE", "/orgs/octo-org/actions/runners/" + id, "", kPat).status == 404);
}

TEST_CASE("github_sim: generate-jitconfig refuses duplicates and bad input", "[github_sim][rest]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  const std::string path = "/repos/octo/app/actions/runners/generate-jitconfig";
  REQUIRE(client.post(path, jitBody("dup"), kPat).status == 201);

  const HttpResult duplicate = client.post(path, jitBody("dup"), kPat);
  CHECK(duplicate.status == 409);
  CHECK_THAT(duplicate.json()->getValue<std::string>("message"), Catch::Contains("Already exists"));
  CHECK(duplicate.json()->has("documentation_url"));

  std::string many = "[";
  for (int i = 0; i < 101; ++i) many += (i ? ",\"l" : "\"l") + std::to_string(i) + "\"";
  many += "]";
  CHECK(client.post(path, jitBody("a", "[]"), kPat).status == 422);
  CHECK(client.post(path, jitBody("b", many), kPat).status == 422);
  CHECK(client.post(path, R"({"runner_group_id":1,"labels":["x"]})", kPat).status == 422);
  CHECK(client.post(path, R"({"name":"c","labels":["x"]})", kPat).status == 422);
  CHECK(client.post(path, "{not json", kPat).status == 400);
}

TEST_CASE("github_sim: bad or missing credentials get GitHub's 401", "[github_sim][rest][auth]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  const HttpResult bad = client.get("/repos/octo/app/actions/runners", "ghp_wrong");
  CHECK(bad.status == 401);
  CHECK(bad.json()->getValue<std::string>("message") == "Bad credentials");
  CHECK(bad.json()->getValue<std::string>("documentation_url") == "https://docs.github.com/rest");
  CHECK(client.get("/repos/octo/app/actions/runners").status == 401);
  CHECK(client.get("/repos/octo/app/actions/runners", "Bearer " + kPat).status == 200);
  CHECK(client.get("/repos/octo/app/actions/runners", "token " + kPat).status == 200);
  // A JWT is not a token for repository endpoints.
  CHECK(client.get("/app", kPat).status == 401);
}

TEST_CASE("github_sim: registration and remove tokens, GHES prefix, API version",
          "[github_sim][rest]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  const HttpResult token =
      client.post("/orgs/octo-org/actions/runners/registration-token", "", kPat);
  CHECK(token.status == 201);
  CHECK(token.json()->getValue<std::string>("token").size() == 29);
  CHECK(token.json()->getValue<std::string>("expires_at").back() == 'Z');
  CHECK(client.post("/repos/o/r/actions/runners/remove-token", "", kPat).status == 201);

  REQUIRE(generateJit(client, "repos/o/r", "a").status == 201);
  REQUIRE(generateJit(client, "repos/o/r", "b").status == 201);
  const HttpResult ghes = client.get("/api/v3/repos/o/r/actions/runners?per_page=1", kPat);
  CHECK(ghes.status == 200);
  CHECK_THAT(ghes.header("link"),
             Catch::Contains(sim.url() + "/api/v3/repos/o/r/actions/runners?page=2"));

  const HttpResult wrongVersion = client.request("GET", "/repos/o/r/actions/runners", "", kPat,
                                                 {{"X-GitHub-Api-Version", "1999-01-01"}});
  CHECK(wrongVersion.status == 400);
}

TEST_CASE("github_sim: runner downloads are served with their checksum, or corrupted",
          "[github_sim][rest][downloads]") {
  SimulatorOptions options = testOptions();
  DownloadFile tarball;
  tarball.filename = "actions-runner-linux-x64-2.999.0.tar.gz";
  tarball.content = std::string("stand-in runner bytes\0with a zero", 34);
  options.downloads.push_back(tarball);
  GithubSimulator sim(options);
  sim.start();
  SimHttpClient client(sim.url());

  const HttpResult list = client.get("/repos/o/r/actions/runners/downloads", kPat);
  REQUIRE(list.status == 200);
  JsonObject entry = list.jsonArray()->getObject(0);
  CHECK(entry->getValue<std::string>("os") == "linux");
  CHECK(entry->getValue<std::string>("architecture") == "x64");
  CHECK(entry->getValue<std::string>("filename") == tarball.filename);
  const std::string url = entry->getValue<std::string>("download_url");
  const std::string path = url.substr(sim.url().size());
  const HttpResult file = client.get(path);
  CHECK(file.body == tarball.content);
  CHECK(sha256Hex(file.body) == entry->getValue<std::string>("sha256_checksum"));

  REQUIRE(client.post("/_sim/downloads/corrupt", R"({"corrupt":true})").status == 200);
  CHECK(sha256Hex(client.get(path).body) != entry->getValue<std::string>("sha256_checksum"));
}
