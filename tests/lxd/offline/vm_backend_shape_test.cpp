// SPDX-License-Identifier: Apache-2.0
// lxd-vm request shapes against a recorded LXD exchange. VMs cannot run on the test
// machines (no /dev/kvm, no vhost_vsock), so these tests check what the backend asks LXD
// for and how it waits for the LXD agent, not a real VM.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>
#include <chrono>

#include "backend_plugin.hpp"
#include "fake_lxd_server.hpp"

using lxdrunner::lxdtest::BackendCalls;
using lxdrunner::lxdtest::CannedReply;
using lxdrunner::lxdtest::createBackend;
using lxdrunner::lxdtest::FakeLxdServer;
using lxdrunner::sdk::FakeHost;

namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

std::string config(const FakeLxdServer& server, const std::string& extra = "") {
  return R"({"manager":"lxdrt-vmtest",)" + extra + R"("remotes":{"main":{"addr":")" +
         server.socketPath() + R"(","protocol":"lxd"}}})";
}

const char* const kEntry = R"({"name":"vm-entry","labels":["vm"],"image":"ubuntu-vm",
  "image_remote":"","image_alias":"ubuntu-vm","type":"virtual-machine","profiles":["default"],
  "remotes":["main"],"target":"","config":{"limits.cpu":"2","limits.memory":"2GiB"},
  "devices":{"root":{"type":"disk","path":"/","pool":"default","size":"20GiB"}},
  "ephemeral":false})";

int64_t in(std::chrono::seconds s) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch() + s)
      .count();
}

}  // namespace

TEST_CASE("lxd-vm launches a virtual-machine and waits for the LXD agent", "[lxd][vm]") {
  FakeLxdServer server;
  server.load(LXDRUNNER_TEST_DATA_DIR "/data/vm_launch_exchange.json");
  FakeHost host;
  auto plugin = createBackend(host, "lxd-vm", config(server));
  BackendCalls calls{plugin, {}};
  std::string remote;
  REQUIRE(calls.launch("lxdrt-vm1", kEntry, 4242, in(std::chrono::seconds(30)), remote) == LXDR_OK);
  CHECK(remote == "main");

  auto creates = server.requests("POST", "/1.0/instances");
  REQUIRE(creates.size() == 1);
  auto body = parse(creates[0].body);
  CHECK(body->getValue<std::string>("name") == "lxdrt-vm1");
  CHECK(body->getValue<std::string>("type") == "virtual-machine");
  CHECK(body->getObject("source")->getValue<std::string>("type") == "image");
  CHECK(body->getObject("source")->getValue<std::string>("alias") == "ubuntu-vm");
  CHECK_FALSE(body->getObject("source")->has("server"));
  CHECK(body->getArray("profiles")->getElement<std::string>(0) == "default");
  auto cfg = body->getObject("config");
  // LXD wants strings, even for numbers.
  CHECK(cfg->get("limits.cpu").isString());
  CHECK(cfg->getValue<std::string>("limits.cpu") == "2");
  CHECK(cfg->getValue<std::string>("limits.memory") == "2GiB");
  CHECK(cfg->getValue<std::string>("user.lxdrunner.manager") == "lxdrt-vmtest");
  CHECK(cfg->getValue<std::string>("user.lxdrunner.entry") == "vm-entry");
  CHECK(cfg->getValue<std::string>("user.lxdrunner.job") == "4242");
  CHECK(cfg->has("user.lxdrunner.created"));
  CHECK(body->getObject("devices")->getObject("root")->getValue<std::string>("size") == "20GiB");
  CHECK_FALSE(body->getValue<bool>("ephemeral"));
  CHECK_FALSE(body->has("start"));  // LXD 5.0.2 has no instance_create_start
  CHECK(creates[0].query().empty());

  auto starts = server.requests("PUT", "/1.0/instances/lxdrt-vm1/state");
  REQUIRE(starts.size() == 1);
  CHECK(parse(starts[0].body)->getValue<std::string>("action") == "start");

  // The agent wait: state polled while processes == -1, exec only once the agent is there.
  auto states = server.requests("GET", "/1.0/instances/lxdrt-vm1/state");
  CHECK(states.size() == 3);
  auto execs = server.requests("POST", "/1.0/instances/lxdrt-vm1/exec");
  REQUIRE(execs.size() == 1);
  auto exec = parse(execs[0].body);
  CHECK(exec->getArray("command")->getElement<std::string>(0) == "true");
  CHECK(exec->getValue<bool>("record-output"));
  CHECK_FALSE(exec->getValue<bool>("wait-for-websocket"));
  // every request carried a Host header and went over one reused connection
  for (const auto& r : server.requests()) CHECK(r.headers.count("Host") == 1);
  CHECK(server.connections() == 1);
  CHECK(host.logged("launched virtual-machine lxdrt-vm1 on remote 'main'"));
}

TEST_CASE("lxd-vm gives up on a VM whose agent never answers, and cleans up", "[lxd][vm]") {
  FakeLxdServer server;
  server.load(LXDRUNNER_TEST_DATA_DIR "/data/vm_launch_exchange.json");
  // This VM's agent never connects: its state answers processes -1 for ever.
  server.add({"GET",
              "/1.0/instances/lxdrt-vm2/state",
              200,
              R"({"type":"sync","metadata":{"status":"Running","status_code":103,"processes":-1}})",
              {},
              -1,
              {},
              false});
  server.add({"PUT",
              "/1.0/instances/lxdrt-vm2/state",
              202,
              R"({"type":"async","operation":"/1.0/operations/0b3f0e5c-create"})",
              {},
              -1,
              {},
              false});
  server.add({"GET",
              "/1.0/instances/lxdrt-vm2",
              200,
              R"({"type":"sync","metadata":{"name":"lxdrt-vm2","type":"virtual-machine",)"
              R"("config":{"user.lxdrunner.manager":"lxdrt-vmtest","user.lxdrunner.job":"7"}}})",
              {},
              -1,
              {},
              false});
  server.add({"DELETE",
              "/1.0/instances/lxdrt-vm2",
              202,
              R"({"type":"async","operation":"/1.0/operations/0b3f0e5c-create"})",
              {},
              -1,
              {},
              false});
  FakeHost host;
  auto plugin = createBackend(host, "lxd-vm", config(server, R"("vm_agent_timeout_s":2,)"));
  BackendCalls calls{plugin, {}};
  std::string remote;
  auto started = std::chrono::steady_clock::now();
  CHECK(calls.launch("lxdrt-vm2", kEntry, 7, in(std::chrono::seconds(30)), remote) ==
        LXDR_ERR_TIMEOUT);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  CHECK_THAT(calls.error, Catch::Contains("VM 'lxdrt-vm2'") &&
                              Catch::Contains("LXD agent has not connected") &&
                              Catch::Contains("lxd-agent"));
  CHECK(server.requests("POST", "/1.0/instances/lxdrt-vm2/exec").empty());
  // the half-launched VM was ours (tags match), so it was stopped and deleted
  CHECK(server.requests("DELETE", "/1.0/instances/lxdrt-vm2").size() == 1);
}

TEST_CASE("lxd-vm lists only VMs of its manager, cluster targets go in the query", "[lxd][vm]") {
  FakeLxdServer server;
  server.load(LXDRUNNER_TEST_DATA_DIR "/data/vm_launch_exchange.json");
  server.add({"GET",
              "/1.0/instances",
              200,
              R"({"type":"sync","metadata":[
               {"name":"lxdrt-vm1","type":"virtual-machine","status":"Running","created_at":"x",
                "config":{"user.lxdrunner.manager":"lxdrt-vmtest","user.lxdrunner.entry":"vm-entry",
                          "user.lxdrunner.job":"18446744073709551615",
                          "user.lxdrunner.created":"2026-11-28T23:00:00Z"}},
               {"name":"lxdrt-c1","type":"container","status":"Running",
                "config":{"user.lxdrunner.manager":"lxdrt-vmtest"}},
               {"name":"other","type":"virtual-machine","status":"Running",
                "config":{"user.lxdrunner.manager":"someone-else"}}]})",
              {},
              -1,
              {},
              false});
  FakeHost host;
  auto plugin = createBackend(host, "lxd-vm", config(server));
  BackendCalls calls{plugin, {}};
  std::string json;
  REQUIRE(calls.list(json) == LXDR_OK);
  Poco::JSON::Parser parser;
  auto list = parser.parse(json).extract<Poco::JSON::Array::Ptr>();
  REQUIRE(list->size() == 1);
  auto item = list->getObject(0);
  CHECK(item->getValue<std::string>("name") == "lxdrt-vm1");
  CHECK(item->getValue<std::string>("remote") == "main");
  CHECK(item->getValue<std::string>("entry") == "vm-entry");
  CHECK(json.find("18446744073709551615") != std::string::npos);  // job id exact
  CHECK(item->getValue<std::string>("created") == "2026-11-28T23:00:00Z");
  CHECK(item->getValue<std::string>("status") == "running");
  auto listed = server.requests("GET", "/1.0/instances");
  REQUIRE(listed.size() == 1);
  CHECK_THAT(listed[0].query(),
             Catch::Contains("recursion=1") &&
                 Catch::Contains("filter=config.user.lxdrunner.manager%20eq%20lxdrt-vmtest"));

  // A cluster member target travels as ?target=.
  std::string entry = kEntry;
  entry.replace(entry.find(R"("target":"")"), 11, R"("target":"node2")");
  std::string remote;
  REQUIRE(calls.launch("lxdrt-vm1", entry, 4242, in(std::chrono::seconds(30)), remote) == LXDR_OK);
  CHECK(server.requests("POST", "/1.0/instances").at(0).query() == "target=node2");
}

TEST_CASE("an illegal instance name is refused before LXD is asked", "[lxd][vm]") {
  FakeLxdServer server;
  FakeHost host;
  auto plugin = createBackend(host, "lxd-vm", config(server));
  BackendCalls calls{plugin, {}};
  std::string remote;
  CHECK(calls.launch("lxdrt_vm.bad", kEntry, 1, 0, remote) == LXDR_ERR_INVALID_ARGUMENT);
  CHECK_THAT(calls.error, Catch::Contains("'lxdrt_vm.bad' is not a legal LXD name"));
  CHECK(server.requests().empty());
}
