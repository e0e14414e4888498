// SPDX-License-Identifier: Apache-2.0
// The keys added since the original lxdrunner: per-entry LXD settings, plugins, paths.
#include <catch2/catch.hpp>

#include "config/render.hpp"
#include "test_support.hpp"

using namespace lxdrunner::config;
using namespace lxdrunner::config::test;

namespace {

const std::string kFullEntry = R"(pat: fake_github_pat
hooksecret: fake_webhook_secret
web_tls: false
remotes:
  gpu-host:
    addr: https://gpu.example.com:8443
runnermap:
  - name: GPU VM
    labels: [self-hosted, gpu]
    image: ubuntu/22.04
    type: virtual-machine
    runner_os: linux
    runner_arch: arm64
    profiles: [default, gpu]
    setup_script: /etc/lxdrunner/gpu-setup.sh
    max_workers: 2
    backend: my-backend
    provisioner: cloud-init
    match: exact
    remote: gpu-host
    target: node2
    config:
      limits.cpu: 4
      security.secureboot: false
      limits.memory: 8GiB
    devices:
      gpu0: {type: gpu, gputype: physical}
      root: {type: disk, path: /, pool: fast, size: 40GiB}
    provisioner_options:
      packages: [build-essential, "2"]
      retries: 3
      verbose: true
      note: "true"
    runner_group: gpu-runners
    ephemeral: false
)";

// gpu-host is an HTTPS remote: its certificates come from a stand-in of lxc's directory.
std::string fullEntry() {
  return kFullEntry + "lxc_config_dir: " + dataFile("lxc") + "\n";
}

}  // namespace

TEST_CASE("every per-entry key is read", "[config][entries]") {
  const auto result = loadString(fullEntry(), "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  CHECK(result.diagnostics.empty());
  const RunnerEntry& entry = result.config->runnermap.at(0);
  CHECK(entry.runner_arch == RunnerArch::Arm64);
  CHECK(entry.profiles == std::vector<std::string>{"default", "gpu"});
  CHECK(entry.setup_script == "/etc/lxdrunner/gpu-setup.sh");
  CHECK(entry.max_workers == 2);
  CHECK(entry.backend == "my-backend");  // written, so not derived from type
  CHECK(entry.provisioner == "cloud-init");
  CHECK(entry.match == LabelMatch::Exact);
  CHECK(entry.remotes == std::vector<std::string>{"gpu-host"});
  CHECK(entry.target == "node2");
  CHECK(entry.runner_group == "gpu-runners");
  CHECK_FALSE(entry.ephemeral);
}

TEST_CASE("LXD config and device values are kept as strings", "[config][entries]") {
  const auto result = loadString(fullEntry(), "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  const RunnerEntry& entry = result.config->runnermap.at(0);
  CHECK(entry.config == std::map<std::string, std::string>{{"limits.cpu", "4"},
                                                           {"security.secureboot", "false"},
                                                           {"limits.memory", "8GiB"}});
  REQUIRE(entry.devices.size() == 2);
  CHECK(entry.devices.at("gpu0") ==
        std::map<std::string, std::string>{{"type", "gpu"}, {"gputype", "physical"}});
  CHECK(entry.devices.at("root").at("size") == "40GiB");
}

TEST_CASE("provisioner_options become JSON with YAML types kept", "[config][entries]") {
  const auto result = loadString(fullEntry(), "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  CHECK(result.config->runnermap.at(0).provisioner_options_json ==
        R"({"packages":["build-essential","2"],"retries":3,"verbose":true,"note":"true"})");
}

TEST_CASE("LXD config values must be scalars and devices need a type", "[config][entries]") {
  const auto result = loadString(kMinimalConfig + R"(    config:
      limits.cpu: [1, 2]
    devices:
      eth0: {nictype: bridged}
)",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].key == "runnermap[0].config.limits.cpu");
  CHECK(errors[0].message == "must be a string, number or boolean (got a list)");
  CHECK(errors[1].key == "runnermap[0].devices.eth0");
  CHECK_THAT(errors[1].message, Catch::StartsWith("needs a type"));
}

TEST_CASE("event source settings are passed on as JSON without enabled", "[config][plugins]") {
  const auto result = loadString(kMinimalConfig + R"(event_sources:
  webhook:
    path: /github/events
  poller:
    enabled: false
    interval: 30
    repos: [me/app, me/lib]
    label: "30"
  other:
)",
                                 "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  const auto& sources = result.config->event_sources;
  REQUIRE(sources.size() == 3);
  CHECK(sources[0].name == "webhook");
  CHECK(sources[0].enabled);
  CHECK(sources[0].settings_json == R"({"path":"/github/events"})");
  CHECK(sources[1].name == "poller");
  CHECK_FALSE(sources[1].enabled);
  CHECK(sources[1].settings_json == R"({"interval":30,"repos":["me/app","me/lib"],"label":"30"})");
  CHECK(sources[2].name == "other");
  CHECK(sources[2].enabled);
  CHECK(sources[2].settings_json == "{}");
}

TEST_CASE("the webhook gets its default path and a bad path is an error", "[config][plugins]") {
  const auto defaulted =
      loadString(kMinimalConfig + "event_sources:\n  webhook: {enabled: true}\n", "test.yml");
  INFO(listing(defaulted));
  REQUIRE(defaulted.config.has_value());
  CHECK(defaulted.config->event_sources.at(0).settings_json == R"({"path":"/hooks/lxdrunner"})");

  const auto bad =
      loadString(kMinimalConfig + "event_sources:\n  webhook: {path: hooks}\n", "test.yml");
  INFO(listing(bad));
  const auto errors = errorsOf(bad);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].key == "event_sources.webhook.path");
  CHECK_THAT(errors[0].message, Catch::StartsWith("must be a URL path starting with '/'"));
}

TEST_CASE("plugin settings are passed on as JSON", "[config][plugins]") {
  const auto result = loadString(kMinimalConfig + R"(plugins:
  lxd-container:
    wait_seconds: 120
    debug: true
  cloud-init:
plugin_dirs: [/opt/lxdrunner/plugins, ./plugins]
)",
                                 "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  CHECK(result.config->plugins ==
        std::map<std::string, std::string>{
            {"lxd-container", R"({"wait_seconds":120,"debug":true})"}, {"cloud-init", "{}"}});
  CHECK(result.config->plugin_dirs ==
        std::vector<std::string>{"/opt/lxdrunner/plugins", "./plugins"});
}

TEST_CASE("plugin names are checked", "[config][plugins]") {
  const auto result = loadString(kMinimalConfig +
                                     "    backend: \"my backend\"\nplugins:\n"
                                     "  Bad: {}\n",
                                 "test.yml");
  INFO(listing(result));
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 2);
  CHECK(errors[0].key == "runnermap[0].backend");
  CHECK_THAT(errors[0].message, Catch::Contains("is not a valid plugin name"));
  CHECK(errors[1].key == "plugins.Bad");
}

TEST_CASE("state_dir moves the runner cache with it", "[config][paths]") {
  const auto result = loadString(kMinimalConfig + "state_dir: /srv/lxdrunner/\n", "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  CHECK(result.config->state_dir == "/srv/lxdrunner/");
  CHECK(result.config->runner_cache_dir == "/srv/lxdrunner/runner-cache");
}

TEST_CASE("provisioners: steps, then the provisioner that starts the runner", "[config][entries]") {
  const auto result = loadString(kMinimalConfig +
                                     "    provisioners: [job-env, certs, bash]\n"
                                     "    step_options:\n"
                                     "      job-env: {path: /etc/job.env, mode: 384}\n"
                                     "    provisioner_options: {user: ci}\n",
                                 "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  CHECK(result.diagnostics.empty());
  const RunnerEntry& entry = result.config->runnermap.at(0);
  CHECK(entry.steps == std::vector<std::string>{"job-env", "certs"});
  CHECK(entry.provisioner == "bash");
  CHECK(entry.step_options_json ==
        std::map<std::string, std::string>{{"job-env", R"({"path":"/etc/job.env","mode":384})"}});
  CHECK(entry.provisioner_options_json == R"({"user":"ci"})");
  // Shown (and loaded back) as a chain; plugins see the steps in the entry's JSON.
  const std::string rendered = renderEffective(*result.config);
  CHECK_THAT(rendered, Catch::Contains("provisioners: [job-env, certs, bash]"));
  const auto again = loadString(rendered, "rendered.yml");
  INFO(listing(again));
  REQUIRE(again.config.has_value());
  CHECK(again.config->runnermap.at(0).steps == entry.steps);
  CHECK(again.config->runnermap.at(0).step_options_json == entry.step_options_json);
  CHECK_THAT(entryToJson(entry), Catch::Contains(R"("steps":["job-env","certs"])"));
}

TEST_CASE("a chain of one is provisioner: NAME; entries without steps look as before",
          "[config][entries]") {
  const auto result = loadString(kMinimalConfig + "    provisioners: [image]\n", "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  const RunnerEntry& entry = result.config->runnermap.at(0);
  CHECK(entry.provisioner == "image");
  CHECK(entry.steps.empty());
  CHECK_THAT(entryToJson(entry), !Catch::Contains("steps"));  // warm-pool hashes unchanged
}

TEST_CASE("bad provisioner chains are refused with the key", "[config][entries]") {
  struct Case {
    std::string yaml;
    std::string key;
    std::string message;
  };
  const std::vector<Case> cases{
      {"    provisioner: bash\n    provisioners: [a, bash]\n", "runnermap[0].provisioners",
       "set either provisioner or provisioners"},
      {"    provisioners: []\n", "runnermap[0].provisioners", "must name at least"},
      {"    provisioners: [a, a, bash]\n", "runnermap[0].provisioners", "names 'a' twice"},
      {"    provisioners: [Bad, bash]\n", "runnermap[0].provisioners", "not a valid plugin name"},
      {"    provisioners: [a, bash]\n    step_options: {bash: {x: 1}}\n",
       "runnermap[0].step_options.bash", "is not a step of this entry's provisioners"},
      {"    provisioners: [a, bash]\n    step_options: {a: 3}\n", "runnermap[0].step_options.a",
       ""},
  };
  for (const auto& c : cases) {
    const auto result = loadString(kMinimalConfig + c.yaml, "test.yml");
    INFO(c.yaml << listing(result));
    const auto errors = errorsOf(result);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].key == c.key);
    CHECK_THAT(errors[0].message, Catch::Contains(c.message));
  }
}

TEST_CASE("runner_scope: per entry, with a global default", "[config][entries]") {
  SECTION("not written: auto, the original's rule") {
    const auto result = loadString(kMinimalConfig, "test.yml");
    INFO(listing(result));
    REQUIRE(result.config.has_value());
    CHECK(result.config->runner_scope == RunnerScope::Auto);
    CHECK(result.config->runnermap.at(0).runner_scope == RunnerScope::Auto);
  }
  SECTION("the global default fills entries that do not say") {
    const auto result = loadString("runner_scope: repo\n" + kMinimalConfig, "test.yml");
    INFO(listing(result));
    REQUIRE(result.config.has_value());
    CHECK(result.config->runnermap.at(0).runner_scope == RunnerScope::Repo);
  }
  SECTION("an entry's own wins") {
    const auto result = loadString(
        "runner_scope: repo\n" + kMinimalConfig + "    runner_scope: org\n    runner_group: gpu\n",
        "test.yml");
    INFO(listing(result));
    REQUIRE(result.config.has_value());
    CHECK(result.config->runnermap.at(0).runner_scope == RunnerScope::Org);
    CHECK(result.config->runnermap.at(0).runner_group == "gpu");
    const std::string rendered = renderEffective(*result.config);
    CHECK(rendered.find("runner_scope: repo") != std::string::npos);
    CHECK(rendered.find("runner_scope: org") != std::string::npos);
    CHECK(entryToJson(result.config->runnermap.at(0)).find(R"("runner_scope":"org")") !=
          std::string::npos);
  }
}

TEST_CASE("runner_scope errors", "[config][entries][validation]") {
  SECTION("an unknown scope") {
    const auto result = loadString(kMinimalConfig + "    runner_scope: enterprise\n", "test.yml");
    INFO(listing(result));
    const auto errors = errorsOf(result);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].key == "runnermap[0].runner_scope");
    CHECK_FALSE(result.config.has_value());
  }
  SECTION("a runner group with repository runners") {
    const auto result = loadString(
        kMinimalConfig + "    runner_scope: repo\n    runner_group: gpu-runners\n", "test.yml");
    INFO(listing(result));
    const auto errors = errorsOf(result);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].key == "runnermap[0].runner_group");
    CHECK(errors[0].message.find("needs organisation runners, but runner_scope is repo") !=
          std::string::npos);
  }
  SECTION("the same through the global default") {
    const auto result = loadString(
        "runner_scope: repo\n" + kMinimalConfig + "    runner_group: gpu-runners\n", "test.yml");
    CHECK(errorsOf(result).size() == 1);
  }
}
