// SPDX-License-Identifier: Apache-2.0
// lxd-container loaded from the built lxd_backends.so through its C entry points, with the
// SDK's FakeHost as the daemon, against the real LXD.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "backend_plugin.hpp"
#include "real_lxd.hpp"

using namespace lxdrunner;
using lxdtest::BackendCalls;
using lxdtest::InstanceGuard;
using lxdtest::seconds;
using lxdtest::uniqueName;

namespace {

std::string manager() {
  return "lxdrt-plugin-" + std::to_string(::getpid());
}

std::string pluginConfig(const std::string& main_addr = "") {
  return R"({"manager":")" + manager() + R"(","launch_timeout_s":120,"remotes":{"main":{"addr":")" +
         main_addr + R"(","protocol":"lxd"}}})";
}

std::string entry(const std::string& image = lxdtest::kTestImage,
                  const std::string& profiles = R"(["default"])", bool ephemeral = false,
                  const std::string& devices = "{}") {
  return R"({"name":"small","labels":["self-hosted"],"image":")" + image +
         R"(","image_remote":"","image_alias":")" + image + R"(","type":"container","profiles":)" +
         profiles +
         R"(,"remotes":["main"],"target":"","config":{"limits.cpu":"1","limits.memory":"256MiB"},)"
         R"("devices":)" +
         devices + R"(,"ephemeral":)" + (ephemeral ? "true" : "false") + "}";
}

int64_t in(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch() + s)
      .count();
}

sdk::InstanceRef ref(const std::string& name) {
  return {name, "main", "lxd-container"};
}

}  // namespace

TEST_CASE("lxd-container: launch, exec, files, device, list, destroy through the plugin",
          "[lxd][real][plugin]") {
  sdk::FakeHost host;
  auto plugin = lxdtest::createBackend(host, "lxd-container", pluginConfig());
  BackendCalls calls{plugin, {}};
  lxd::LxdClient client(lxdtest::localRemote());
  const std::string name = uniqueName("plugin");
  InstanceGuard guard(client, name);

  std::string remote;
  // A device pool item as the launch gets it (withHeldDevices): listed back by list_instances.
  const std::string tty =
      R"({"tty":{"type":"unix-char","source":"/dev/zero","path":"/dev/lxdr0"}})";
  REQUIRE(calls.launch(name, entry(lxdtest::kTestImage, R"(["default"])", false, tty), 98765,
                       in(std::chrono::seconds(120)), remote) == LXDR_OK);
  CHECK(remote == "main");
  auto info = client.instance(name, seconds(10));
  REQUIRE(info);
  CHECK(info->status == "Running");
  CHECK(info->config.at("user.lxdrunner.manager") == manager());
  CHECK(info->config.at("user.lxdrunner.entry") == "small");
  CHECK(info->config.at("user.lxdrunner.job") == "98765");
  CHECK(info->config.at("limits.memory") == "256MiB");
  CHECK_FALSE(info->ephemeral);

  sdk::ExecRequest req;
  req.argv = {"sh", "-c", "echo \"$A\"; cat"};
  req.env = {"A=from env"};
  req.stdin_data = "from stdin";
  sdk::ExecResult result;
  REQUIRE(calls.exec(ref(name), req, result) == LXDR_OK);
  CHECK(result.exit_code == 0);
  CHECK(result.out == "from env\nfrom stdin");

  req = {};
  req.argv = {"no-such-command"};
  result = {};
  REQUIRE(calls.exec(ref(name), req, result) == LXDR_OK);
  CHECK(result.exit_code == 127);

  REQUIRE(calls.push(ref(name), "/root/hello.txt", "hello through the ABI\n", 0600, 1000, 1000) ==
          LXDR_OK);
  std::string pulled;
  REQUIRE(calls.pull(ref(name), "/root/hello.txt", pulled) == LXDR_OK);
  CHECK(pulled == "hello through the ABI\n");
  std::string missing;
  CHECK(calls.pull(ref(name), "/root/none", missing) == LXDR_ERR_NOT_FOUND);

  REQUIRE(
      calls.attach(ref(name), "scratch",
                   R"({"type":"disk","source":"/tmp","path":"/mnt/host-tmp","readonly":"true"})") ==
      LXDR_OK);
  CHECK(client.instance(name, seconds(10))->devices.at("scratch").at("path") == "/mnt/host-tmp");

  std::string json;
  REQUIRE(calls.list(json) == LXDR_OK);
  Poco::JSON::Parser parser;
  auto list = parser.parse(json).extract<Poco::JSON::Array::Ptr>();
  REQUIRE(list->size() == 1);
  auto item = list->getObject(0);
  CHECK(item->getValue<std::string>("name") == name);
  CHECK(item->getValue<std::string>("remote") == "main");
  CHECK(item->getValue<std::string>("entry") == "small");
  CHECK(item->getValue<Poco::UInt64>("job_id") == 98765);
  CHECK(item->getValue<std::string>("status") == "running");
  CHECK(item->getValue<std::string>("created").size() == 20);
  // ABI 1.1 "devices": the instance's own, the attached one included, not its profile's.
  auto devices = item->getObject("devices");
  REQUIRE(devices);
  auto listed_tty = devices->getObject("tty");
  REQUIRE(listed_tty);
  CHECK(listed_tty->getValue<std::string>("type") == "unix-char");
  CHECK(listed_tty->getValue<std::string>("source") == "/dev/zero");
  CHECK(listed_tty->getValue<std::string>("path") == "/dev/lxdr0");
  REQUIRE(devices->getObject("scratch"));
  CHECK(devices->getObject("scratch")->getValue<std::string>("path") == "/mnt/host-tmp");
  CHECK_FALSE(devices->has("root"));  // the default profile's

  REQUIRE(calls.destroy(ref(name), in(std::chrono::seconds(60))) == LXDR_OK);
  CHECK_FALSE(client.instance(name, seconds(10)));
  CHECK(calls.destroy(ref(name), in(std::chrono::seconds(60))) == LXDR_OK);  // idempotent
  sdk::ExecResult none;
  CHECK(calls.exec(ref(name), req, none) == LXDR_ERR_NOT_FOUND);
  json.clear();
  REQUIRE(calls.list(json) == LXDR_OK);
  CHECK(json == "[]");
}

TEST_CASE("lxd-container: destroying an ephemeral instance that vanishes on stop",
          "[lxd][real][plugin]") {
  sdk::FakeHost host;
  auto plugin = lxdtest::createBackend(host, "lxd-container", pluginConfig());
  BackendCalls calls{plugin, {}};
  lxd::LxdClient client(lxdtest::localRemote());
  const std::string name = uniqueName("plugin-eph");
  InstanceGuard guard(client, name);
  std::string remote;
  REQUIRE(calls.launch(name, entry(lxdtest::kTestImage, R"(["default"])", true), 1,
                       in(std::chrono::seconds(120)), remote) == LXDR_OK);
  CHECK(client.instance(name, seconds(10))->ephemeral);
  CHECK(calls.destroy(ref(name), in(std::chrono::seconds(60))) == LXDR_OK);
  CHECK_FALSE(client.instance(name, seconds(10)));
}

TEST_CASE("lxd-container: launch errors are one clear line each", "[lxd][real][plugin]") {
  sdk::FakeHost host;
  auto plugin = lxdtest::createBackend(host, "lxd-container", pluginConfig());
  BackendCalls calls{plugin, {}};
  lxd::LxdClient client(lxdtest::localRemote());
  std::string remote;

  SECTION("image missing") {
    const std::string name = uniqueName("noimage");
    InstanceGuard guard(client, name);
    CHECK(calls.launch(name, entry("lxdrt-no-such-image"), 1, in(std::chrono::seconds(60)),
                       remote) == LXDR_ERR_NOT_FOUND);
    CHECK(calls.error ==
          "image alias 'lxdrt-no-such-image' not found on remote 'main': import it or fix "
          "runnermap[].image");
    CHECK_FALSE(client.instance(name, seconds(10)));
  }
  SECTION("profile missing") {
    const std::string name = uniqueName("noprofile");
    InstanceGuard guard(client, name);
    CHECK(calls.launch(name, entry(lxdtest::kTestImage, R"(["default","lxdrt-no-such-profile"])"),
                       1, in(std::chrono::seconds(60)), remote) == LXDR_ERR_NOT_FOUND);
    CHECK(calls.error ==
          "profile 'lxdrt-no-such-profile' not found on remote 'main': create it or fix "
          "runnermap[].profiles");
    CHECK_FALSE(client.instance(name, seconds(10)));
  }
  SECTION("name conflict: the existing instance is left alone") {
    const std::string name = uniqueName("taken");
    InstanceGuard guard(client, name);
    lxd::InstanceSpec other;
    other.name = name;
    other.image.alias = lxdtest::kTestImage;
    client.createInstance(other, seconds(60));
    CHECK(calls.launch(name, entry(), 1, in(std::chrono::seconds(60)), remote) ==
          LXDR_ERR_ALREADY_EXISTS);
    CHECK_THAT(calls.error, Catch::StartsWith("instance '" + name +
                                              "' already exists on remote "
                                              "'main'"));
    CHECK(client.instance(name, seconds(10)));
  }
  SECTION("illegal name") {
    CHECK(calls.launch("lxdrt_bad", entry(), 1, 0, remote) == LXDR_ERR_INVALID_ARGUMENT);
    CHECK_THAT(calls.error, Catch::Contains("not a legal LXD name"));
  }
  SECTION("no such remote") {
    std::string bad = entry();
    bad.replace(bad.find(R"(["main"])"), 8, R"(["elsewhere"])");
    CHECK(calls.launch(uniqueName("noremote"), bad, 1, 0, remote) == LXDR_ERR_INVALID_ARGUMENT);
    CHECK(calls.error == "remote 'elsewhere' is not configured: add it under remotes");
  }
}

TEST_CASE("lxd-container: a missing socket is one line naming it", "[lxd][real][plugin]") {
  sdk::FakeHost host;
  auto plugin =
      lxdtest::createBackend(host, "lxd-container", pluginConfig("/run/lxdrt-missing/unix.socket"));
  BackendCalls calls{plugin, {}};
  std::string remote;
  CHECK(calls.launch(uniqueName("nosocket"), entry(), 1, in(std::chrono::seconds(30)), remote) ==
        LXDR_ERR_TRANSIENT);
  CHECK(calls.error ==
        "LXD socket /run/lxdrt-missing/unix.socket not found: is LXD running? (start it, or set "
        "remotes.main.addr)");
  CHECK(calls.error.find('\n') == std::string::npos);
}

TEST_CASE("lxd-container: launches spread over remotes, refused when all are full",
          "[lxd][real][plugin]") {
  // "a" and "b" are the same local LXD under two names, so both see the same instances:
  // without limits, launches alternate; with max_instances 4, a fifth launch is refused.
  lxd::LxdClient client(lxdtest::localRemote());
  std::string spread_entry = entry();
  spread_entry.replace(spread_entry.find(R"(["main"])"), 8, R"(["a","b"])");
  std::vector<std::unique_ptr<InstanceGuard>> guards;
  auto launchAll = [&](BackendCalls& calls, int count, std::map<std::string, int>& landed) {
    for (int i = 0; i < count; ++i) {
      const std::string name = uniqueName("spread");
      guards.push_back(std::make_unique<InstanceGuard>(client, name));
      std::string remote;
      REQUIRE(calls.launch(name, spread_entry, static_cast<uint64_t>(i),
                           in(std::chrono::seconds(120)), remote) == LXDR_OK);
      ++landed[remote];
    }
  };

  sdk::FakeHost host;
  const std::string unlimited =
      R"({"manager":")" + manager() + R"(-rr","remotes":{"a":{"addr":""},"b":{"addr":""}}})";
  auto round_robin = lxdtest::createBackend(host, "lxd-container", unlimited);
  BackendCalls rr{round_robin, {}};
  std::map<std::string, int> landed;
  launchAll(rr, 4, landed);
  CHECK(landed["a"] == 2);
  CHECK(landed["b"] == 2);

  const std::string limited = R"({"manager":")" + manager() +
                              R"(-full","remotes":{"a":{"addr":"","max_instances":4},)"
                              R"("b":{"addr":"","max_instances":4}}})";
  auto capped = lxdtest::createBackend(host, "lxd-container", limited);
  BackendCalls full{capped, {}};
  landed.clear();
  launchAll(full, 4, landed);
  CHECK(landed["a"] + landed["b"] == 4);
  const std::string name = uniqueName("spread");
  guards.push_back(std::make_unique<InstanceGuard>(client, name));
  std::string remote;
  CHECK(full.launch(name, spread_entry, 9, in(std::chrono::seconds(60)), remote) ==
        LXDR_ERR_TRANSIENT);
  CHECK_THAT(full.error, Catch::Contains("max_instances") && Catch::Contains("a, b"));
  CHECK_FALSE(client.instance(name, seconds(10)));
}

TEST_CASE("lxd-container: destroying a stopped instance", "[lxd][real][plugin]") {
  sdk::FakeHost host;
  auto plugin = lxdtest::createBackend(host, "lxd-container", pluginConfig());
  BackendCalls calls{plugin, {}};
  lxd::LxdClient client(lxdtest::localRemote());
  const std::string name = uniqueName("stopped");
  InstanceGuard guard(client, name);
  lxd::InstanceSpec spec;
  spec.name = name;
  spec.image.alias = lxdtest::kTestImage;
  client.createInstance(spec, seconds(60));  // created, never started
  CHECK(calls.destroy(ref(name), in(std::chrono::seconds(60))) == LXDR_OK);
  CHECK_FALSE(client.instance(name, seconds(10)));
}

TEST_CASE("lxd-container: a launch across an LXD restart ends, and list still knows the instance",
          "[lxd][real][plugin][restart]") {
  lxdtest::LxdRunningGuard keep_lxd_running;
  sdk::FakeHost host;
  auto plugin = lxdtest::createBackend(host, "lxd-container", pluginConfig());
  BackendCalls calls{plugin, {}};
  lxd::LxdClient client(lxdtest::localRemote());
  const std::string name = uniqueName("plugin-restart");
  InstanceGuard guard(client, name);

  std::string remote;
  lxdr_status status = LXDR_OK;
  const auto started = std::chrono::steady_clock::now();
  std::thread launching(
      [&] { status = calls.launch(name, entry(), 4711, in(std::chrono::seconds(90)), remote); });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  REQUIRE(lxdtest::envScript("stop") == 0);
  REQUIRE(lxdtest::envScript("ensure") == 0);
  launching.join();
  INFO("launch across the restart: " << sdk::statusName(status) << ": " << calls.error);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(90));
  // Either it worked, or it says what went wrong in a way the daemon can act on.
  CHECK((status == LXDR_OK || status == LXDR_ERR_TRANSIENT || status == LXDR_ERR_TIMEOUT));
  if (status != LXDR_OK) CHECK_FALSE(calls.error.empty());

  // Whatever is left of it is ours and visible to reconciliation, and destroy removes it.
  std::string json;
  REQUIRE(calls.list(json) == LXDR_OK);
  const bool listed = json.find(name) != std::string::npos;
  CHECK(listed == client.instance(name, seconds(10)).has_value());
  CHECK(calls.destroy(ref(name), in(std::chrono::seconds(60))) == LXDR_OK);
  CHECK_FALSE(client.instance(name, seconds(10)));
}
