// SPDX-License-Identifier: Apache-2.0
// lxd-container's list_instances against a scripted LXD: the ABI 1.1 "devices" member is the
// instance's own devices, not those its profiles add (what recovery compares the device pool
// holds with: docs/custom-hardware.md).
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <catch2/catch.hpp>

#include "backend_plugin.hpp"
#include "fake_lxd_server.hpp"

using lxdrunner::lxdtest::BackendCalls;
using lxdrunner::lxdtest::createBackend;
using lxdrunner::lxdtest::FakeLxdServer;
using lxdrunner::sdk::FakeHost;

namespace {

const char* const kServerInfo =
    R"({"type":"sync","status":"Success","status_code":200,"metadata":{"api_extensions":[],)"
    R"("api_version":"1.0","auth":"trusted","environment":{"server":"lxd",)"
    R"("server_version":"5.0.2"}}})";

// GET /1.0/instances?recursion=1: one of ours with a pool item as device "tty", and the
// default profile's devices only in expanded_devices.
const char* const kInstances =
    R"({"type":"sync","status":"Success","status_code":200,"metadata":[{)"
    R"("name":"lxdrt-list-1","type":"container","status":"Running","status_code":103,)"
    R"("created_at":"2026-01-02T03:04:05Z","ephemeral":false,"location":"none",)"
    R"("config":{"user.lxdrunner.manager":"lxdrt-listtest","user.lxdrunner.entry":"board",)"
    R"("user.lxdrunner.job":"42"},)"
    R"("devices":{"tty":{"type":"unix-char","source":"/dev/ttyUSB0","path":"/dev/board"}},)"
    R"("expanded_devices":{"tty":{"type":"unix-char","source":"/dev/ttyUSB0","path":"/dev/board"},)"
    R"("root":{"type":"disk","path":"/","pool":"default"}}}]})";

}  // namespace

TEST_CASE("list_instances reports each instance's own devices", "[lxd][list]") {
  FakeLxdServer server;
  server.add({"GET", "/1.0", 200, kServerInfo, {}, -1, {}, false});
  server.add({"GET", "/1.0/instances", 200, kInstances, {}, -1, {}, false});
  FakeHost host;
  auto plugin = createBackend(host, "lxd-container",
                              R"({"manager":"lxdrt-listtest","remotes":{"main":{"addr":")" +
                                  server.socketPath() + R"(","protocol":"lxd"}}})");
  BackendCalls calls{plugin, {}};
  std::string json;
  REQUIRE(calls.list(json) == LXDR_OK);
  Poco::JSON::Parser parser;
  const auto list = parser.parse(json).extract<Poco::JSON::Array::Ptr>();
  REQUIRE(list->size() == 1);
  const auto item = list->getObject(0);
  CHECK(item->getValue<std::string>("name") == "lxdrt-list-1");
  CHECK(item->getValue<std::string>("remote") == "main");
  const auto devices = item->getObject("devices");
  REQUIRE(devices);
  CHECK(devices->size() == 1);  // not the profile's root disk
  const auto tty = devices->getObject("tty");
  REQUIRE(tty);
  CHECK(tty->getValue<std::string>("type") == "unix-char");
  CHECK(tty->getValue<std::string>("source") == "/dev/ttyUSB0");
  CHECK(tty->getValue<std::string>("path") == "/dev/board");
}
