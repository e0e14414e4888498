// SPDX-License-Identifier: Apache-2.0
// The backends' pure parts: settings, runnermap entries, remote spreading, tags.
#include <catch2/catch.hpp>
#include <map>
#include <optional>

#include "backend_plugin.hpp"
#include "instance_tags.hpp"
#include "launch_entry.hpp"
#include "lxdrunner/sdk/error.hpp"
#include "remote_picker.hpp"
#include "settings.hpp"

using namespace lxdrunner::backends;

TEST_CASE("settings: defaults, the daemon's remotes and our optional keys", "[lxd][settings]") {
  BackendSettings d = parseSettings("{}");
  CHECK(d.manager == "lxdrunner");
  REQUIRE(d.remote("main") != nullptr);
  CHECK(d.remote("main")->connection.isUnixSocket());
  CHECK(d.remote("main")->max_instances == 0);
  CHECK(d.remote("main")->connection.max_connections == 32);
  CHECK(d.launch_timeout == std::chrono::seconds(120));

  BackendSettings s = parseSettings(R"({"manager":"ci","launch_timeout_s":30,
    "vm_agent_timeout_s":600,
    "remotes":{"main":{"addr":"","protocol":"lxd","socket":"/s","max_instances":4},
               "far":{"addr":"https://far:8443","client_cert":"/c","client_key":"/k",
                      "server_fingerprint":"ab","max_connections":3,"request_timeout_s":7},
               "images":{"addr":"https://images.example","protocol":"simplestreams"}}})");
  CHECK(s.manager == "ci");
  CHECK(s.launch_timeout == std::chrono::seconds(30));
  CHECK(s.vm_agent_timeout == std::chrono::seconds(600));
  CHECK(s.remote("main")->connection.socket == "/s");
  CHECK(s.remote("main")->max_instances == 4);
  CHECK(s.remote("far")->connection.isHttps());
  CHECK(s.remote("far")->connection.max_connections == 3);
  CHECK(s.remote("far")->connection.request_timeout == std::chrono::seconds(7));
  CHECK_FALSE(s.remote("images")->launchable());

  CHECK_THROWS_WITH(parseSettings(R"({"launch_timeout_s":"soon"})"),
                    Catch::Contains("launch_timeout_s"));
  CHECK_THROWS_WITH(parseSettings(R"({"remotes":{"x":{"protocol":"ftp"}}})"),
                    Catch::Contains("remotes.x.protocol"));
  CHECK_THROWS_WITH(parseSettings(R"({"remotes":{"x":{"max_instances":-1}}})"),
                    Catch::Contains("remotes.x.max_instances"));
  CHECK_THROWS_WITH(parseSettings("not json"), Catch::Contains("configuration"));
}

TEST_CASE("a public image server needs no client certificate", "[lxd][settings][tls]") {
  // What the daemon passes for `images.lxd.canonical.com` with protocol lxd, marked public.
  const std::string remotes =
      R"({"remotes":{"main":{"addr":"/nonexistent/unix.socket"},)"
      R"("canonical":{"addr":"https://images.lxd.canonical.com","protocol":"lxd")";
  BackendSettings s = parseSettings(remotes + R"(,"public":true}}})");
  CHECK_FALSE(s.remote("canonical")->launchable());
  CHECK(s.remote("main")->launchable());

  lxdrunner::sdk::FakeHost host;
  CHECK_NOTHROW(
      lxdrunner::lxdtest::createBackend(host, "lxd-container", remotes + R"(,"public":true}}})"));
  // The same server, not marked public, is a server to launch on: it needs a certificate.
  CHECK_THROWS_WITH(lxdrunner::lxdtest::createBackend(host, "lxd-container", remotes + "}}}"),
                    Catch::Contains("remote 'canonical' (https://images.lxd.canonical.com) "
                                    "needs a client certificate"));
}

TEST_CASE("runnermap entries as the daemon renders them", "[lxd][entry]") {
  LaunchEntry e = parseLaunchEntry(R"({"name":"big","labels":["x"],"image":"images:debian/12",
    "image_remote":"images","image_alias":"debian/12","type":"virtual-machine",
    "profiles":[],"remotes":["a","b"],"target":"node2",
    "config":{"limits.cpu":"2","limits.memory":"4GiB"},
    "devices":{"gpu0":{"type":"gpu"}},"ephemeral":false})");
  CHECK(e.name == "big");
  CHECK(e.image_remote == "images");
  CHECK(e.image_alias == "debian/12");
  CHECK(e.type == "virtual-machine");
  REQUIRE(e.profiles);
  CHECK(e.profiles->empty());  // [] means no profile at all, unlike an absent key
  CHECK(e.remotes == std::vector<std::string>{"a", "b"});
  CHECK(e.target == "node2");
  CHECK(e.config.at("limits.cpu") == "2");
  CHECK(e.devices.at("gpu0").at("type") == "gpu");
  CHECK_FALSE(e.ephemeral);

  LaunchEntry minimal = parseLaunchEntry(R"({"name":"m","image":"local:alpine"})");
  CHECK(minimal.image_remote == "local");
  CHECK(minimal.image_alias == "alpine");
  CHECK(minimal.remotes == std::vector<std::string>{"main"});
  CHECK_FALSE(minimal.profiles);
  CHECK(minimal.ephemeral);

  CHECK_THROWS_WITH(parseLaunchEntry(R"({"name":"n"})"), Catch::Contains("runnermap[].image"));
}

TEST_CASE("remotes are spread by free capacity, round robin among equals", "[lxd][spread]") {
  RemotePicker picker;
  auto unlimited = [](const std::string&) { return std::optional<long>(); };
  std::map<std::string, int> first;
  for (int i = 0; i < 6; ++i) ++first[picker.order("e", {"a", "b", "c"}, unlimited).front()];
  CHECK(first["a"] == 2);
  CHECK(first["b"] == 2);
  CHECK(first["c"] == 2);

  std::map<std::string, std::optional<long>> free{{"a", 1}, {"b", 5}, {"c", 0}};
  auto capacity = [&](const std::string& r) { return free[r]; };
  CHECK(picker.order("e", {"a", "b", "c"}, capacity) == std::vector<std::string>{"b", "a"});

  free = {{"a", 0}, {"b", 0}};
  CHECK_THROWS_WITH(picker.order("e", {"a", "b"}, capacity),
                    Catch::Contains("max_instances") && Catch::Contains("a, b"));
  try {
    picker.order("e", {"a"}, capacity);
  } catch (const lxdrunner::sdk::Error& e) {
    CHECK(e.status() == LXDR_ERR_TRANSIENT);
  }
}

TEST_CASE("every launch is tagged for reconciliation", "[lxd][tags]") {
  auto t = tags::forLaunch("ci", "big", 18446744073709551615ULL);
  CHECK(t.at("user.lxdrunner.manager") == "ci");
  CHECK(t.at("user.lxdrunner.entry") == "big");
  CHECK(t.at("user.lxdrunner.job") == "18446744073709551615");  // 64-bit, exact
  const std::string created = t.at("user.lxdrunner.created");
  REQUIRE(created.size() == 20);
  CHECK(created[4] == '-');
  CHECK(created[10] == 'T');
  CHECK(created.back() == 'Z');
}
