// SPDX-License-Identifier: Apache-2.0
// The daemon's prober of other hosts' devices: what it publishes from each remote's
// /1.0/resources, that an unreachable remote keeps its items' last state, and the HTTP call
// itself against a scripted LXD.
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "daemon/remote_device_prober.hpp"
#include "device_probe/lxd_resources_fetch.hpp"
#include "fake_lxd_server.hpp"

namespace lxdrunner::daemon {
namespace {

using config::DevicePoolType;
using config::RemoteProtocol;

const char* const kOneBoard =
    R"({"usb":{"devices":[{"bus_address":1,"device_address":3,"vendor_id":"0403",)"
    R"("product_id":"6001","speed":12}],"total":1},"pci":{"devices":[],"total":0}})";
const char* const kNoBoard = R"({"usb":{"devices":[],"total":0}})";

config::Config labConfig() {
  config::Config config;
  config.remotes = {{"main", "", RemoteProtocol::Lxd, false, {}},
                    {"lab", "https://lab.example.com:8443", RemoteProtocol::Lxd, false, {}}};
  config::DevicePool boards;
  boards.name = "boards";
  boards.type = DevicePoolType::Usb;
  boards.items.push_back({"lab", {{"vendorid", "0403"}, {"productid", "6001"}}});
  boards.items.push_back({"main", {{"vendorid", "0403"}}});  // this host: the dispatcher's own
  config::DevicePool ttys;
  ttys.name = "ttys";
  ttys.type = DevicePoolType::UnixChar;
  ttys.items.push_back({"far", {{"source", "/dev/ttyUSB0"}}});  // not visible through the API
  config.device_pools = {boards, ttys};
  return config;
}

}  // namespace

TEST_CASE("prober: it asks only other hosts with items the resources API shows") {
  auto config = labConfig();
  config.remotes.push_back({"far", "https://far.example.com:8443", RemoteProtocol::Lxd, false, {}});
  CHECK(RemoteDeviceProber::remotesToProbe(config) == std::set<std::string>{"lab"});
}

TEST_CASE("prober: a missing device is published; an unreachable remote keeps the last state") {
  const auto config = labConfig();
  std::mutex mu;
  std::string answer = kNoBoard;
  bool reachable = true;
  int calls = 0;
  RemoteDeviceProber prober(config, [&](const config::Remote& remote) {
    std::lock_guard<std::mutex> lock(mu);
    ++calls;
    CHECK(remote.name == "lab");
    if (!reachable) throw std::runtime_error("remote 'lab': connection timed out");
    return answer;
  });
  CHECK(prober.snapshot().empty());  // nothing known yet: everything available
  prober.probeOnce();
  const std::map<std::string, std::string> missing{
      {"boards lab productid=6001,vendorid=0403",
       "no USB device with vendorid=0403, productid=6001 on remote 'lab'"}};
  CHECK(prober.snapshot() == missing);

  reachable = false;
  prober.probeOnce();
  CHECK(prober.snapshot() == missing);  // unknown is not "gone", nor "back"

  reachable = true;
  answer = kOneBoard;
  prober.probeOnce();
  CHECK(prober.snapshot().empty());

  reachable = false;
  prober.probeOnce();
  CHECK(prober.snapshot().empty());  // nor is it "gone" when it was there
  CHECK(calls == 4);
}

TEST_CASE("prober: its thread probes at once and stops promptly") {
  const auto config = labConfig();
  std::atomic<int> calls{0};
  RemoteDeviceProber prober(
      config,
      [&](const config::Remote&) {
        ++calls;
        return std::string(kNoBoard);
      },
      std::chrono::hours(1));
  prober.start();
  for (int i = 0; i < 200 && prober.snapshot().empty(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  CHECK(prober.snapshot().size() == 1);
  const auto before = std::chrono::steady_clock::now();
  prober.stop();
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(5));
  CHECK(calls.load() == 1);
}

TEST_CASE("fetchLxdResources: GET /1.0/resources, the metadata as JSON") {
  lxdtest::FakeLxdServer server;
  server.add({"GET",
              "/1.0/resources",
              200,
              std::string(R"({"type":"sync","status":"Success","status_code":200,"metadata":)") +
                  kOneBoard + "}",
              {},
              -1,
              {},
              false});
  config::Remote remote{"lab", server.socketPath(), RemoteProtocol::Lxd, false, {}};
  const std::string json = device_probe::fetchLxdResources(remote, std::chrono::seconds(5));
  CHECK(json.find("\"vendor_id\":\"0403\"") != std::string::npos);
  REQUIRE(server.requests("GET", "/1.0/resources").size() == 1);

  config::Remote gone{"gone", "/nonexistent/lxd.socket", RemoteProtocol::Lxd, false, {}};
  CHECK_THROWS_WITH(
      device_probe::fetchLxdResources(gone, std::chrono::seconds(1)),
      Catch::StartsWith("GET /1.0/resources on remote 'gone' (/nonexistent/lxd.socket): "));
}

}  // namespace lxdrunner::daemon
