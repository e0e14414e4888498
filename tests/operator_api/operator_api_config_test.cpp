// SPDX-License-Identifier: Apache-2.0
// The operator_api section of the configuration.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "config/loader.hpp"
#include "config/operator_client.hpp"
#include "config/render.hpp"

namespace lxdrunner::config {
namespace {

const std::string kBase =
    "pat: x\n"
    "hooksecret: y\n"
    "web_tls: false\n"
    "runnermap:\n"
    "  - {name: a, labels: [self-hosted], image: img, type: container, runner_os: linux,\n"
    "     runner_arch: x64}\n";

std::string errors(const LoadResult& r) {
  std::string out;
  for (const auto& d : r.diagnostics) out += d.str() + "\n";
  return out;
}

TEST_CASE("operator_api: off by default, loopback address, port 5001") {
  const auto r = loadString(kBase, "t.yml");
  INFO(errors(r));
  REQUIRE(r.ok());
  CHECK_FALSE(r.config->operator_api.enabled);
  CHECK(r.config->operator_api.host == "127.0.0.1");
  CHECK(r.config->operator_api.port == 5001);
}

TEST_CASE("operator_api: a token is a secret, masked in the effective configuration") {
  const auto r = loadString(
      kBase + "operator_api: {enabled: true, token: sekrit-value, host: '::1', port: 6000}\n",
      "t.yml");
  REQUIRE(r.ok());
  CHECK(r.config->operator_api.enabled);
  CHECK(r.config->operator_api.token.reveal() == "sekrit-value");
  CHECK(r.config->operator_api.host == "::1");
  CHECK(r.config->operator_api.port == 6000);
  const auto text = renderEffective(*r.config);
  CHECK_THAT(text, !Catch::Contains("sekrit-value"));
  CHECK_THAT(text, Catch::Contains("operator_api:"));
  // The rendering loads back to the same settings (the masked token aside).
  CHECK_THAT(text, Catch::Contains("port: 6000"));
}

TEST_CASE("operator_api: enabled without a token, a host name, or web_port are errors") {
  const auto no_token = loadString(kBase + "operator_api: {enabled: true}\n", "t.yml");
  CHECK_FALSE(no_token.ok());
  CHECK_THAT(errors(no_token),
             Catch::Contains("operator_api.token: required while operator_api.enabled is true"));
  const auto host = loadString(kBase + "operator_api: {host: localhost}\n", "t.yml");
  CHECK_THAT(errors(host), Catch::Contains("operator_api.host: must be an IP address"));
  const auto clash =
      loadString(kBase + "operator_api: {enabled: true, token: t, port: 5000}\n", "t.yml");
  CHECK_THAT(errors(clash), Catch::Contains("operator_api.port: is the webhook server's web_port"));
  const auto typo = loadString(kBase + "operator_api: {enabeld: true}\n", "t.yml");
  CHECK_THAT(errors(typo), Catch::Contains("did you mean 'enabled'"));
}

TEST_CASE("operator_api: plain HTTP beyond loopback needs allow_non_loopback") {
  for (const std::string host : {"0.0.0.0", "::", "192.0.2.10", "2001:db8::1", "::ffff:10.0.0.1"}) {
    INFO(host);
    const auto r = loadString(
        kBase + "operator_api: {enabled: true, token: t, host: '" + host + "', port: 6000}\n",
        "t.yml");
    CHECK_FALSE(r.ok());
    CHECK_THAT(errors(r), Catch::Contains("t.yml:7:") &&
                              Catch::Contains("error: operator_api.host: " + host +
                                              " is not a loopback address and "
                                              "the operator API speaks plain HTTP"));
    const auto allowed = loadString(kBase + "operator_api: {enabled: true, token: t, host: '" +
                                        host + "', port: 6000, allow_non_loopback: true}\n",
                                    "t.yml");
    INFO(errors(allowed));
    CHECK(allowed.ok());
  }
  for (const std::string host : {"127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"}) {
    INFO(host);
    const auto r = loadString(
        kBase + "operator_api: {enabled: true, token: t, host: '" + host + "', port: 6000}\n",
        "t.yml");
    INFO(errors(r));
    CHECK(r.ok());
  }
  // Off: nothing listens, so the address does not matter.
  CHECK(loadString(kBase + "operator_api: {enabled: false, host: 0.0.0.0}\n", "t.yml").ok());
}

TEST_CASE("operator_api: port 0 for both listeners is no clash (the system picks two ports)") {
  std::string text = kBase + "operator_api: {enabled: true, token: t, port: 0}\n";
  text.replace(text.find("web_tls: false\n"), 15, "web_tls: false\nweb_port: 0\n");
  const auto r = loadString(text, "t.yml");
  INFO(errors(r));
  REQUIRE(r.ok());
  CHECK(r.config->web_port == 0);
  CHECK(r.config->operator_api.port == 0);
}

TEST_CASE("operator_api: the token may come from the environment") {
  ::setenv("LXDRUNNER_TEST_API_TOKEN", "from-env", 1);
  const auto r = loadString(
      kBase + "operator_api: {enabled: true, token: {env: LXDRUNNER_TEST_API_TOKEN}}\n", "t.yml");
  REQUIRE(r.ok());
  CHECK(r.config->operator_api.token.reveal() == "from-env");
  ::unsetenv("LXDRUNNER_TEST_API_TOKEN");
}

TEST_CASE(
    "operator commands read only operator_api and state_dir: other secrets may be unreadable") {
  // An operator who may read the API token but not the webhook secret or the App's key, and
  // a file with a mistake elsewhere (an empty runnermap): the daemon's status is still theirs.
  const std::string text =
      "pat: {env: LXDRUNNER_TEST_UNSET_PAT}\n"
      "hooksecret: {file: /nonexistent/lxdrunner-test/hooksecret}\n"
      "state_dir: /srv/lxdrunner-test\n"
      "operator_api: {enabled: true, token: the-api-token, port: 6001}\n"
      "runnermap: []\n"
      "no_such_key: 1\n";
  ::unsetenv("LXDRUNNER_TEST_UNSET_PAT");
  REQUIRE_FALSE(loadString(text, "t.yml").ok());  // the daemon could not start with it
  const auto client = loadOperatorClientString(text, "t.yml");
  INFO(errors(LoadResult{std::nullopt, client.diagnostics}));
  REQUIRE(client.ok());
  CHECK(client.config->operator_api.enabled);
  CHECK(client.config->operator_api.token.reveal() == "the-api-token");
  CHECK(client.config->operator_api.port == 6001);
  CHECK(client.config->state_dir == "/srv/lxdrunner-test");
  CHECK(client.config->source_file == "t.yml");

  const std::string app =
      "github_app: {app_id: 1, installation_id: 2, private_key: {file: /nonexistent/app.pem}}\n"
      "operator_api: {enabled: true, token: t}\n";
  CHECK(loadOperatorClientString(app, "t.yml").ok());
}

TEST_CASE("operator commands: mistakes in operator_api itself are errors") {
  const auto no_token = loadOperatorClientString("operator_api: {enabled: true}\n", "t.yml");
  CHECK_FALSE(no_token.ok());
  CHECK_THAT(errors(LoadResult{std::nullopt, no_token.diagnostics}),
             Catch::Contains("operator_api.token: required while operator_api.enabled is true"));
  const auto unreadable = loadOperatorClientString(
      "operator_api: {enabled: true, token: {file: /nonexistent/lxdrunner-test/token}}\n", "t.yml");
  CHECK_FALSE(unreadable.ok());
  CHECK_FALSE(loadOperatorClientString("- a list\n", "t.yml").ok());
  CHECK_FALSE(loadOperatorClientString("operator_api: {enabled: [\n", "t.yml").ok());
}

}  // namespace
}  // namespace lxdrunner::config
