// SPDX-License-Identifier: Apache-2.0
// Each validation rule on its own: message text, key path and position.
#include <catch2/catch.hpp>

#include "test_support.hpp"

using namespace lxdrunner::config;
using namespace lxdrunner::config::test;

namespace {

const Diagnostic* errorFor(const LoadResult& result, const std::string& key) {
  for (const auto& diagnostic : result.diagnostics) {
    if (!diagnostic.warning && diagnostic.key == key) {
      return &diagnostic;
    }
  }
  return nullptr;
}

}  // namespace

TEST_CASE("an unknown key is an error with a did-you-mean suggestion", "[config][validation]") {
  const auto result = loadString(kMinimalConfig + "max_worker: 4\n", "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() ==
        "test.yml:11:1: error: max_worker: unknown key; did you mean "
        "'max_workers'?");
  CHECK_FALSE(result.config.has_value());
}

TEST_CASE("an unknown key inside a runner entry names the entry", "[config][validation]") {
  // The appended line continues the entry's mapping.
  const auto result = loadString(kMinimalConfig + "    lables: [gpu]\n", "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].key == "runnermap[0].lables");
  CHECK(errors[0].line == 11);
  CHECK(errors[0].column == 5);
  CHECK(errors[0].message == "unknown key; did you mean 'labels'?");
}

TEST_CASE("an unknown key with no near match gets no suggestion", "[config][validation]") {
  const auto result = loadString(kMinimalConfig + "colour: blue\n", "test.yml");
  const Diagnostic* const error = errorFor(result, "colour");
  REQUIRE(error != nullptr);
  CHECK(error->message == "unknown key");
}

TEST_CASE("values of the wrong type are errors", "[config][validation]") {
  const auto result = loadString(R"(pat: fake_github_pat
hooksecret: fake_webhook_secret
web_tls: maybe
web_port: abc
runnermap:
  - name: Small
    labels: self-hosted
    image: ubuntu/22.04
    type: container
    runner_os: linux
    runner_arch: x64
    max_workers: [1]
)",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].str() == "test.yml:3:10: error: web_tls: must be true or false (got 'maybe')");
  CHECK(errors[1].str() == "test.yml:4:11: error: web_port: must be an integer (got 'abc')");
  CHECK(errors[2].key == "runnermap[0].labels");
  CHECK(errors[2].line == 7);
  CHECK(errors[2].message == "must be a list such as [a, b] (got 'self-hosted')");
  CHECK(errors[3].key == "runnermap[0].max_workers");
  CHECK(errors[3].line == 12);
  CHECK(errors[3].message == "must be an integer (got a list)");
}

TEST_CASE("booleans accept the spellings the original lxdrunner accepted", "[config][validation]") {
  for (const std::string word : {"true", "True", "TRUE", "yes", "on"}) {
    const auto result = loadString(kMinimalConfig + "cleanup: " + word + "\n", "test.yml");
    INFO(word << "\n" << listing(result));
    REQUIRE(result.config.has_value());
    CHECK(result.config->cleanup);
  }
  for (const std::string word : {"false", "False", "no", "off"}) {
    const auto result = loadString(kMinimalConfig + "cleanup: " + word + "\n", "test.yml");
    INFO(word << "\n" << listing(result));
    REQUIRE(result.config.has_value());
    CHECK_FALSE(result.config->cleanup);
  }
}

TEST_CASE("a bad enum value lists the allowed values", "[config][validation]") {
  const auto result = loadString(R"(pat: fake_github_pat
hooksecret: fake_webhook_secret
web_tls: false
runnermap:
  - name: Small
    labels: [self-hosted]
    image: ubuntu/22.04
    type: vm
    runner_os: windows
    runner_arch: amd64
    match: fuzzy
)",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].str() ==
        "test.yml:8:11: error: runnermap[0].type: must be one of container, "
        "virtual-machine (got 'vm')");
  CHECK(errors[1].message == "must be one of linux, win, osx (got 'windows')");
  CHECK(errors[2].message == "must be one of x64, arm, arm64 (got 'amd64')");
  CHECK(errors[3].message == "must be one of subset, exact (got 'fuzzy')");
}

TEST_CASE("a remote protocol must be lxd or simplestreams", "[config][validation]") {
  const auto result = loadString(kMinimalConfig + R"(remotes:
  images:
    addr: https://images.linuxcontainers.org
    protocol: http
)",
                                 "test.yml");
  const Diagnostic* const error = errorFor(result, "remotes.images.protocol");
  INFO(listing(result));
  REQUIRE(error != nullptr);
  CHECK(error->line == 14);
  CHECK(error->message == "must be one of lxd, simplestreams (got 'http')");
}

TEST_CASE("web_port must be between 0 and 65535", "[config][validation]") {
  for (const std::string port : {"65536", "70000", "-1"}) {
    const auto result = loadString(kMinimalConfig + "web_port: " + port + "\n", "test.yml");
    INFO(listing(result));
    const auto errors = errorsOf(result);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].line == 11);
    CHECK(errors[0].key == "web_port");
    CHECK(errors[0].message == "must be between 0 and 65535 (got " + port + ")");
  }
  // 0: the system picks a free port when the server starts (tests never race for one).
  for (const std::string port : {"0", "1", "65535"}) {
    const auto result = loadString(kMinimalConfig + "web_port: " + port + "\n", "test.yml");
    INFO(listing(result));
    REQUIRE(result.config.has_value());
    CHECK(result.config->web_port == std::stoi(port));
  }
}

TEST_CASE("max_workers must be at least 1, globally and per entry", "[config][validation]") {
  const auto result =
      loadString(kMinimalConfig + "    max_workers: 0\nmax_workers: -3\n", "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].key == "runnermap[0].max_workers");
  CHECK(errors[0].message == "must be at least 1 (got 0)");
  CHECK(errors[1].key == "max_workers");
  CHECK(errors[1].message == "must be at least 1 (got -3)");
}

TEST_CASE("missing required entry keys are reported at the entry", "[config][validation]") {
  const auto result = loadString(R"(pat: fake_github_pat
hooksecret: fake_webhook_secret
web_tls: false
runnermap:
  - name: Small
    labels: [self-hosted]
    type: container
)",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].str() == "test.yml:5:5: error: runnermap[0].image: required key is missing");
  CHECK(errors[1].key == "runnermap[0].runner_os");
  CHECK(errors[2].key == "runnermap[0].runner_arch");
  for (const auto& error : errors) {
    CHECK(error.line == 5);
    CHECK(error.message == "required key is missing");
  }
}

TEST_CASE("a required key with an empty value is an error", "[config][validation]") {
  const auto result = loadString(R"(pat: fake_github_pat
hooksecret: fake_webhook_secret
web_tls: false
runnermap:
  - name: Small
    labels: [self-hosted]
    image:
    type: container
    runner_os: linux
    runner_arch: x64
)",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() == "test.yml:7:5: error: runnermap[0].image: must not be empty");
}

TEST_CASE("runnermap is required and must not be empty", "[config][validation]") {
  const auto missing = loadString("pat: x\nhooksecret: y\nweb_tls: false\n", "test.yml");
  INFO(listing(missing));
  const auto missing_errors = errorsOf(missing);
  REQUIRE(missing_errors.size() == 1);
  CHECK(missing_errors[0].key == "runnermap");
  CHECK_THAT(missing_errors[0].message, Catch::StartsWith("required key is missing"));

  const auto empty = loadString("pat: x\nhooksecret: y\nweb_tls: false\nrunnermap: []\n", "t");
  INFO(listing(empty));
  const auto empty_errors = errorsOf(empty);
  REQUIRE(empty_errors.size() == 1);
  CHECK(empty_errors[0].line == 4);
  CHECK_THAT(empty_errors[0].message, Catch::StartsWith("must be a list with at least one"));
}

TEST_CASE("an empty labels list is an error", "[config][validation]") {
  const auto result = loadString(R"(pat: fake_github_pat
hooksecret: fake_webhook_secret
web_tls: false
runnermap:
  - name: Small
    labels: []
    image: ubuntu/22.04
    type: container
    runner_os: linux
    runner_arch: x64
)",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() ==
        "test.yml:6:13: error: runnermap[0].labels: must list at least one label");
}

TEST_CASE("equal label sets are an error naming both entries", "[config][validation]") {
  const auto result = loadString(R"(pat: fake_github_pat
hooksecret: fake_webhook_secret
web_tls: false
runnermap:
  - name: Small
    labels: [self-hosted, Linux]
    image: ubuntu/22.04
    type: container
    runner_os: linux
    runner_arch: x64
  - name: Big
    labels: [linux, SELF-HOSTED]
    image: ubuntu/22.04
    type: virtual-machine
    runner_os: linux
    runner_arch: x64
)",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].key == "runnermap[1].labels");
  CHECK(errors[0].line == 12);
  CHECK_THAT(errors[0].message, Catch::Contains("runnermap[0] ('Small', line 5)"));
  CHECK_THAT(errors[0].message, Catch::Contains("'Big'"));
  CHECK_THAT(errors[0].message, Catch::Contains("'Small'"));
}

TEST_CASE("labels are compared case-insensitively but kept as written", "[config][validation]") {
  const auto result = loadString(R"(pat: fake_github_pat
hooksecret: fake_webhook_secret
web_tls: false
runnermap:
  - name: Small
    labels: [Self-Hosted, GPU, gpu]
    image: ubuntu/22.04
    type: container
    runner_os: linux
    runner_arch: x64
)",
                                 "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  CHECK(result.config->runnermap[0].labels == std::vector<std::string>{"Self-Hosted", "GPU"});
  const auto warnings = warningsOf(result);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].message == "label 'gpu' is listed twice");
}

TEST_CASE("duplicate entry names are an error naming both entries", "[config][validation]") {
  const auto result = loadString(R"(pat: fake_github_pat
hooksecret: fake_webhook_secret
web_tls: false
runnermap:
  - name: Runner
    labels: [self-hosted, small]
    image: ubuntu/22.04
    type: container
    runner_os: linux
    runner_arch: x64
  - name: Runner
    labels: [self-hosted, big]
    image: ubuntu/22.04
    type: container
    runner_os: linux
    runner_arch: x64
)",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() ==
        "test.yml:11:11: error: runnermap[1].name: duplicate name 'Runner': "
        "runnermap[0] ('Runner', line 5) has it too");
}

TEST_CASE("an image remote prefix must name a configured remote", "[config][validation]") {
  const auto result = loadString(R"(pat: fake_github_pat
hooksecret: fake_webhook_secret
web_tls: false
runnermap:
  - name: Small
    labels: [self-hosted]
    image: nowhere:focal
    type: container
    runner_os: linux
    runner_arch: x64
)",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() ==
        "test.yml:7:12: error: runnermap[0].image: image remote 'nowhere' is "
        "not configured under remotes (configured: main)");
}

TEST_CASE("entry remotes must be configured lxd remotes", "[config][validation]") {
  const auto result = loadString(R"(pat: fake_github_pat
hooksecret: fake_webhook_secret
web_tls: false
remotes:
  images:
    addr: https://images.linuxcontainers.org
    protocol: simplestreams
  cluster1:
    addr: https://lxd1.example.com:8443
runnermap:
  - name: Small
    labels: [self-hosted, small]
    image: images:debian/12
    type: container
    runner_os: linux
    runner_arch: x64
    remotes: [main, cluster1, cluster2]
  - name: Big
    labels: [self-hosted, big]
    image: ubuntu/22.04
    type: container
    runner_os: linux
    runner_arch: x64
    remote: images
lxc_config_dir: )" + dataFile("lxc") +
                                     "\n",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].key == "runnermap[0].remotes");
  CHECK(errors[0].line == 17);
  CHECK(errors[0].message ==
        "remote 'cluster2' is not configured under remotes (configured: main, images, cluster1)");
  CHECK(errors[1].key == "runnermap[1].remote");
  CHECK(errors[1].line == 24);
  CHECK_THAT(errors[1].message, Catch::StartsWith("remote 'images' is a simplestreams image"));
}

TEST_CASE("remote and remotes cannot both be set on an entry", "[config][validation]") {
  const auto result =
      loadString(kMinimalConfig + "    remote: main\n    remotes: [main]\n", "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 12);
  CHECK(errors[0].message == "set either remote or remotes, not both");
}

TEST_CASE("remote addresses and protocols are checked", "[config][validation]") {
  const auto result = loadString(kMinimalConfig + R"(remotes:
  main:
    protocol: simplestreams
  images:
    protocol: simplestreams
  bad:
    addr: ftp://lxd.example.com
  fine:
    addr: https://lxd.example.com:8443
  socket:
    addr: /var/snap/lxd/common/lxd/unix.socket
)",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].key == "remotes.main.protocol");
  CHECK(errors[1].key == "remotes.images.addr");
  CHECK(errors[1].message == "a simplestreams image server needs an https:// URL");
  CHECK(errors[2].key == "remotes.bad.addr");
  CHECK(errors[2].line == 17);
  CHECK_THAT(errors[2].message, Catch::EndsWith("must start with https:// or http://"));
}

TEST_CASE("a YAML syntax error is a single diagnostic with its position", "[config][validation]") {
  const auto result =
      loadString("pat: fake_github_pat\nhooksecret: x\nweb_tls: false: true\n", "test.yml");
  INFO(listing(result));
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(result.diagnostics[0].str() ==
        "test.yml:3:15: error: YAML syntax error: illegal map value");
  CHECK_FALSE(result.config.has_value());
}

TEST_CASE("a YAML document that is not a mapping is one error", "[config][validation]") {
  const auto list = loadString("- pat\n- hooksecret\n", "test.yml");
  REQUIRE(list.diagnostics.size() == 1);
  CHECK(list.diagnostics[0].message == "the configuration must be a mapping of keys (got a list)");
  const auto empty = loadString("# nothing here\n", "test.yml");
  REQUIRE(empty.diagnostics.size() == 1);
  CHECK(empty.diagnostics[0].str() ==
        "test.yml: error: the configuration must be a mapping of "
        "keys (got an empty document)");
}

TEST_CASE("a duplicate YAML key is an error", "[config][validation]") {
  const auto result = loadString(kMinimalConfig + "pat: other\n", "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 11);
  CHECK(errors[0].key == "pat");
  CHECK(errors[0].message == "duplicate key (first written on line 1; only that one is used)");
}

TEST_CASE("a configuration file that cannot be read is a diagnostic", "[config][validation]") {
  const auto result = loadFile("/nonexistent/lxdrunner/config.yml");
  REQUIRE(result.diagnostics.size() == 1);
  CHECK(result.diagnostics[0].str() ==
        "/nonexistent/lxdrunner/config.yml: error: cannot read "
        "the configuration file: No such file or directory");
  CHECK_FALSE(result.ok());
}

TEST_CASE("a secret file that cannot be read is an error naming the path",
          "[config][validation][secrets]") {
  const std::string yaml = "# github_app instead of pat\n" + kHooksecretLine + kTlsOffLine +
                           kRunnermap + "github_app:\n  app_id: 1\n  installation_id: 2\n" +
                           "  private_key: {file: /nonexistent/lxdrunner/key.pem}\n";
  const auto result = loadString(yaml, "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].key == "github_app.private_key.file");
  CHECK(errors[0].line == 14);
  CHECK(errors[0].message ==
        "cannot read secret file '/nonexistent/lxdrunner/key.pem': No such "
        "file or directory");
}

TEST_CASE("an environment secret that is unset or empty is an error",
          "[config][validation][secrets]") {
  const std::string yaml =
      "pat: {env: LXDRUNNER_TEST_UNSET_PAT}\n" + kHooksecretLine + kTlsOffLine + kRunnermap;
  {
    const ScopedEnv unset("LXDRUNNER_TEST_UNSET_PAT", std::nullopt);
    const auto result = loadString(yaml, "test.yml");
    INFO(listing(result));
    const auto errors = errorsOf(result);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].str() ==
          "test.yml:1:12: error: pat.env: environment variable "
          "LXDRUNNER_TEST_UNSET_PAT is not set");
  }
  {
    const ScopedEnv empty("LXDRUNNER_TEST_UNSET_PAT", std::string());
    const auto result = loadString(yaml, "test.yml");
    INFO(listing(result));
    const auto errors = errorsOf(result);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].message == "environment variable LXDRUNNER_TEST_UNSET_PAT is empty");
  }
}

TEST_CASE("pat and github_app together are an error", "[config][validation][auth]") {
  const auto result = loadString(kMinimalConfig + R"(github_app:
  app_id: 12345
  installation_id: 678
  private_key: not-really-a-key
)",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() ==
        "test.yml:12:3: error: github_app: set either pat or github_app, not both");
}

TEST_CASE("neither pat nor github_app is an error", "[config][validation][auth]") {
  const auto result = loadString(kHooksecretLine + kTlsOffLine + kRunnermap, "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].line == 1);
  CHECK_THAT(errors[0].message, Catch::Contains("set pat or github_app"));
}

TEST_CASE("github_app needs positive ids and a private key", "[config][validation][auth]") {
  const auto result = loadString(kHooksecretLine + kTlsOffLine + kRunnermap + R"(github_app:
  app_id: 0
  instalation_id: 5
)",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 4);
  CHECK(errors[0].key == "github_app.installation_id");
  CHECK(errors[0].message == "required key is missing");
  CHECK(errors[1].key == "github_app.private_key");
  CHECK(errors[2].key == "github_app.app_id");
  CHECK(errors[2].message == "must be at least 1 (got 0)");
  CHECK(errors[3].key == "github_app.instalation_id");
  CHECK(errors[3].message == "unknown key; did you mean 'installation_id'?");
}

TEST_CASE("hooksecret is required while the webhook event source is enabled",
          "[config][validation]") {
  const std::string without_hooksecret = kPatLine + kTlsOffLine + kRunnermap;
  const auto result = loadString(without_hooksecret, "test.yml");
  INFO(without_hooksecret << listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].key == "hooksecret");
  CHECK_THAT(errors[0].message, Catch::StartsWith("required key is missing"));

  const auto disabled = loadString(
      without_hooksecret + "event_sources:\n  webhook:\n    enabled: false\n", "test.yml");
  INFO(listing(disabled));
  CHECK(disabled.ok());
  const auto warnings = warningsOf(disabled);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0].key == "event_sources");
  CHECK_THAT(warnings[0].message, Catch::StartsWith("no event source is enabled"));
}

TEST_CASE("prefix must be usable in LXD instance names", "[config][validation]") {
  for (const std::string bad :
       {"LXD", "1runner", "lxd_runner", "", "abcdefghijklmnopqrstuvwxyz123456"}) {
    const auto result = loadString(kMinimalConfig + "prefix: \"" + bad + "\"\n", "test.yml");
    INFO(bad << "\n" << listing(result));
    const Diagnostic* const error = errorFor(result, "prefix");
    REQUIRE(error != nullptr);
    CHECK_THAT(error->message, Catch::StartsWith("must start with a lowercase letter"));
  }
  const auto good = loadString(kMinimalConfig + "prefix: ci-runner2\n", "test.yml");
  REQUIRE(good.config.has_value());
  CHECK(good.config->prefix == "ci-runner2");
}

TEST_CASE("web_host must be an IP address", "[config][validation]") {
  const auto bad = loadString(kMinimalConfig + "web_host: localhost\n", "test.yml");
  const Diagnostic* const error = errorFor(bad, "web_host");
  REQUIRE(error != nullptr);
  CHECK_THAT(error->message, Catch::StartsWith("must be an IP address"));
  const auto good = loadString(kMinimalConfig + "web_host: \"::1\"\n", "test.yml");
  REQUIRE(good.config.has_value());
  CHECK(good.config->web_host == "::1");
}

TEST_CASE("github_api_url must be an http(s) URL and loses one trailing slash",
          "[config][validation]") {
  const auto good =
      loadString(kMinimalConfig + "github_api_url: https://ghe.example.com/api/v3/\n", "t.yml");
  INFO(listing(good));
  REQUIRE(good.config.has_value());
  CHECK(good.config->github_api_url == "https://ghe.example.com/api/v3");

  for (const std::string bad : {"ghe.example.com", "ftp://ghe.example.com",
                                "https://user:pw@ghe.example.com/api/v3", "https://"}) {
    const auto result = loadString(kMinimalConfig + "github_api_url: " + bad + "\n", "t.yml");
    INFO(bad << "\n" << listing(result));
    const Diagnostic* const error = errorFor(result, "github_api_url");
    REQUIRE(error != nullptr);
    CHECK(error->line == 11);
    CHECK_THAT(error->message, !Catch::Contains("pw@"));
  }
}

TEST_CASE("logging levels are checked and info means information", "[config][validation]") {
  const auto good = loadString(kMinimalConfig + R"(logging:
  level: INFO
  format: json
  components:
    github: debug
    lxd: trace
)",
                               "test.yml");
  INFO(listing(good));
  REQUIRE(good.config.has_value());
  CHECK(good.config->logging.level == "information");
  CHECK(good.config->logging.format == LogFormat::Json);
  CHECK(good.config->logging.components ==
        std::map<std::string, std::string>{{"github", "debug"}, {"lxd", "trace"}});

  const auto bad = loadString(kMinimalConfig + R"(logging:
  level: verbose
  components:
    github: loud
)",
                              "test.yml");
  INFO(listing(bad));
  const auto errors = errorsOf(bad);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].key == "logging.level");
  CHECK_THAT(errors[0].message, Catch::StartsWith("must be one of trace, debug, information"));
  CHECK(errors[1].key == "logging.components.github");
}

TEST_CASE("web_tls true without a certificate and key is an error naming both ways out",
          "[config][validation]") {
  // web_tls defaults to true: leaving the key out is the same as writing it.
  for (const std::string tls_line : {"web_tls: true\n", "web_port: 5000\n"}) {
    const auto result = loadString(kPatLine + kHooksecretLine + tls_line + kRunnermap, "t.yml");
    INFO(tls_line << listing(result));
    CHECK_FALSE(result.ok());
    CHECK_FALSE(result.config.has_value());
    const auto errors = errorsOf(result);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].key == "web_tls");
    CHECK(errors[0].message ==
          "web_tls is true but web_tls_cert and web_tls_key are not set: set both (a "
          "certificate and its key), or set web_tls: false behind a TLS-terminating proxy");
    CHECK(warningsOf(result).empty());
  }
}

TEST_CASE("TLS certificate and key go together", "[config][validation]") {
  const std::string tls_on = kPatLine + kHooksecretLine + "web_tls: true\n" + kRunnermap;
  const auto only_cert = loadString(tls_on + "web_tls_cert: /etc/ssl/lxdrunner.crt\n", "t.yml");
  INFO(tls_on << listing(only_cert));
  const auto errors = errorsOf(only_cert);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() == "t.yml:11:15: error: web_tls_key: is required when web_tls_cert is set");

  const auto both = loadString(
      tls_on + "web_tls_cert: /etc/ssl/lxdrunner.crt\nweb_tls_key: /etc/ssl/lxdrunner.key\n",
      "t.yml");
  INFO(listing(both));
  CHECK(both.ok());
  CHECK(both.diagnostics.empty());
}

TEST_CASE("every problem is reported at once: three mistakes, three errors",
          "[config][validation]") {
  const auto result = loadFile(dataFile("three_mistakes.yml"));
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 3);
  CHECK(result.warningCount() == 0);
  CHECK(errors[0].line == 6);
  CHECK(errors[0].key == "web_port");
  CHECK(errors[1].line == 14);
  CHECK(errors[1].key == "runnermap[0].max_worker");
  CHECK(errors[2].line == 23);
  CHECK(errors[2].key == "runnermap[1].devices");
  CHECK_FALSE(result.config.has_value());
}

TEST_CASE("a bad label is reported alone, without a follow-up label-set error",
          "[config][validation]") {
  const auto result = loadString(R"(pat: fake_github_pat
hooksecret: fake_webhook_secret
web_tls: false
runnermap:
  - name: Small
    labels: [self-hosted, {gpu: 1}]
    image: ubuntu/22.04
    type: container
    runner_os: linux
    runner_arch: x64
  - name: Big
    labels: [self-hosted]
    image: ubuntu/22.04
    type: container
    runner_os: linux
    runner_arch: x64
)",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].key == "runnermap[0].labels[1]");
  CHECK(errors[0].message == "must be a non-empty string (got a mapping)");
}
