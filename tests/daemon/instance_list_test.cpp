// SPDX-License-Identifier: Apache-2.0
// A backend's list_instances JSON as the executor reads it: ABI 1.1's "devices" when the
// backend says, and "unknown" (not "none") when it does not.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "daemon/plugin_executor.hpp"

namespace lxdrunner::daemon {
namespace {

using Devices = std::map<std::string, std::map<std::string, std::string>>;

TEST_CASE("list_instances: an instance's devices are read as name -> keys") {
  const auto list = parseInstanceList(
      R"([{"name":"lxdrunner-1-1abcd","remote":"lab","entry":"board","job_id":1,)"
      R"("created":"2026-01-02T03:04:05Z","status":"Running","image":"abc",)"
      R"("devices":{"tty":{"type":"unix-char","source":"/dev/ttyUSB0","path":"/dev/board"},)"
      R"("gpu0":{"type":"gpu","pci":"0000:41:00.0"}}}])");
  REQUIRE(list.size() == 1);
  CHECK(list[0].remote == "lab");
  CHECK(list[0].status == "running");
  REQUIRE(list[0].devices);
  CHECK(*list[0].devices ==
        Devices{
            {"gpu0", {{"type", "gpu"}, {"pci", "0000:41:00.0"}}},
            {"tty", {{"type", "unix-char"}, {"source", "/dev/ttyUSB0"}, {"path", "/dev/board"}}}});
}

TEST_CASE("list_instances: no devices member is unknown, an empty one is none") {
  const auto list =
      parseInstanceList(R"([{"name":"old-backend","status":"running"},)"
                        R"({"name":"no-devices","status":"running","devices":{}},)"
                        R"({"name":"null-devices","status":"running","devices":null}])");
  REQUIRE(list.size() == 3);
  CHECK_FALSE(list[0].devices.has_value());
  REQUIRE(list[1].devices.has_value());
  CHECK(list[1].devices->empty());
  CHECK_FALSE(list[2].devices.has_value());
}

TEST_CASE("list_instances: devices that are not objects are refused, naming the instance") {
  CHECK_THROWS_WITH(parseInstanceList(R"([{"name":"i-1","devices":[]}])"),
                    Catch::Contains("i-1") && Catch::Contains("devices"));
  CHECK_THROWS_WITH(parseInstanceList(R"([{"name":"i-2","devices":{"tty":"x"}}])"),
                    Catch::Contains("device tty of i-2 is not an object"));
}

}  // namespace
}  // namespace lxdrunner::daemon
