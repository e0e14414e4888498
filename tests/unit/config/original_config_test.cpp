// SPDX-License-Identifier: Apache-2.0
// The original (Python) lxdrunner's config.yml must keep working unchanged.
#include <catch2/catch.hpp>

#include "config/web_tls.hpp"
#include "test_support.hpp"

using namespace lxdrunner::config;
using namespace lxdrunner::config::test;

TEST_CASE("original config.yml: web_tls without a certificate is its one error",
          "[config][compat]") {
  // The original served HTTPS with a throw-away self-signed certificate; lxdrunner needs a
  // real one, or plain HTTP behind a proxy. check-config must say so, not pass the file.
  const auto result = loadFile(dataFile("original.yml"));
  INFO(listing(result));
  CHECK_FALSE(result.ok());
  const auto errors = errorsOf(result);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].str() == dataFile("original.yml") +
                               ":8:10: error: web_tls: " + std::string(kWebTlsWithoutCertificate));
  CHECK(warningsOf(result).empty());
}

TEST_CASE("original config.yml with a certificate and key loads without errors",
          "[config][compat]") {
  const auto result = loadWithTlsFiles(dataFile("original.yml"));
  INFO(listing(result));
  CHECK(result.ok());
  CHECK(result.diagnostics.empty());
  REQUIRE(result.config.has_value());
  CHECK(result.config->source_file == dataFile("original.yml"));
}

TEST_CASE("original config.yml keeps its values", "[config][compat]") {
  const auto result = loadWithTlsFiles(dataFile("original.yml"));
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  const Config& config = *result.config;

  CHECK(config.pat.reveal() == "fake_github_pat");
  CHECK(config.pat.source() == Secret::Source::Inline);
  CHECK(config.hooksecret.reveal() == "fake_webhook_secret");
  CHECK_FALSE(config.github_app.has_value());
  CHECK(config.prefix == "lxdrunner");
  CHECK(config.max_workers == 10);
  CHECK(config.web_host == "0.0.0.0");
  CHECK(config.web_port == 5000);
  CHECK(config.web_tls);  // written as Python's `True`

  REQUIRE(config.remotes.size() == 3);
  CHECK(config.remotes[0].name == "main");
  CHECK(config.remotes[0].addr.empty());
  CHECK(config.remotes[0].protocol == Remote::Protocol::Lxd);
  const Remote* const images = config.findRemote("images");
  REQUIRE(images != nullptr);
  CHECK(images->addr == "https://images.linuxcontainers.org");
  CHECK(images->protocol == Remote::Protocol::SimpleStreams);
  CHECK(config.findRemote("ubuntu") != nullptr);
  CHECK(config.findRemote("nowhere") == nullptr);

  REQUIRE(config.runnermap.size() == 3);
  const RunnerEntry& container = config.runnermap[0];
  CHECK(container.name == "Ubuntu - Container Runner");
  CHECK(container.labels == std::vector<std::string>{"self-hosted"});
  CHECK(container.image == "ubuntu:focal");
  CHECK(container.image_remote == "ubuntu");
  CHECK(container.image_alias == "focal");
  CHECK(container.type == InstanceType::Container);
  CHECK(container.runner_os == RunnerOs::Linux);
  CHECK(container.runner_arch == RunnerArch::X64);

  const RunnerEntry& vm = config.runnermap[1];
  CHECK(vm.labels == std::vector<std::string>{"self-hosted", "vm"});
  CHECK(vm.type == InstanceType::VirtualMachine);

  const RunnerEntry& debian = config.runnermap[2];
  CHECK(debian.image_remote == "images");
  CHECK(debian.image_alias == "debian/11/cloud");
  CHECK(debian.profiles == std::vector<std::string>{"default"});
}

TEST_CASE("original config.yml gets the documented defaults", "[config][compat][defaults]") {
  const auto result = loadWithTlsFiles(dataFile("original.yml"));
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  const Config& config = *result.config;

  CHECK(config.github_api_url == "https://api.github.com");
  CHECK(config.cleanup);
  CHECK(config.state_dir == "/var/lib/lxdrunner");
  CHECK(config.runner_cache_dir == "/var/lib/lxdrunner/runner-cache");
  CHECK(config.plugin_dirs.empty());
  CHECK(config.plugins.empty());
  CHECK(config.logging.level == "information");
  CHECK(config.logging.format == LogFormat::Text);
  CHECK(config.logging.components.empty());
  REQUIRE(config.event_sources.size() == 1);
  CHECK(config.event_sources[0].name == "webhook");
  CHECK(config.event_sources[0].enabled);
  CHECK(config.event_sources[0].settings_json == R"({"path":"/hooks/lxdrunner"})");

  for (const auto& entry : config.runnermap) {
    INFO(entry.name);
    CHECK(entry.profiles == std::vector<std::string>{"default"});
    CHECK(entry.max_workers == 10);
    CHECK(entry.provisioner == "bash");
    CHECK(entry.match == LabelMatch::Subset);
    CHECK(entry.remotes == std::vector<std::string>{"main"});
    CHECK(entry.target.empty());
    CHECK(entry.config.empty());
    CHECK(entry.devices.empty());
    CHECK(entry.provisioner_options_json == "{}");
    CHECK(entry.runner_group.empty());
    CHECK(entry.ephemeral);
    CHECK(entry.setup_script.empty());
  }
  CHECK(config.runnermap[0].backend == "lxd-container");
  CHECK(config.runnermap[1].backend == "lxd-vm");
  CHECK(config.runnermap[2].backend == "lxd-container");
}
