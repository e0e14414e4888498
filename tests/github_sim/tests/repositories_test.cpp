// SPDX-License-Identifier: Apache-2.0
// Repository listings: /installation/repositories for an installation token, /user/repos for a
// PAT, both paginated with GitHub's Link header, over repositories declared through
// /_sim/repos and those with workflow runs.
#include <catch2/catch.hpp>

#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>

#include <sstream>
#include <string>

#include "sim_test_support.hpp"

using namespace lxdrunner::github_sim;
using namespace lxdrunner::github_sim::testing;

namespace {

constexpr std::int64_t kAppId = 515151;

struct AppSim {
  AppSim()
      : key(new Poco::Crypto::RSAKey(Poco::Crypto::RSAKey::KL_2048,
                                     Poco::Crypto::RSAKey::EXP_LARGE)),
        simulator(options(*key)),
        client("") {
    simulator.start();
    client = SimHttpClient(simulator.url());
  }
  static SimulatorOptions options(const Poco::Crypto::RSAKey& appKey) {
    SimulatorOptions o = testOptions();
    std::ostringstream pem;
    appKey.save(&pem);
    o.appId = kAppId;
    o.appPublicKeyPem = pem.str();
    o.installationId = 88;
    return o;
  }
  std::string installationToken(std::int64_t installation = 88) const {
    const std::int64_t now = Poco::Timestamp().epochTime();
    Poco::JWT::Token token;
    token.setType("JWT");
    token.payload().set("iat", now - 60);
    token.payload().set("exp", now + 540);
    token.payload().set("iss", std::to_string(kAppId));
    Poco::JWT::Signer signer(key);
    const std::string jwt = signer.sign(token, Poco::JWT::Signer::ALGO_RS256);
    const HttpResult r =
        client.post("/app/installations/" + std::to_string(installation) + "/access_tokens", "",
                    "Bearer " + jwt);
    REQUIRE(r.status == 201);
    return r.json()->getValue<std::string>("token");
  }
  Poco::SharedPtr<Poco::Crypto::RSAKey> key;
  GithubSimulator simulator;
  SimHttpClient client;
};

std::string repoName(int i) {
  std::string n = std::to_string(i);
  return "octo/repo-" + std::string(3 - n.size(), '0') + n;
}

}  // namespace

TEST_CASE("github_sim: /installation/repositories pages through the installation's repositories",
          "[github_sim][rest][repositories]") {
  AppSim app;
  std::string names;
  for (int i = 1; i <= 7; ++i) names += (i > 1 ? "," : "") + ("\"" + repoName(i) + "\"");
  REQUIRE(app.client.post("/_sim/repos", R"({"full_names":[)" + names + "]}").status == 201);
  // A repository with a workflow run is known without being declared.
  REQUIRE(app.client.post("/_sim/jobs", R"({"repo":"octo/zz-ran","labels":["x"]})").status == 201);
  // One declared for another installation is not listed for this one.
  REQUIRE(app.client.post("/_sim/repos", R"({"full_name":"other/elsewhere","installation_id":99})")
              .status == 201);
  const std::string token = app.installationToken();
  const std::string base = app.simulator.url() + "/installation/repositories?";

  const HttpResult first = app.client.get("/installation/repositories?per_page=3", token);
  REQUIRE(first.status == 200);
  CHECK(first.json()->getValue<std::int64_t>("total_count") == 8);
  CHECK(first.json()->getValue<std::string>("repository_selection") == "all");
  auto repos = first.json()->getArray("repositories");
  REQUIRE(repos->size() == 3);
  CHECK(repos->getObject(0)->getValue<std::string>("full_name") == "octo/repo-001");
  CHECK_FALSE(repos->getObject(0)->getValue<bool>("archived"));
  CHECK(first.header("link") == "<" + base + "page=2&per_page=3>; rel=\"next\", <" + base +
                                    "page=3&per_page=3>; rel=\"last\"");

  const HttpResult last = app.client.get("/installation/repositories?per_page=3&page=3", token);
  REQUIRE(last.status == 200);
  repos = last.json()->getArray("repositories");
  REQUIRE(repos->size() == 2);
  CHECK(repos->getObject(1)->getValue<std::string>("full_name") == "octo/zz-ran");
  CHECK(last.header("link").find("rel=\"next\"") == std::string::npos);

  // The other installation sees its own repository too.
  const HttpResult other =
      app.client.get("/installation/repositories?per_page=100", app.installationToken(99));
  CHECK(other.json()->getValue<std::int64_t>("total_count") == 9);
}

TEST_CASE("github_sim: /installation/repositories wants an installation token",
          "[github_sim][rest][repositories]") {
  AppSim app;
  REQUIRE(app.client.post("/_sim/repos", R"({"full_name":"octo/one"})").status == 201);
  const HttpResult pat = app.client.get("/installation/repositories", kPat);
  CHECK(pat.status == 403);
  CHECK(pat.json()->getValue<std::string>("message").find("installation access token") !=
        std::string::npos);
  CHECK(app.client.get("/installation/repositories").status == 401);
  CHECK(app.client.get("/installation/repositories", "ghs_not_a_token").status == 401);
}

TEST_CASE("github_sim: /user/repos pages through the PAT's repositories, flags included",
          "[github_sim][rest][repositories]") {
  AppSim app;
  std::string names;
  for (int i = 1; i <= 150; ++i) names += (i > 1 ? "," : "") + ("\"" + repoName(i) + "\"");
  REQUIRE(app.client.post("/_sim/repos", R"({"full_names":[)" + names + "]}").status == 201);
  REQUIRE(
      app.client.post("/_sim/repos", R"({"full_name":"octo/repo-002","archived":true})").status ==
      201);
  REQUIRE(
      app.client
          .post("/_sim/repos", R"({"full_name":"octo/repo-003","disabled":true,"private":true})")
          .status == 201);

  const HttpResult first = app.client.get(
      "/user/repos?per_page=100&affiliation=owner,collaborator,organization_member", kPat);
  REQUIRE(first.status == 200);
  auto items = first.jsonArray();
  REQUIRE(items->size() == 100);
  CHECK(items->getObject(1)->getValue<bool>("archived"));
  CHECK(items->getObject(2)->getValue<bool>("disabled"));
  CHECK(items->getObject(2)->getValue<bool>("private"));
  CHECK(items->getObject(2)->getValue<std::string>("visibility") == "private");
  // The other query parameters survive in the links.
  CHECK(first.header("link").find("affiliation=owner%2Ccollaborator%2Corganization_member&page=2"
                                  "&per_page=100>; rel=\"next\"") != std::string::npos);

  const HttpResult second = app.client.get("/user/repos?per_page=100&page=2", kPat);
  REQUIRE(second.status == 200);
  items = second.jsonArray();
  REQUIRE(items->size() == 50);
  CHECK(items->getObject(49)->getValue<std::string>("full_name") == repoName(150));
  CHECK(second.header("link").find("rel=\"next\"") == std::string::npos);

  // An installation token is not a user.
  CHECK(app.client.get("/user/repos", app.installationToken()).status == 403);
  CHECK(app.client.get("/user/repos").status == 401);
}

TEST_CASE("github_sim: /_sim/repos refuses what is not OWNER/NAME",
          "[github_sim][rest][repositories]") {
  GithubSimulator sim(testOptions());
  sim.start();
  SimHttpClient client(sim.url());
  CHECK(client.post("/_sim/repos", R"({"full_name":"nohyphen"})").status == 422);
  CHECK(client.post("/_sim/repos", R"({})").status == 422);
  CHECK(client.post("/_sim/repos", R"({"full_name":"a/b/c"})").status == 422);
  // Declared repositories outlive a reset, like hooks and PATs.
  REQUIRE(client.post("/_sim/repos", R"({"full_name":"octo/kept"})").status == 201);
  REQUIRE(client.post("/_sim/reset", "{}").status == 200);
  CHECK(client.get("/user/repos", kPat).jsonArray()->size() == 1);
}
