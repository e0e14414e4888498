// SPDX-License-Identifier: Apache-2.0
// The host bounds the deadline a plugin gives an instance operation: a plugin passing 0
// ("none", the SDK's default) or a far-off time must not make a backend wait on LXD without
// end. The test backend keeps the deadline each operation got as /.deadline/<operation>.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "lxdrunner/sdk/host.hpp"
#include "lxdrunner/sdk/strings.hpp"
#include "plugin_host/plugin_host.hpp"
#include "test_plugins.hpp"

using lxdrunner::plugin_host::hostApi;
using lxdrunner::plugin_host::HostContext;
using lxdrunner::plugin_host::PluginHost;
using lxdrunner::sdk::slice;
using lxdrunner::test::testPlugin;

TEST_CASE("a plugin's instance operations wait no longer than the host's limit",
          "[host_services]") {
  PluginHost plugins;
  plugins.registry().loadFile(testPlugin("test_good"));
  std::string error;
  auto* backend = plugins.instantiate("test-backend", LXDR_KIND_BACKEND, "{}", error);
  REQUIRE(backend != nullptr);
  lxdr_launch_request launch{};
  launch.struct_size = sizeof(launch);
  launch.instance_name = slice("lxdrunner-d1");
  std::string remote;
  REQUIRE(backend->launch(launch, remote).ok());

  constexpr int64_t kLimitMs = 300000;
  plugins.services().instance_wait_limit_ms = kLimitMs;
  HostContext ctx;
  ctx.plugin_name = "careless-provisioner";
  ctx.services = &plugins.services();
  const lxdrunner::sdk::Host host(hostApi(), &ctx);
  const lxdrunner::sdk::InstanceRef instance{"lxdrunner-d1", "main", "test-backend"};
  // What the backend got for `operation` (read with an exec, which notes its own).
  auto deadlineGot = [&](const std::string& operation) {
    lxdrunner::sdk::ExecRequest cat{{"cat", "/.deadline/" + operation}, {}, 0, "", "", 0};
    return std::stoll(host.exec(instance, cat).out);
  };
  auto operationsWith = [&](int64_t deadline_ms) {
    lxdrunner::sdk::FilePush file = lxdrunner::sdk::FilePush::fromContent("/f", "x");
    file.deadline_ms = deadline_ms;
    host.pushFile(instance, file);
    host.pullFile(instance, "/f", deadline_ms);
    host.attachDevice(instance, "disk", "{}", deadline_ms);
  };
  const char* const kOperations[] = {"push_file", "pull_file", "attach_device"};

  for (const int64_t asked : {int64_t{0}, std::numeric_limits<int64_t>::max()}) {
    INFO("deadline_ms asked: " << asked);
    const int64_t before = host.nowMs();
    operationsWith(asked);
    const int64_t after = host.nowMs();
    for (const char* operation : kOperations) {
      INFO(operation);
      const int64_t got = deadlineGot(operation);
      CHECK(got >= before + kLimitMs);
      CHECK(got <= after + kLimitMs);
    }
  }
  const int64_t soon = host.nowMs() + 5000;  // within the limit: passed on as it is
  operationsWith(soon);
  for (const char* operation : kOperations) CHECK(deadlineGot(operation) == soon);
  // exec's own deadline: the one deadlineGot() passes is 0, so it is bounded too.
  const int64_t before = host.nowMs();
  const int64_t got = deadlineGot("exec");
  CHECK(got >= before + kLimitMs);
  CHECK(got <= host.nowMs() + kLimitMs);
}
