// SPDX-License-Identifier: Apache-2.0
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include "lxdrunner/sdk/fake_host.hpp"
#include "motd_provisioner.hpp"

using lxdrunner::sdk::ExecRequest;
using lxdrunner::sdk::ExecResult;
using lxdrunner::sdk::FakeHost;
using lxdrunner::sdk::InstanceRef;

namespace {
lxdr_status provision(FakeHost::Instance& plugin, const InstanceRef& ref, std::string& log) {
  lxdr_provision_request req{};
  req.struct_size = sizeof(req);
  req.instance = ref.toC();
  lxdr_sink sink = lxdrunner::sdk::stringSink(log);
  return plugin.ops<lxdr_provisioner_ops>().provision(plugin.handle(), &req, &sink);
}
}  // namespace

TEST_CASE("writes the configured message and verifies it") {
  FakeHost host;
  host.onExec = [&](const InstanceRef&, const ExecRequest& r) {
    REQUIRE(r.argv == std::vector<std::string>{"cat", "/etc/motd"});
    return ExecResult{0, host.files()["/etc/motd"].content, ""};
  };
  // The plugin's settings, as under plugins.example-motd in config.yml.
  auto plugin = host.create<example::MotdProvisioner>(R"({"message":"Hello from CI"})");
  std::string log;
  REQUIRE(provision(plugin, {"runner-1", "main", "lxd-container"}, log) == LXDR_OK);
  CHECK(host.files()["/etc/motd"].content == "Hello from CI\n");
  CHECK(host.files()["/etc/motd"].mode == 0644);
  CHECK(log == "motd: Hello from CI\n");
}

TEST_CASE("a failing check is a transient error with the command's stderr") {
  FakeHost host;
  host.onExec = [](const InstanceRef&, const ExecRequest&) {
    return ExecResult{1, "", "cat: /etc/motd: Read-only file system"};
  };
  auto plugin = host.create<example::MotdProvisioner>();
  std::string log;
  CHECK(provision(plugin, {"runner-1", "main", "lxd-container"}, log) == LXDR_ERR_TRANSIENT);
  CHECK(plugin.lastError() == "cat /etc/motd exited 1: cat: /etc/motd: Read-only file system");
}
