// SPDX-License-Identifier: Apache-2.0
// The operator_api section of the configuration.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "config/loader.hpp"
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

TEST_CASE("operator_api: the token may come from the environment") {
  ::setenv("LXDRUNNER_TEST_API_TOKEN", "from-env", 1);
  const auto r = loadString(
      kBase + "operator_api: {enabled: true, token: {env: LXDRUNNER_TEST_API_TOKEN}}\n", "t.yml");
  REQUIRE(r.ok());
  CHECK(r.config->operator_api.token.reveal() == "from-env");
  ::unsetenv("LXDRUNNER_TEST_API_TOKEN");
}

}  // namespace
}  // namespace lxdrunner::config
