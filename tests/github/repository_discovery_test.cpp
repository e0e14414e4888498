// SPDX-License-Identifier: Apache-2.0
// Repository discovery against the simulator: the App installation's repositories, the PAT
// user's repositories, every page, archived and disabled ones left out, a cache that spends
// no request until its interval has passed, and a failure that keeps the last good list.
#include <catch2/catch.hpp>

#include <Poco/Crypto/RSAKey.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <sstream>
#include <string>
#include <vector>

#include "github/github_client.hpp"
#include "github/repository_discovery.hpp"
#include "sim/github_simulator.hpp"

using lxdrunner::github::ClientSettings;
using lxdrunner::github::DiscoverySettings;
using lxdrunner::github::GithubAppCredentials;
using lxdrunner::github::GithubClient;
using lxdrunner::github::RepositoryDiscovery;
using lxdrunner::github_sim::GithubSimulator;
using lxdrunner::github_sim::SimulatorOptions;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kPat = "ghp_discovery_test_pat";

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

void declare(const GithubSimulator& sim, const std::string& json) {
  send(sim, "POST", "/_sim/repos", json);
}

std::string repoName(int i) {
  std::string n = std::to_string(i);
  return "octo/repo-" + std::string(3 - n.size(), '0') + n;
}

// 150 repositories: two pages of 100.
void declareMany(const GithubSimulator& sim) {
  std::string names;
  for (int i = 1; i <= 150; ++i) names += (i > 1 ? "," : "") + ("\"" + repoName(i) + "\"");
  declare(sim, R"({"full_names":[)" + names + "]}");
}

int64_t requests(const GithubSimulator& sim, const std::string& route) {
  Poco::JSON::Parser parser;
  auto state = parser.parse(send(sim, "GET", "/_sim/state")).extract<Poco::JSON::Object::Ptr>();
  auto counts = state->getObject("request_counts");
  const std::string key = "GET " + route;
  return counts && counts->has(key) ? counts->getValue<int64_t>(key) : 0;
}

ClientSettings patSettings(const GithubSimulator& sim) {
  ClientSettings s;
  s.api_url = sim.url();
  s.pat = kPat;
  s.backoff_base = std::chrono::milliseconds(5);
  s.max_attempts = 2;
  return s;
}

SimulatorOptions simOptions() {
  SimulatorOptions o;
  o.pats = {kPat};
  return o;
}

// A clock tests move by hand, and the lines discovery logs.
struct Harness {
  Clock::time_point now = Clock::now();
  std::vector<std::string> lines;
  DiscoverySettings settings() {
    DiscoverySettings d;
    d.refresh_interval = std::chrono::seconds(600);
    d.retry_interval = std::chrono::seconds(60);
    d.now = [this] { return now; };
    d.log = [this](bool warning, const std::string& line) {
      lines.push_back((warning ? "W " : "I ") + line);
    };
    return d;
  }
};

}  // namespace

TEST_CASE("discovery with a PAT lists every page of /user/repos, archived and disabled left out",
          "[github][discovery]") {
  GithubSimulator sim(simOptions());
  sim.start();
  declareMany(sim);
  declare(sim, R"({"full_name":"octo/repo-010","archived":true})");
  declare(sim, R"({"full_name":"octo/repo-120","disabled":true})");
  GithubClient client(patSettings(sim));
  Harness h;
  RepositoryDiscovery discovery(client, h.settings());

  const auto repos = discovery.repositories();
  CHECK(repos.size() == 148);
  CHECK(repos.front() == "octo/repo-001");
  CHECK(repos.back() == "octo/repo-150");
  CHECK(std::find(repos.begin(), repos.end(), "octo/repo-010") == repos.end());
  CHECK(std::find(repos.begin(), repos.end(), "octo/repo-120") == repos.end());
  CHECK(std::find(repos.begin(), repos.end(), "octo/repo-101") != repos.end());
  CHECK(requests(sim, "/user/repos") == 2);
  CHECK(h.lines.empty());
  CHECK(discovery.lastError().empty());
}

TEST_CASE("discovery with a GitHub App lists the installation's repositories",
          "[github][discovery][app]") {
  Poco::Crypto::RSAKey key(Poco::Crypto::RSAKey::KL_2048, Poco::Crypto::RSAKey::EXP_LARGE);
  std::ostringstream pub;
  std::ostringstream priv;
  key.save(&pub, &priv);
  SimulatorOptions o = simOptions();
  o.appId = 31337;
  o.appPublicKeyPem = pub.str();
  o.installationId = 55;
  GithubSimulator sim(o);
  sim.start();
  declareMany(sim);
  declare(sim, R"({"full_name":"octo/repo-099","archived":true})");
  declare(sim, R"({"full_name":"elsewhere/not-ours","installation_id":56})");

  ClientSettings s = patSettings(sim);
  s.pat.clear();
  s.app = GithubAppCredentials{31337, 55, priv.str()};
  GithubClient client(s);
  Harness h;
  RepositoryDiscovery discovery(client, h.settings());

  const auto repos = discovery.repositories();
  CHECK(repos.size() == 149);
  CHECK(std::find(repos.begin(), repos.end(), "octo/repo-099") == repos.end());
  CHECK(std::find(repos.begin(), repos.end(), "elsewhere/not-ours") == repos.end());
  CHECK(requests(sim, "/installation/repositories") == 2);
  CHECK(requests(sim, "/user/repos") == 0);
}

TEST_CASE("discovery answers from its cache until the refresh interval has passed",
          "[github][discovery]") {
  GithubSimulator sim(simOptions());
  sim.start();
  declare(sim, R"({"full_name":"octo/first"})");
  GithubClient client(patSettings(sim));
  Harness h;
  RepositoryDiscovery discovery(client, h.settings());

  CHECK(discovery.repositories() == std::vector<std::string>{"octo/first"});
  declare(sim, R"({"full_name":"octo/second"})");
  h.now += std::chrono::seconds(599);
  CHECK(discovery.repositories() == std::vector<std::string>{"octo/first"});
  CHECK(discovery.repositories() == std::vector<std::string>{"octo/first"});
  CHECK(requests(sim, "/user/repos") == 1);
  CHECK(discovery.refreshes() == 1);

  h.now += std::chrono::seconds(1);
  CHECK(discovery.repositories() == std::vector<std::string>{"octo/first", "octo/second"});
  CHECK(requests(sim, "/user/repos") == 2);
}

TEST_CASE("a failed refresh keeps the last good list, logs one line, retries later",
          "[github][discovery]") {
  GithubSimulator sim(simOptions());
  sim.start();
  declare(sim, R"({"full_name":"octo/kept"})");
  GithubClient client(patSettings(sim));
  Harness h;
  RepositoryDiscovery discovery(client, h.settings());
  REQUIRE(discovery.repositories() == std::vector<std::string>{"octo/kept"});

  send(sim, "POST", "/_sim/faults",
       R"({"kind":"server_error","status":502,"count":-1,"path_prefix":"/user/repos"})");
  h.now += std::chrono::seconds(600);
  CHECK(discovery.repositories() == std::vector<std::string>{"octo/kept"});
  REQUIRE(h.lines.size() == 1);
  CHECK(h.lines[0].rfind("W repository discovery: could not list", 0) == 0);
  CHECK(h.lines[0].find("502") != std::string::npos);
  CHECK(h.lines[0].find("keeping the last list (1 repositories)") != std::string::npos);
  CHECK_FALSE(discovery.lastError().empty());
  const int64_t after_failure = requests(sim, "/user/repos");

  // Within the retry interval: no request at all.
  h.now += std::chrono::seconds(59);
  CHECK(discovery.repositories() == std::vector<std::string>{"octo/kept"});
  CHECK(requests(sim, "/user/repos") == after_failure);

  // Still failing after it: tried again, no second line.
  h.now += std::chrono::seconds(1);
  CHECK(discovery.repositories() == std::vector<std::string>{"octo/kept"});
  CHECK(requests(sim, "/user/repos") > after_failure);
  CHECK(h.lines.size() == 1);

  // GitHub answers again: the new list, and one line saying so.
  send(sim, "DELETE", "/_sim/faults");
  declare(sim, R"({"full_name":"octo/new"})");
  h.now += std::chrono::seconds(60);
  CHECK(discovery.repositories() == std::vector<std::string>{"octo/kept", "octo/new"});
  REQUIRE(h.lines.size() == 2);
  CHECK(h.lines[1].rfind("I repository discovery: listed", 0) == 0);
  CHECK(discovery.lastError().empty());
}

TEST_CASE("a failure before any success gives an empty list", "[github][discovery]") {
  GithubSimulator sim(simOptions());
  sim.start();
  ClientSettings s = patSettings(sim);
  s.pat = "ghp_not_known_to_the_simulator";
  GithubClient client(s);
  Harness h;
  RepositoryDiscovery discovery(client, h.settings());
  CHECK(discovery.repositories().empty());
  CHECK_FALSE(discovery.cached());
  REQUIRE(h.lines.size() == 1);
  CHECK(h.lines[0].find("401") != std::string::npos);
}

TEST_CASE("discovery pages parse GitHub's two shapes", "[github][discovery]") {
  CHECK(RepositoryDiscovery::parsePage(
            R"({"total_count":3,"repositories":[{"full_name":"a/b","archived":false},
               {"full_name":"a/c","archived":true},{"full_name":"a/d","disabled":true}]})",
            true) == std::vector<std::string>{"a/b"});
  CHECK(RepositoryDiscovery::parsePage(R"([{"full_name":"u/x"},{"full_name":null},{"id":3}])",
                                       false) == std::vector<std::string>{"u/x"});
  CHECK(RepositoryDiscovery::firstPage(true) == "/installation/repositories?per_page=100");
  CHECK(RepositoryDiscovery::firstPage(false).rfind("/user/repos?per_page=100", 0) == 0);
}
