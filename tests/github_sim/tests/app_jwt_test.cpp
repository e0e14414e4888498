// SPDX-License-Identifier: Apache-2.0
// GitHub App authentication: RS256 JWTs for /app endpoints, installation tokens that expire.
#include <catch2/catch.hpp>

#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>
#include <Poco/Timestamp.h>

#include <sstream>

#include "sim_test_support.hpp"

using namespace lxdrunner::github_sim;
using namespace lxdrunner::github_sim::testing;

namespace {

constexpr std::int64_t kAppId = 424242;

Poco::SharedPtr<Poco::Crypto::RSAKey> newKey() {
  return new Poco::Crypto::RSAKey(Poco::Crypto::RSAKey::KL_2048, Poco::Crypto::RSAKey::EXP_LARGE);
}

std::string publicPem(const Poco::Crypto::RSAKey& key) {
  std::ostringstream pem;
  key.save(&pem);
  return pem.str();
}

// iat/exp relative to now, as a client would set them (GitHub advises iat = now - 60 s).
std::string appJwt(const Poco::SharedPtr<Poco::Crypto::RSAKey>& key, std::int64_t iatOffset,
                   std::int64_t expOffset, std::int64_t issuer = kAppId) {
  const std::int64_t now = Poco::Timestamp().epochTime();
  Poco::JWT::Token token;
  token.setType("JWT");
  token.payload().set("iat", now + iatOffset);
  token.payload().set("exp", now + expOffset);
  token.payload().set("iss", std::to_string(issuer));
  Poco::JWT::Signer signer(key);
  return signer.sign(token, Poco::JWT::Signer::ALGO_RS256);
}

struct AppSim {
  AppSim() : key(newKey()), simulator(options(*key)), client("") {
    simulator.start();
    client = SimHttpClient(simulator.url());
  }
  static SimulatorOptions options(const Poco::Crypto::RSAKey& appKey) {
    SimulatorOptions o = testOptions();
    o.appId = kAppId;
    o.appPublicKeyPem = publicPem(appKey);
    o.installationId = 77;
    return o;
  }
  Poco::SharedPtr<Poco::Crypto::RSAKey> key;
  GithubSimulator simulator;
  SimHttpClient client;
};

}  // namespace

TEST_CASE("github_sim: a correctly signed app JWT gets an installation token",
          "[github_sim][app]") {
  AppSim app;
  const std::string jwt = appJwt(app.key, -60, 540);
  const HttpResult token =
      app.client.post("/app/installations/77/access_tokens", "", "Bearer " + jwt);
  REQUIRE(token.status == 201);
  const std::string value = token.json()->getValue<std::string>("token");
  CHECK(value.rfind("ghs_", 0) == 0);
  CHECK(token.json()
            ->getObject("permissions")
            ->getValue<std::string>("organization_self_hosted_runners") == "write");
  CHECK(app.client.get("/orgs/octo-org/actions/runners", "Bearer " + value).status == 200);
  CHECK(app.client.get("/orgs/octo-org/actions/runners", "token " + value).status == 200);
  CHECK(app.client.get("/app", "Bearer " + jwt).status == 200);
  CHECK(app.client.get("/repos/octo/app/installation", "Bearer " + jwt)
            .json()
            ->getValue<std::int64_t>("id") == 77);
  // An installation token is not an app credential.
  CHECK(app.client.get("/app/hook/deliveries", "Bearer " + value).status == 401);
  CHECK(app.client.get("/app/hook/deliveries", "Bearer " + jwt).status == 200);
}

TEST_CASE("github_sim: JWTs with the wrong key, issuer or times are refused", "[github_sim][app]") {
  AppSim app;
  const auto path = "/app/installations/77/access_tokens";
  CHECK(app.client.post(path, "", "Bearer " + appJwt(newKey(), -60, 540)).status == 401);
  CHECK(app.client.post(path, "", "Bearer " + appJwt(app.key, -60, 540, 1)).status == 401);
  const HttpResult expired = app.client.post(path, "", "Bearer " + appJwt(app.key, -700, -60));
  CHECK(expired.status == 401);
  CHECK_THAT(expired.json()->getValue<std::string>("message"), Catch::Contains("'exp'"));
  // GitHub allows at most ten minutes between iat and exp.
  CHECK(app.client.post(path, "", "Bearer " + appJwt(app.key, -60, 900)).status == 401);
  CHECK(app.client.post(path, "", "Bearer not.a.jwt").status == 401);
  CHECK(app.client.post(path, "", kPat).status == 401);
}

TEST_CASE("github_sim: an expired installation token gets 401 Bad credentials",
          "[github_sim][app]") {
  AppSim app;
  REQUIRE(
      app.client.post("/_sim/settings", R"({"installation_token_lifetime_seconds":60})").status ==
      200);
  const HttpResult token = app.client.post("/app/installations/77/access_tokens", "",
                                           "Bearer " + appJwt(app.key, -60, 540));
  REQUIRE(token.status == 201);
  const std::string value = "token " + token.json()->getValue<std::string>("token");
  CHECK(app.client.get("/repos/octo/app/actions/runners", value).status == 200);

  REQUIRE(app.client.post("/_sim/clock", R"({"advance_seconds":61})").status == 200);
  const HttpResult expired = app.client.get("/repos/octo/app/actions/runners", value);
  CHECK(expired.status == 401);
  CHECK(expired.json()->getValue<std::string>("message") == "Bad credentials");
  // A client refreshes with a new JWT (made against the advanced clock) and carries on.
  const HttpResult renewed = app.client.post("/app/installations/77/access_tokens", "",
                                             "Bearer " + appJwt(app.key, 0, 600));
  REQUIRE(renewed.status == 201);
  CHECK(app.client
            .get("/repos/octo/app/actions/runners",
                 "token " + renewed.json()->getValue<std::string>("token"))
            .status == 200);
}
