// SPDX-License-Identifier: Apache-2.0
// Whether a device pool item's host device is there: USB (and PCI, nic) on this host against
// a fake sysfs tree, items on another host against a canned LXD 5.0 GET /1.0/resources.
#include <catch2/catch.hpp>
#include <fstream>
#include <iterator>

#include "config/device_availability.hpp"
#include "config/device_resources.hpp"
#include "test_support.hpp"

namespace lxdrunner::config::test {
namespace {

DevicePoolItem item(std::map<std::string, std::string> settings,
                    const std::string& remote = "main") {
  DevicePoolItem out;
  out.remote = remote;
  out.settings = std::move(settings);
  return out;
}

DevicePool pool(DevicePoolType type) {
  DevicePool out;
  out.name = "p";
  out.type = type;
  return out;
}

// /sys/bus/usb/devices as the kernel lays it out: devices with their attributes, and
// interfaces ("1-1:1.0") without idVendor.
void addUsbDevice(const TempDir& sys, const std::string& name, const std::string& vendor,
                  const std::string& product, const std::string& serial, int bus, int dev) {
  const auto dir = sys.path() / "bus/usb/devices" / name;
  writeFile(dir / "idVendor", vendor + "\n");
  writeFile(dir / "idProduct", product + "\n");
  if (!serial.empty()) writeFile(dir / "serial", serial + "\n");
  writeFile(dir / "busnum", std::to_string(bus) + "\n");
  writeFile(dir / "devnum", std::to_string(dev) + "\n");
}

std::string cannedResources() {
  std::ifstream in(dataFile("lxd_resources_5.0.json"));
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

TEST_CASE("a USB item on this host is found in sysfs by the keys it gives") {
  TempDir sys;
  addUsbDevice(sys, "usb1", "1d6b", "0002", "0000:00:14.0", 1, 1);
  addUsbDevice(sys, "1-4", "0403", "6001", "A10K1234", 1, 3);
  addUsbDevice(sys, "3-2", "2e8a", "000a", "", 3, 7);
  writeFile(sys.path() / "bus/usb/devices/1-4:1.0/bInterfaceClass", "ff\n");
  const std::string root = sys.path().string();

  CHECK_FALSE(usbMissingFromSysfs(item({{"vendorid", "0403"}, {"productid", "6001"}}), root));
  CHECK_FALSE(usbMissingFromSysfs(item({{"vendorid", "0403"}, {"serial", "A10K1234"}}), root));
  // Ids are hex in any case; bus and device numbers with or without leading zeros.
  CHECK_FALSE(usbMissingFromSysfs(item({{"vendorid", "2E8A"}, {"productid", "000A"}}), root));
  CHECK_FALSE(usbMissingFromSysfs(item({{"busnum", "003"}, {"devnum", "007"}}), root));

  const auto other_serial =
      usbMissingFromSysfs(item({{"vendorid", "0403"}, {"serial", "B99"}}), root);
  REQUIRE(other_serial);
  CHECK(*other_serial == "no USB device with vendorid=0403, serial=B99 on this host");
  // A device without a serial file does not match an item that asks for one.
  CHECK(usbMissingFromSysfs(item({{"vendorid", "2e8a"}, {"serial", "E660"}}), root));
  // Every key given must match on the same device.
  CHECK(usbMissingFromSysfs(item({{"vendorid", "0403"}, {"busnum", "3"}}), root));
  CHECK(usbMissingFromSysfs(item({{"vendorid", "0403"}}), root + "/nothing-here"));
}

TEST_CASE("items on this host are checked under the given sysfs root") {
  TempDir sys;
  addUsbDevice(sys, "1-4", "0403", "6001", "A10K1234", 1, 3);
  writeFile(sys.path() / "bus/pci/devices/0000:41:00.0/vendor", "0x10de\n");
  writeFile(sys.path() / "class/net/enp5s0/address", "a8:a1:59:11:22:33\n");
  const std::string root = sys.path().string();
  Config config;
  config.remotes = {{"main", "", RemoteProtocol::Lxd, false, {}}};

  CHECK_FALSE(deviceUnavailableReason(config, pool(DevicePoolType::Usb),
                                      item({{"vendorid", "0403"}, {"productid", "6001"}}), root));
  CHECK(deviceUnavailableReason(config, pool(DevicePoolType::Usb),
                                item({{"vendorid", "0403"}, {"productid", "6015"}}), root) ==
        "no USB device with vendorid=0403, productid=6015 on this host");
  CHECK_FALSE(deviceUnavailableReason(config, pool(DevicePoolType::Gpu),
                                      item({{"pci", "0000:41:00.0"}}), root));
  // The short form LXD accepts names the same device.
  CHECK_FALSE(deviceUnavailableReason(config, pool(DevicePoolType::Pci),
                                      item({{"address", "41:00.0"}}), root));
  CHECK(deviceUnavailableReason(config, pool(DevicePoolType::Pci),
                                item({{"address", "0000:42:00.0"}}),
                                root) == "PCI address 0000:42:00.0 is not on this host");
  CHECK_FALSE(deviceUnavailableReason(config, pool(DevicePoolType::Nic),
                                      item({{"parent", "enp5s0"}}), root));
  CHECK(deviceUnavailableReason(config, pool(DevicePoolType::Nic), item({{"parent", "enp6s0"}}),
                                root) == "network interface enp6s0 is not on this host");

  config.device_pools = {pool(DevicePoolType::Usb)};
  config.device_pools[0].items = {item({{"vendorid", "0403"}}), item({{"vendorid", "dead"}})};
  const auto unavailable = unavailableDeviceItems(config, root);
  REQUIRE(unavailable.size() == 1);
  CHECK(unavailable.begin()->first == "p main vendorid=dead");
}

TEST_CASE("LXD 5.0's resources: GPUs, PCI and USB devices of another host") {
  const LxdResources resources = parseLxdResources(cannedResources());
  REQUIRE(resources.gpus);
  REQUIRE(resources.gpus->size() == 1);
  CHECK(resources.gpus->front().pci_address == "0000:41:00.0");
  CHECK(resources.gpus->front().drm_id == 1u);
  REQUIRE(resources.pci_addresses);
  CHECK(resources.pci_addresses->size() == 2);
  REQUIRE(resources.usb);
  REQUIRE(resources.usb->size() == 2);
  CHECK(resources.usb->at(1).bus == "3");
  CHECK_FALSE(resources.usb->at(0).serial);  // LXD 5.0 reports no serials

  const auto gpu = pool(DevicePoolType::Gpu);
  CHECK_FALSE(missingFromResources(gpu, item({{"pci", "0000:41:00.0"}}, "lab"), resources));
  CHECK_FALSE(missingFromResources(gpu, item({{"vendorid", "10DE"}, {"productid", "2504"}}, "lab"),
                                   resources));
  CHECK_FALSE(missingFromResources(gpu, item({{"id", "1"}}, "lab"), resources));
  CHECK(missingFromResources(gpu, item({{"pci", "0000:81:00.0"}}, "lab"), resources) ==
        "no GPU with pci=0000:81:00.0 on remote 'lab'");
  CHECK(missingFromResources(gpu, item({{"pci", "0000:41:00.0"}, {"id", "0"}}, "lab"), resources));

  const auto pci = pool(DevicePoolType::Pci);
  CHECK_FALSE(missingFromResources(pci, item({{"address", "0000:42:00.0"}}, "lab"), resources));
  CHECK(missingFromResources(pci, item({{"address", "0000:43:00.0"}}, "lab"), resources) ==
        "PCI address 0000:43:00.0 is not on remote 'lab'");

  const auto usb = pool(DevicePoolType::Usb);
  CHECK_FALSE(missingFromResources(usb, item({{"vendorid", "0403"}, {"productid", "6001"}}, "lab"),
                                   resources));
  CHECK_FALSE(missingFromResources(
      usb, item({{"vendorid", "2e8a"}, {"busnum", "3"}, {"devnum", "7"}}, "lab"), resources));
  // No serials reported: the item is matched on its other keys (unknown is not missing).
  CHECK_FALSE(missingFromResources(usb, item({{"vendorid", "0403"}, {"serial", "A10K1234"}}, "lab"),
                                   resources));
  CHECK(missingFromResources(usb, item({{"vendorid", "0403"}, {"productid", "6015"}}, "lab"),
                             resources) ==
        "no USB device with vendorid=0403, productid=6015 on remote 'lab'");

  // Not visible through the API: taken as there.
  CHECK_FALSE(missingFromResources(pool(DevicePoolType::UnixChar),
                                   item({{"source", "/dev/nothing"}}, "lab"), resources));
}

TEST_CASE("resources: serials where LXD reports them; sections an old LXD lacks are unknown") {
  const LxdResources with_serial = parseLxdResources(
      R"({"usb":{"devices":[{"bus_address":1,"device_address":3,"vendor_id":"0403",)"
      R"("product_id":"6001","serial":"A10K1234"}],"total":1}})");
  const auto usb = pool(DevicePoolType::Usb);
  CHECK_FALSE(missingFromResources(usb, item({{"serial", "A10K1234"}}, "lab"), with_serial));
  CHECK(missingFromResources(usb, item({{"serial", "B99"}}, "lab"), with_serial));
  // No gpu or pci sections: nothing can be said about those items.
  CHECK_FALSE(missingFromResources(pool(DevicePoolType::Gpu),
                                   item({{"pci", "0000:41:00.0"}}, "lab"), with_serial));
  CHECK_FALSE(missingFromResources(pool(DevicePoolType::Pci),
                                   item({{"address", "0000:41:00.0"}}, "lab"), with_serial));
  // "devices": null is an empty list.
  const LxdResources none = parseLxdResources(R"({"usb":{"devices":null,"total":0}})");
  CHECK(missingFromResources(usb, item({{"vendorid", "0403"}}, "lab"), none));
  CHECK_THROWS_WITH(parseLxdResources("[1,2]"), Catch::Contains("not a JSON object"));
  CHECK_THROWS(parseLxdResources("not json"));
}

}  // namespace lxdrunner::config::test
