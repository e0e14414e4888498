// SPDX-License-Identifier: Apache-2.0
// device_pools: and the entries' device_pools: keys, and what check-config says about them.
#include <catch2/catch.hpp>

#include "config/device_availability.hpp"
#include "config/device_hotplug.hpp"
#include "config/render.hpp"
#include "test_support.hpp"

using namespace lxdrunner::config;
using namespace lxdrunner::config::test;

namespace {

const std::string kHead = kPatLine + kHooksecretLine + kTlsOffLine;

const std::string kEntryWithPools = R"(runnermap:
  - name: GPU
    labels: [self-hosted, gpu]
    image: ubuntu/22.04
    type: container
    runner_os: linux
    runner_arch: x64
    max_workers: 4
    device_pools: {gpu0: gpus, tty: boards}
    devices:
      tty: {path: /dev/ttyACM0}
)";

const std::string kPools = R"(remotes:
  lab:
    addr: https://lab.example.com:8443
device_pools:
  gpus:
    type: gpu
    devices:
      - {pci: "0000:41:00.0"}
      - {pci: "0000:42:00.0", remote: lab}
  boards:
    type: unix-char
    devices:
      - {source: /dev/ttyUSB0}
      - {source: /dev/ttyUSB1, type: unix-char}
)";

bool hasError(const LoadResult& result, const std::string& key, const std::string& part) {
  for (const auto& d : errorsOf(result)) {
    if (d.key == key && d.message.find(part) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("device pools and an entry's device_pools are read", "[config][device_pools]") {
  const auto result = loadString(kHead + kPools + kEntryWithPools, "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  CHECK(result.diagnostics.empty());
  const Config& config = *result.config;
  REQUIRE(config.device_pools.size() == 2);
  const DevicePool* const gpus = config.findDevicePool("gpus");
  REQUIRE(gpus != nullptr);
  CHECK(gpus->type == DevicePoolType::Gpu);
  REQUIRE(gpus->items.size() == 2);
  CHECK(gpus->items[0].remote == "main");
  CHECK(gpus->items[0].id() == "pci=0000:41:00.0");
  CHECK(gpus->items[1].remote == "lab");
  const DevicePool* const boards = config.findDevicePool("boards");
  REQUIRE(boards != nullptr);
  CHECK(boards->type == DevicePoolType::UnixChar);
  // The item's own `type` is the pool's, so it is not one of its keys.
  CHECK(boards->items[1].settings ==
        std::map<std::string, std::string>{{"source", "/dev/ttyUSB1"}});
  const RunnerEntry& entry = config.runnermap.at(0);
  CHECK(entry.device_pools ==
        std::map<std::string, std::string>{{"gpu0", "gpus"}, {"tty", "boards"}});
  // A device of a pool needs no type of its own.
  CHECK(entry.devices.at("tty") == std::map<std::string, std::string>{{"path", "/dev/ttyACM0"}});
}

TEST_CASE("the effective configuration and the entry JSON show device pools",
          "[config][device_pools]") {
  const auto result = loadString(kHead + kPools + kEntryWithPools, "test.yml");
  REQUIRE(result.config.has_value());
  const std::string effective = renderEffective(*result.config);
  CHECK_THAT(effective, Catch::Contains("device_pools:"));
  CHECK_THAT(effective, Catch::Contains("type: unix-char"));
  CHECK_THAT(effective, Catch::Contains("{source: /dev/ttyUSB0, remote: main}") ||
                            Catch::Contains("{remote: main, source: /dev/ttyUSB0}"));
  CHECK_THAT(entryToJson(result.config->runnermap.at(0)),
             Catch::Contains(R"("device_pools":{"gpu0":"gpus","tty":"boards"})"));
  // Entries without pools keep their JSON (and so their warm-pool hash).
  const auto plain = loadString(kMinimalConfig, "test.yml");
  REQUIRE(plain.config.has_value());
  CHECK_THAT(entryToJson(plain.config->runnermap.at(0)), !Catch::Contains("device_pools"));
  CHECK_THAT(renderEffective(*plain.config), !Catch::Contains("device_pools"));
}

TEST_CASE("an entry naming an unknown pool is an error", "[config][device_pools]") {
  auto text = kHead + kPools + kEntryWithPools;
  text.replace(text.find("tty: boards"), 11, "tty: bords");
  const auto result = loadString(text, "test.yml");
  INFO(listing(result));
  CHECK_FALSE(result.config.has_value());
  CHECK(hasError(result, "runnermap[0].device_pools.tty",
                 "device pool 'bords' is not configured (device_pools has: gpus, boards)"));
}

TEST_CASE("an item that does not name a device of its type is an error", "[config][device_pools]") {
  const auto result = loadString(kHead + R"(device_pools:
  gpus:
    type: gpu
    devices:
      - {source: /dev/dri/card0}
  ports:
    type: unix-char
    devices:
      - {source: /dev/ttyUSB0, type: unix-block}
  disks:
    type: tape
    devices:
      - {source: /dev/st0}
)" + kRunnermap,
                                 "test.yml");
  INFO(listing(result));
  CHECK_FALSE(result.config.has_value());
  CHECK(hasError(result, "device_pools.gpus.devices[0]",
                 "does not name a gpu device: give one of pci, id, vendorid, productid"));
  CHECK(hasError(result, "device_pools.ports.devices[0].type",
                 "is 'unix-block' in a pool of type unix-char"));
  CHECK(hasError(result, "device_pools.disks.type", "must be one of"));
}

TEST_CASE("a device listed twice is an error", "[config][device_pools]") {
  const auto result = loadString(kHead + R"(device_pools:
  a:
    type: unix-char
    devices:
      - {source: /dev/ttyUSB0}
      - {source: /dev/ttyUSB0}
  b:
    type: unix-char
    devices:
      - {source: /dev/ttyUSB1}
      - {source: /dev/ttyUSB1, remote: main}
)" + kRunnermap,
                                 "test.yml");
  INFO(listing(result));
  CHECK_FALSE(result.config.has_value());
  CHECK(hasError(result, "device_pools.a.devices[1]", "again (also a.devices[0])"));
  CHECK(hasError(result, "device_pools.b.devices[1]", "again (also b.devices[0])"));
}

TEST_CASE("the same device on two remotes is two devices", "[config][device_pools]") {
  const auto result = loadString(kHead + R"(remotes:
  lab: {addr: https://lab.example.com:8443}
device_pools:
  a:
    type: unix-char
    devices:
      - {source: /dev/ttyUSB0}
      - {source: /dev/ttyUSB0, remote: lab}
)" + kRunnermap,
                                 "test.yml");
  INFO(listing(result));
  CHECK(result.config.has_value());
  CHECK(errorsOf(result).empty());
}

TEST_CASE("an item on an unknown remote, or a pool off the entry's remotes, is an error",
          "[config][device_pools]") {
  const auto result = loadString(kHead + R"(remotes:
  lab: {addr: https://lab.example.com:8443}
device_pools:
  a:
    type: unix-char
    devices:
      - {source: /dev/ttyUSB0, remote: nowhere}
  b:
    type: unix-char
    devices:
      - {source: /dev/ttyUSB1, remote: lab}
runnermap:
  - name: Small
    labels: [self-hosted, linux]
    image: ubuntu/22.04
    type: container
    runner_os: linux
    runner_arch: x64
    device_pools: {tty: b}
)",
                                 "test.yml");
  INFO(listing(result));
  CHECK_FALSE(result.config.has_value());
  CHECK(hasError(result, "device_pools.a.devices[0].remote", "remote 'nowhere' is not configured"));
  CHECK(hasError(result, "runnermap[0].device_pools.tty",
                 "pool 'b' has no device on the remotes this entry launches on"));
}

TEST_CASE("an entry's own device of another type than its pool is an error",
          "[config][device_pools]") {
  auto text = kHead + kPools + kEntryWithPools;
  text.replace(text.find("tty: {path: /dev/ttyACM0}"), 25, "tty: {type: disk, path: /x}");
  const auto result = loadString(text, "test.yml");
  INFO(listing(result));
  CHECK(hasError(result, "runnermap[0].device_pools.tty",
                 "pool 'boards' holds unix-char devices, but devices.tty says type disk"));
}

TEST_CASE("a warm pool on an entry with device pools is used when its items can be hot-plugged",
          "[config][device_pools]") {
  // A container takes a GPU and a unix-char device while it runs: the items come at claim.
  const auto result =
      loadString(kHead + kPools + kEntryWithPools + "    warm_pool: {size: 1}\n", "test.yml");
  INFO(listing(result));
  REQUIRE(result.config.has_value());
  CHECK(warningsOf(result).empty());
  CHECK_FALSE(whyNotHotPluggable(*result.config, result.config->runnermap.at(0)));
}

TEST_CASE("a warm pool whose device pool cannot be hot-plugged gets a warning",
          "[config][device_pools]") {
  SECTION("a GPU in a virtual machine") {
    auto text = kHead + kPools + kEntryWithPools + "    warm_pool: {size: 1}\n";
    text.replace(text.find("type: container"), 15, "type: virtual-machine");
    text.replace(text.find("device_pools: {gpu0: gpus, tty: boards}"), 39,
                 "device_pools: {gpu0: gpus}");
    text.replace(text.find("    devices:\n      tty:"), 45, "");
    const auto result = loadString(text, "test.yml");
    INFO(listing(result));
    REQUIRE(result.config.has_value());
    const auto warnings = warningsOf(result);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].key == "runnermap[0].warm_pool");
    CHECK(warnings[0].message.find("gpu0 (pool gpus, type gpu) cannot be hot-plugged into a "
                                   "virtual-machine") != std::string::npos);
    CHECK(warnings[0].message.find("launch cold") != std::string::npos);
  }
  SECTION("an ipvlan nic") {
    auto text = kHead + kPools + kEntryWithPools + "    warm_pool: {size: 1}\n";
    text.replace(text.find("device_pools: {gpu0: gpus, tty: boards}"), 39,
                 "device_pools: {eth1: nics}");
    text.replace(text.find("    devices:\n      tty:"), 45, "");
    text.replace(text.find("runnermap:"), 10,
                 "  nics:\n    type: nic\n    devices:\n      - {parent: eno1, nictype: ipvlan}\n"
                 "runnermap:");
    const auto result = loadString(text, "test.yml");
    INFO(listing(result));
    REQUIRE(result.config.has_value());
    const auto warnings = warningsOf(result);
    REQUIRE(warnings.size() == 1);
    CHECK(warnings[0].message.find("ipvlan") != std::string::npos);
  }
}

TEST_CASE("an item's host device is checked when its remote is this host",
          "[config][device_pools]") {
  Config config;
  config.remotes = {
      {"main", "", RemoteProtocol::Lxd, false, {}},
      {"sock", "/var/snap/lxd/common/lxd/unix.socket", RemoteProtocol::Lxd, false, {}},
      {"lab", "https://lab.example.com:8443", RemoteProtocol::Lxd, false, {}}};
  DevicePool ttys{"ttys", DevicePoolType::UnixChar, {}};
  CHECK_FALSE(deviceUnavailableReason(config, ttys, {"main", {{"source", "/dev/zero"}}}));
  CHECK(deviceUnavailableReason(config, ttys, {"sock", {{"source", "/dev/lxdrunner-no-tty"}}}) ==
        std::optional<std::string>("/dev/lxdrunner-no-tty does not exist"));
  // Another host: not checked from here.
  CHECK_FALSE(
      deviceUnavailableReason(config, ttys, {"lab", {{"source", "/dev/lxdrunner-no-tty"}}}));
  DevicePool gpus{"gpus", DevicePoolType::Gpu, {}};
  CHECK(deviceUnavailableReason(config, gpus, {"main", {{"pci", "0000:ff:1f.7"}}}) ==
        std::optional<std::string>("PCI address 0000:ff:1f.7 is not on this host"));
  DevicePool nics{"nics", DevicePoolType::Nic, {}};
  CHECK_FALSE(deviceUnavailableReason(config, nics, {"main", {{"parent", "lo"}}}));
  config.device_pools = {ttys};
  config.device_pools[0].items = {{"main", {{"source", "/dev/zero"}}},
                                  {"main", {{"source", "/dev/lxdrunner-no-tty"}}}};
  const auto unavailable = unavailableDeviceItems(config);
  REQUIRE(unavailable.size() == 1);
  CHECK(unavailable.begin()->first == "ttys main source=/dev/lxdrunner-no-tty");
}
