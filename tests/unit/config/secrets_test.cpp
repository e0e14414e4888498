// SPDX-License-Identifier: Apache-2.0
// Secrets: the three ways to write them, and that their values never leak into output.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include "test_support.hpp"

using namespace lxdrunner::config;
using namespace lxdrunner::config::test;

namespace {

namespace fs = std::filesystem;

// Distinctive values, so a leak is found by a plain substring search.
const std::string kFilePat = "ghp_value-from-file-7f3a";
const std::string kEnvHookSecret = "hook-value-from-env-91c2";
const std::string kInlinePat = "ghp_inline-value-55d0";
const std::string kPrivateKey =
    "-----BEGIN RSA PRIVATE KEY-----\nMIIfake\n-----END RSA PRIVATE KEY-----";

void checkNoSecretIn(const std::string& text) {
  for (const auto& secret :
       {kFilePat, kEnvHookSecret, kInlinePat, kPrivateKey, std::string("MIIfake")}) {
    CHECK_THAT(text, !Catch::Contains(secret));
  }
}

}  // namespace

TEST_CASE("a {file: PATH} secret is read from the file without its trailing newline",
          "[config][secrets]") {
  const TempDir dir;
  writeFile(dir.file("pat"), kFilePat + "\n");
  const auto result = loadString(
      "pat: {file: " + dir.file("pat") + "}\n" + kHooksecretLine + kTlsOffLine + kRunnermap,
      "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  CHECK(result.diagnostics.empty());
  const Secret& pat = result.config->pat;
  CHECK(pat.reveal() == kFilePat);
  CHECK(pat.source() == Secret::Source::File);
  CHECK(pat.origin() == dir.file("pat"));
  CHECK(pat.masked() == "<file:" + dir.file("pat") + ">");
}

TEST_CASE("only one trailing newline is stripped from a secret file", "[config][secrets]") {
  const TempDir dir;
  writeFile(dir.file("crlf"), "token\r\n");
  writeFile(dir.file("two"), "token\n\n");
  const auto result =
      loadString("pat: {file: " + dir.file("crlf") + "}\nhooksecret: {file: " + dir.file("two") +
                     "}\n" + kTlsOffLine + kRunnermap,
                 "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  CHECK(result.config->pat.reveal() == "token");
  CHECK(result.config->hooksecret.reveal() == "token\n");
}

TEST_CASE("a secret file readable by other users gets a warning", "[config][secrets]") {
  const TempDir dir;
  writeFile(dir.file("pat"), kFilePat, fs::perms::owner_read | fs::perms::group_read);
  const auto result = loadString(
      "pat: {file: " + dir.file("pat") + "}\n" + kHooksecretLine + kTlsOffLine + kRunnermap,
      "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  const auto warnings = warningsOf(result);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].key == "pat.file");
  CHECK(warnings[0].message == "secret file '" + dir.file("pat") +
                                   "' is readable by other users (mode 0440): run chmod 600 '" +
                                   dir.file("pat") + "'");
  checkNoSecretIn(warnings[0].str());
}

TEST_CASE("an empty secret file is an error", "[config][secrets]") {
  const TempDir dir;
  writeFile(dir.file("pat"), "\n");
  const auto result = loadString(
      "pat: {file: " + dir.file("pat") + "}\n" + kHooksecretLine + kTlsOffLine + kRunnermap,
      "test.yml");
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "secret file '" + dir.file("pat") + "' is empty");
}

TEST_CASE("an {env: NAME} secret is read from the environment", "[config][secrets]") {
  const ScopedEnv hook("LXDRUNNER_TEST_HOOKSECRET", kEnvHookSecret);
  const auto result = loadString(
      kPatLine + "hooksecret: {env: LXDRUNNER_TEST_HOOKSECRET}\n" + kTlsOffLine + kRunnermap,
      "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  const Secret& hooksecret = result.config->hooksecret;
  CHECK(hooksecret.reveal() == kEnvHookSecret);
  CHECK(hooksecret.source() == Secret::Source::Env);
  CHECK(hooksecret.masked() == "<env:LXDRUNNER_TEST_HOOKSECRET>");
}

TEST_CASE("a secret map needs exactly one of file and env", "[config][secrets]") {
  const auto both = loadString(
      "pat: {file: /x, env: Y}\n" + kHooksecretLine + kTlsOffLine + kRunnermap, "test.yml");
  REQUIRE(errorsOf(both).size() == 1);
  CHECK(errorsOf(both)[0].message == "set either file or env, not both");

  const auto neither =
      loadString("pat: {value: " + kInlinePat + "}\n" + kHooksecretLine + kTlsOffLine + kRunnermap,
                 "test.yml");
  INFO(listing(neither));
  const auto errors = errorsOf(neither);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].key == "pat");
  CHECK(errors[0].message == "must contain file: PATH or env: NAME");
  CHECK(errors[1].key == "pat.value");
  CHECK(errors[1].message == "unknown key");
  for (const auto& error : errors) {
    checkNoSecretIn(error.str());
  }
}

TEST_CASE("the github_app private key is a secret too", "[config][secrets][auth]") {
  const TempDir dir;
  writeFile(dir.file("app.pem"), kPrivateKey + "\n");
  const auto result = loadString(kHooksecretLine + kTlsOffLine + kRunnermap +
                                     "github_app:\n  app_id: 12345\n  installation_id: 678\n" +
                                     "  private_key: {file: " + dir.file("app.pem") + "}\n",
                                 "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  REQUIRE(result.config->github_app.has_value());
  const GithubApp& app = *result.config->github_app;
  CHECK(app.app_id == 12345);
  CHECK(app.installation_id == 678);
  CHECK(app.private_key.reveal() == kPrivateKey);
  CHECK(result.config->pat.empty());
}

TEST_CASE("Secret::masked never shows an inline value", "[config][secrets]") {
  CHECK(Secret::fromInline(kInlinePat).masked() == "****");
  CHECK(Secret::fromFile("/etc/x", kInlinePat).masked() == "<file:/etc/x>");
  CHECK(Secret::fromEnv("X", kInlinePat).masked() == "<env:X>");
  CHECK(Secret().masked().empty());
  CHECK(Secret().empty());
}

TEST_CASE("renderEffective and entryToJson never contain secret values", "[config][secrets]") {
  const TempDir dir;
  writeFile(dir.file("app.pem"), kPrivateKey);
  const ScopedEnv hook("LXDRUNNER_TEST_HOOKSECRET", kEnvHookSecret);
  const std::string entries = kRunnermap + "    provisioner_options: {token_hint: none}\n";

  const auto with_pat =
      loadString("pat: " + kInlinePat + "\nhooksecret: {env: LXDRUNNER_TEST_HOOKSECRET}\n" +
                     kTlsOffLine + entries,
                 "pat.yml");
  INFO(listing(with_pat));
  REQUIRE(with_pat.config.has_value());
  const std::string rendered = renderEffective(*with_pat.config);
  INFO(rendered);
  checkNoSecretIn(rendered);
  CHECK_THAT(rendered, Catch::Contains("pat: \"****\""));
  CHECK_THAT(rendered, Catch::Contains("hooksecret: <env:LXDRUNNER_TEST_HOOKSECRET>"));
  for (const auto& entry : with_pat.config->runnermap) {
    checkNoSecretIn(entryToJson(entry));
  }

  const auto with_app = loadString(kHooksecretLine + kTlsOffLine + entries +
                                       "github_app:\n  app_id: 1\n  installation_id: 2\n" +
                                       "  private_key: {file: " + dir.file("app.pem") + "}\n",
                                   "app.yml");
  INFO(listing(with_app));
  REQUIRE(with_app.config.has_value());
  const std::string rendered_app = renderEffective(*with_app.config);
  INFO(rendered_app);
  checkNoSecretIn(rendered_app);
  CHECK_THAT(rendered_app, Catch::Contains("private_key: <file:" + dir.file("app.pem") + ">"));
}

TEST_CASE("diagnostics about a badly written secret never quote it", "[config][secrets]") {
  const auto result = loadString("pat: {file: [" + kInlinePat + "]}\nhooksecret: [" +
                                     kEnvHookSecret + "]\n" + kTlsOffLine + kRunnermap,
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].key == "pat.file");
  CHECK(errors[1].key == "hooksecret");
  CHECK(errors[1].message == "must be a string, {file: PATH} or {env: NAME} (got a list)");
  for (const auto& error : errors) {
    checkNoSecretIn(error.str());
  }
}

TEST_CASE("an event source's own hooksecret is a secret: masked, kept out of its settings",
          "[config][secrets]") {
  const TempDir dir;
  writeFile(dir.file("hook"), kEnvHookSecret + "\n");
  ::chmod(dir.file("hook").c_str(), 0600);
  // No top-level hooksecret: the webhook source's own is enough.
  const auto result =
      loadString(kPatLine + kTlsOffLine + kRunnermap +
                     "event_sources:\n"
                     "  webhook: {path: /hooks/a, hooksecret: " +
                     kInlinePat + "}\n  other: {hooksecret: {file: " + dir.file("hook") + "}}\n",
                 "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  CHECK(result.diagnostics.empty());
  const auto& c = *result.config;
  REQUIRE(c.event_sources.size() == 2);
  CHECK(c.event_sources[0].hooksecret.reveal() == kInlinePat);
  CHECK(c.event_sources[1].hooksecret.reveal() == kEnvHookSecret);
  CHECK(c.hooksecretFor("webhook").reveal() == kInlinePat);
  CHECK(c.hooksecretFor("poll").empty());  // no source of its own, no top-level one
  for (const auto& source : c.event_sources) {
    INFO(source.settings_json);
    checkNoSecretIn(source.settings_json);
  }
  const std::string rendered = renderEffective(c);
  INFO(rendered);
  checkNoSecretIn(rendered);
  CHECK_THAT(rendered, Catch::Contains("hooksecret: \"****\""));
  CHECK_THAT(rendered, Catch::Contains("hooksecret: <file:" + dir.file("hook") + ">"));

  // The log redactor is fed from Config::secrets(): both must be in it.
  std::vector<std::string> keys;
  for (const auto& named : c.secrets()) keys.push_back(named.key);
  CHECK(keys == std::vector<std::string>{"pat", "event_sources.webhook.hooksecret",
                                         "event_sources.other.hooksecret"});
}

TEST_CASE("an event source's hooksecret is read like every secret, errors included",
          "[config][secrets]") {
  const auto unreadable = loadString(
      kMinimalConfig + "event_sources:\n  webhook: {hooksecret: {file: /nonexistent/hook}}\n",
      "test.yml");
  const auto errors = errorsOf(unreadable);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].key == "event_sources.webhook.hooksecret.file");
  // Without any hooksecret the webhook source is refused, as before.
  const auto missing =
      loadString(kPatLine + kTlsOffLine + kRunnermap + "event_sources:\n  webhook: {}\n", "t");
  REQUIRE(errorsOf(missing).size() == 1);
  CHECK(errorsOf(missing)[0].key == "hooksecret");
  // The top-level one still serves sources without their own.
  const auto top = loadString(kMinimalConfig, "test.yml");
  REQUIRE(top.config.has_value());
  CHECK(top.config->hooksecretFor("webhook").reveal() == "fake_webhook_secret");
}
