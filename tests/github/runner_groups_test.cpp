// SPDX-License-Identifier: Apache-2.0
// Runner groups by name against the simulator: found and cached, missing, and a group whose
// visibility does not let the job's repository in, each with a message that says so.
#include <catch2/catch.hpp>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <sstream>
#include <string>

#include "github/github_client.hpp"
#include "github/runner_groups.hpp"
#include "sim/github_simulator.hpp"

using lxdrunner::github::ClientSettings;
using lxdrunner::github::GithubClient;
using lxdrunner::github::GithubError;
using lxdrunner::github::RunnerGroups;
using lxdrunner::github_sim::GithubSimulator;
using lxdrunner::github_sim::SimulatorOptions;

namespace {

const std::string kPat = "ghp_runner_groups_test_pat";

std::string send(const GithubSimulator& sim, const std::string& method, const std::string& path,
                 const std::string& json = "") {
  Poco::URI uri(sim.url());
  Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  req.setContentType("application/json");
  req.setContentLength(static_cast<std::streamsize>(json.size()));
  session.sendRequest(req) << json;
  Poco::Net::HTTPResponse resp;
  std::ostringstream body;
  Poco::StreamCopier::copyStream(session.receiveResponse(resp), body);
  REQUIRE(resp.getStatus() < 300);
  return body.str();
}

uint64_t declareGroup(const GithubSimulator& sim, const std::string& json) {
  Poco::JSON::Parser parser;
  return parser.parse(send(sim, "POST", "/_sim/runner-groups", json))
      .extract<Poco::JSON::Object::Ptr>()
      ->getValue<uint64_t>("id");
}

int64_t requests(const GithubSimulator& sim, const std::string& route) {
  Poco::JSON::Parser parser;
  auto state = parser.parse(send(sim, "GET", "/_sim/state")).extract<Poco::JSON::Object::Ptr>();
  auto counts = state->getObject("request_counts");
  const std::string key = "GET " + route;
  return counts && counts->has(key) ? counts->getValue<int64_t>(key) : 0;
}

struct Fixture {
  GithubSimulator sim{[] {
    SimulatorOptions o;
    o.pats = {kPat};
    return o;
  }()};
  std::unique_ptr<GithubClient> client;
  Fixture() {
    sim.start();
    ClientSettings s;
    s.api_url = sim.url();
    s.pat = kPat;
    s.max_attempts = 1;
    client = std::make_unique<GithubClient>(s);
  }
};

// The message of the GithubError `fn` throws, which must be of `kind`.
template <class Fn>
std::string failure(Fn fn, GithubError::Kind kind) {
  try {
    fn();
  } catch (const GithubError& e) {
    CHECK(e.kind() == kind);
    return e.what();
  }
  FAIL("no error");
  return {};
}

}  // namespace

TEST_CASE("a runner group is found by name, case-insensitively, and cached",
          "[github][runner_groups]") {
  Fixture f;
  const uint64_t gpu = declareGroup(f.sim, R"({"org":"acme","name":"GPU runners"})");
  RunnerGroups groups(*f.client);
  CHECK(groups.resolve("acme", "gpu runners", "acme/app") == gpu);
  CHECK(groups.resolve("acme", "Default", "acme/app") == 1);
  CHECK(requests(f.sim, "/orgs/{org}/actions/runner-groups") == 1);
}

TEST_CASE("a missing runner group is a clear error, looked up once more first",
          "[github][runner_groups]") {
  Fixture f;
  declareGroup(f.sim, R"({"org":"acme","name":"gpu"})");
  RunnerGroups groups(*f.client);
  const std::string message =
      failure([&] { groups.resolve("acme", "arm", "acme/app"); }, GithubError::Kind::NotFound);
  CHECK(message ==
        "runner group 'arm' of organisation acme: no such group (the organisation has: Default, "
        "gpu); create it on GitHub or fix runner_group in the runnermap");
  CHECK(requests(f.sim, "/orgs/{org}/actions/runner-groups") == 2);
  // Made on GitHub after the first look: found without waiting for the cache to expire.
  const uint64_t arm = declareGroup(f.sim, R"({"org":"acme","name":"arm"})");
  CHECK(groups.resolve("acme", "arm", "acme/app") == arm);
}

TEST_CASE("a \"selected\" group lets in only its repositories", "[github][runner_groups]") {
  Fixture f;
  const uint64_t ml = declareGroup(
      f.sim, R"({"org":"acme","name":"ml","visibility":"selected","repositories":["acme/ml"]})");
  RunnerGroups groups(*f.client);
  CHECK(groups.resolve("acme", "ml", "acme/ML") == ml);
  const std::string message =
      failure([&] { groups.resolve("acme", "ml", "acme/web"); }, GithubError::Kind::Forbidden);
  CHECK(message ==
        "runner group 'ml' of organisation acme: its repository access is \"selected\" and "
        "acme/web is not among them: add the repository to the group on GitHub or use another "
        "group");
  CHECK(requests(f.sim, "/orgs/{org}/actions/runner-groups/{group_id}/repositories") == 1);
}

TEST_CASE("a \"private\" group lets in private repositories only", "[github][runner_groups]") {
  Fixture f;
  send(f.sim, "POST", "/_sim/repos", R"({"full_name":"acme/secret","private":true})");
  send(f.sim, "POST", "/_sim/repos", R"({"full_name":"acme/open"})");
  const uint64_t inner =
      declareGroup(f.sim, R"({"org":"acme","name":"inner","visibility":"private"})");
  RunnerGroups groups(*f.client);
  CHECK(groups.resolve("acme", "inner", "acme/secret") == inner);
  const std::string message =
      failure([&] { groups.resolve("acme", "inner", "acme/open"); }, GithubError::Kind::Forbidden);
  CHECK(message.find("for private repositories only and acme/open is public") != std::string::npos);
}
