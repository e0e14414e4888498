// SPDX-License-Identifier: Apache-2.0
// The GitHub client against the simulator: runners, JIT, pagination, rate limits, retries,
// App credentials with token refresh, and a GHES base URL.
#include <catch2/catch.hpp>

#include <Poco/Crypto/RSAKey.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <chrono>
#include <sstream>
#include <thread>

#include "github/github_client.hpp"
#include "sim/github_simulator.hpp"

using lxdrunner::github::ClientSettings;
using lxdrunner::github::GithubAppCredentials;
using lxdrunner::github::GithubClient;
using lxdrunner::github::GithubError;
using lxdrunner::github::RequestOptions;
using lxdrunner::github_sim::GithubSimulator;
using lxdrunner::github_sim::SimulatorOptions;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

const std::string kPat = "ghp_simulated_pat_for_tests";
const std::string kScope = "repos/octo/hello";

SimulatorOptions simOptions() {
  SimulatorOptions o;
  o.pats = {kPat};
  return o;
}

// POSTs JSON to the simulator's control API.
void control(const GithubSimulator& sim, const std::string& path, const std::string& json) {
  Poco::URI uri(sim.url());
  Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
  Poco::Net::HTTPRequest req("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
  req.setContentType("application/json");
  req.setContentLength(static_cast<std::streamsize>(json.size()));
  session.sendRequest(req) << json;
  Poco::Net::HTTPResponse resp;
  std::ostringstream body;
  Poco::StreamCopier::copyStream(session.receiveResponse(resp), body);
  REQUIRE(resp.getStatus() < 300);
}

ClientSettings patSettings(const GithubSimulator& sim) {
  ClientSettings s;
  s.api_url = sim.url();
  s.pat = kPat;
  s.backoff_base = milliseconds(20);
  s.rate_limits.secondary_min_wait = milliseconds(200);
  return s;
}

}  // namespace

TEST_CASE("JIT runners are created, listed, refused twice and deleted", "[github][client]") {
  GithubSimulator sim(simOptions());
  sim.start();
  GithubClient client(patSettings(sim));

  auto jit = client.generateJitConfig(kScope, "lxdrunner-abc", {"self-hosted", "linux"}, 0, "");
  CHECK(jit.runner_id != 0);
  CHECK_FALSE(jit.encoded_jit_config.empty());

  auto runners = client.listRunners(kScope);
  REQUIRE(runners.size() == 1);
  CHECK(runners[0].name == "lxdrunner-abc");
  CHECK(runners[0].ephemeral);

  try {
    client.generateJitConfig(kScope, "lxdrunner-abc", {"self-hosted"}, 0, "");
    FAIL("a duplicate name must be refused");
  } catch (const GithubError& e) {
    CHECK(e.kind() == GithubError::Kind::Conflict);
    CHECK(e.httpStatus() == 409);
    CHECK(e.status() == LXDR_ERR_ALREADY_EXISTS);
    CHECK_FALSE(e.githubMessage().empty());
  }
  CHECK(client.getRunner(kScope, jit.runner_id).has_value());
  CHECK(client.deleteRunner(kScope, jit.runner_id));
  CHECK_FALSE(client.deleteRunner(kScope, jit.runner_id));
  CHECK_FALSE(client.getRunner(kScope, jit.runner_id).has_value());
  CHECK_FALSE(client.registrationToken(kScope).empty());
}

TEST_CASE("three pages are followed through the Link header", "[github][client]") {
  GithubSimulator sim(simOptions());
  sim.start();
  GithubClient client(patSettings(sim));
  for (int i = 0; i < 5; ++i) {
    client.generateJitConfig(kScope, "runner-" + std::to_string(i), {"self-hosted"}, 0, "");
  }
  uint64_t before = client.stats().requests;
  std::string all = client.paginate("/" + kScope + "/actions/runners?per_page=2", "runners");
  CHECK(client.stats().requests - before == 3);
  Poco::JSON::Parser parser;
  auto items = parser.parse(all).extract<Poco::JSON::Array::Ptr>();
  CHECK(items->size() == 5);
}

TEST_CASE("429 with retry-after is waited out, then the call succeeds", "[github][client][rate]") {
  GithubSimulator sim(simOptions());
  sim.start();
  GithubClient client(patSettings(sim));
  control(sim, "/_sim/faults",
          R"({"kind":"too_many_requests","status":429,"retry_after":1,"count":1})");
  auto t0 = Clock::now();
  CHECK(client.listRunners(kScope).empty());
  CHECK(Clock::now() - t0 >= milliseconds(950));
  CHECK(client.stats().rate_limited == 1);
}

TEST_CASE("a secondary limit backs off at least the minimum, once for all threads",
          "[github][client][rate]") {
  GithubSimulator sim(simOptions());
  sim.start();
  GithubClient client(patSettings(sim));
  control(sim, "/_sim/faults", R"({"kind":"secondary_limit","status":403,"count":1})");
  auto t0 = Clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) threads.emplace_back([&] { client.listRunners(kScope); });
  for (auto& t : threads) t.join();
  CHECK(Clock::now() - t0 >= milliseconds(200));
  // One limited answer; the other threads waited at the gate instead of hammering GitHub.
  CHECK(client.stats().rate_limited == 1);
}

TEST_CASE("a wait longer than the deadline fails at once with GitHub's message",
          "[github][client][rate]") {
  GithubSimulator sim(simOptions());
  sim.start();
  GithubClient client(patSettings(sim));
  control(sim, "/_sim/faults",
          R"({"kind":"too_many_requests","status":429,"retry_after":60,"count":1})");
  RequestOptions options;
  options.deadline = Clock::now() + std::chrono::seconds(2);
  auto t0 = Clock::now();
  try {
    client.listRunners(kScope, options);
    FAIL("must fail");
  } catch (const GithubError& e) {
    CHECK(e.kind() == GithubError::Kind::RateLimited);
    CHECK(e.status() == LXDR_ERR_TRANSIENT);
  }
  CHECK(Clock::now() - t0 < std::chrono::seconds(1));
}

TEST_CASE("5xx is retried for GET but not for POST", "[github][client]") {
  GithubSimulator sim(simOptions());
  sim.start();
  GithubClient client(patSettings(sim));
  control(sim, "/_sim/faults", R"({"kind":"server_error","status":502,"count":2})");
  CHECK(client.listRunners(kScope).empty());
  CHECK(client.stats().retries == 2);

  control(sim, "/_sim/faults", R"({"kind":"server_error","status":503,"count":1})");
  auto r = client.request("POST", "/" + kScope + "/actions/runners/registration-token");
  CHECK(r.status == 503);
}

TEST_CASE("a bad token is a 401 carrying GitHub's message", "[github][client]") {
  GithubSimulator sim(simOptions());
  sim.start();
  ClientSettings s = patSettings(sim);
  s.pat = "ghp_wrong";
  GithubClient client(s);
  try {
    client.listRunners(kScope);
    FAIL("must fail");
  } catch (const GithubError& e) {
    CHECK(e.kind() == GithubError::Kind::Unauthorized);
    CHECK(e.githubMessage() == "Bad credentials");
    CHECK(std::string(e.what()).find("HTTP 401") != std::string::npos);
  }
}

TEST_CASE("GitHub App: JWT accepted, installation token cached, refreshed when it expires",
          "[github][client][app]") {
  Poco::Crypto::RSAKey key(Poco::Crypto::RSAKey::KL_2048, Poco::Crypto::RSAKey::EXP_LARGE);
  std::ostringstream pub;
  std::ostringstream priv;
  key.save(&pub, &priv);
  SimulatorOptions o = simOptions();
  o.appId = 4242;
  o.appPublicKeyPem = pub.str();
  o.installationId = 77;
  o.installationTokenLifetimeSeconds = 3;
  GithubSimulator sim(o);
  sim.start();

  ClientSettings s = patSettings(sim);
  s.pat.clear();
  s.app = GithubAppCredentials{4242, 77, priv.str()};
  s.token_refresh_margin = std::chrono::seconds(1);
  std::vector<std::string> secrets;
  s.on_secret = [&](const std::string& v) { secrets.push_back(v); };
  GithubClient client(s);

  CHECK(client.listRunners(kScope).empty());
  CHECK(client.listRunners(kScope).empty());
  CHECK(client.stats().token_refreshes == 1);                    // cached for the second call
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // inside the refresh margin
  CHECK(client.listRunners(kScope).empty());
  CHECK(client.stats().token_refreshes == 2);
  CHECK(secrets.size() == 2);  // each new token went to the log redactor

  SECTION("a JWT signed by another key is refused") {
    Poco::Crypto::RSAKey other(Poco::Crypto::RSAKey::KL_2048, Poco::Crypto::RSAKey::EXP_LARGE);
    std::ostringstream pub2;
    std::ostringstream priv2;
    other.save(&pub2, &priv2);
    ClientSettings bad = s;
    bad.app = GithubAppCredentials{4242, 77, priv2.str()};
    GithubClient wrong(bad);
    CHECK_THROWS_AS(wrong.listRunners(kScope), GithubError);
  }
}

TEST_CASE("an unusable App key fails at construction", "[github][client][app]") {
  ClientSettings s;
  s.api_url = "http://127.0.0.1:9";
  s.app = GithubAppCredentials{1, 1, "not a key"};
  CHECK_THROWS_WITH(GithubClient(s), Catch::Contains("github_app.private_key is not a usable RSA"));
}

TEST_CASE("a GHES base URL (/api/v3) works, pagination included", "[github][client]") {
  GithubSimulator sim(simOptions());
  sim.start();
  ClientSettings s = patSettings(sim);
  s.api_url = sim.url() + "/api/v3";
  GithubClient client(s);
  for (int i = 0; i < 3; ++i)
    client.generateJitConfig(kScope, "ghes-" + std::to_string(i), {"x"}, 0, "");
  std::string all = client.paginate("/" + kScope + "/actions/runners?per_page=2", "runners");
  Poco::JSON::Parser parser;
  CHECK(parser.parse(all).extract<Poco::JSON::Array::Ptr>()->size() == 3);
}

TEST_CASE("an unreachable GitHub is a transport error naming the call", "[github][client]") {
  ClientSettings s;
  s.api_url = "http://127.0.0.1:9";
  s.pat = kPat;
  s.max_attempts = 2;
  s.backoff_base = milliseconds(10);
  GithubClient client(s);
  try {
    client.listRunners(kScope);
    FAIL("must fail");
  } catch (const GithubError& e) {
    CHECK(e.kind() == GithubError::Kind::Transport);
    CHECK(e.status() == LXDR_ERR_TRANSIENT);
    CHECK(std::string(e.what()).find("GitHub GET /repos/octo/hello/actions/runners") !=
          std::string::npos);
  }
}
