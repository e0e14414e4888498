// SPDX-License-Identifier: Apache-2.0
// The LXD daemon restarts under the client: calls in flight end with the real outcome or a
// clear error (never hang), calls made while it is down wait for it (bounded), and the same
// client works afterwards. LXD is always left running.
#include <catch2/catch.hpp>
#include <future>
#include <thread>

#include "real_lxd.hpp"

using namespace lxdrunner::lxd;
using namespace lxdrunner::lxdtest;

TEST_CASE("LXD restarted during an exec and between calls", "[lxd][real][restart]") {
  LxdRunningGuard keep_lxd_running;
  LxdClient client(localRemote());
  const std::string name = uniqueName("restart");
  InstanceGuard guard(client, name);
  InstanceSpec spec;
  spec.name = name;
  spec.image.alias = kTestImage;
  spec.start = true;
  client.createInstance(spec, seconds(60));

  // 1. An exec in flight when the daemon goes down.
  auto in_flight = std::async(std::launch::async, [&]() -> std::string {
    ExecSpec sleep;
    sleep.command = {"sleep", "5"};
    try {
      int status = client.exec(name, sleep, seconds(90), nullptr, nullptr);
      return "exit " + std::to_string(status);
    } catch (const LxdError& e) {
      return std::string("error: ") + e.what();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const auto stopped_at = std::chrono::steady_clock::now();
  REQUIRE(envScript("stop") == 0);

  // 2. A call made while LXD is down waits for it to come back (reconnect window).
  auto while_down = std::async(std::launch::async, [&]() -> std::string {
    try {
      return client.instanceState(name, seconds(60)).status;
    } catch (const LxdError& e) {
      return std::string("error: ") + e.what();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  REQUIRE(envScript("ensure") == 0);

  REQUIRE(in_flight.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  const std::string outcome = in_flight.get();
  INFO("exec in flight during the restart: " << outcome);
  // Either LXD answered (the command was killed by the shutdown: non-zero), or the client
  // says plainly what happened.
  const bool clear = outcome.rfind("exit ", 0) == 0 ||
                     outcome.find("lost the connection to LXD socket") != std::string::npos ||
                     outcome.find("LXD lost operation") != std::string::npos;
  CHECK(clear);
  CHECK(std::chrono::steady_clock::now() - stopped_at < std::chrono::seconds(60));

  REQUIRE(while_down.wait_for(std::chrono::seconds(60)) == std::future_status::ready);
  const std::string state = while_down.get();
  INFO("call made while LXD was down: " << state);
  CHECK(state.rfind("error: ", 0) != 0);

  // 3. The same client goes on working.
  CHECK(client.refreshServerInfo(seconds(10)).auth == "trusted");
  ExecSpec echo;
  echo.command = {"echo", "back"};
  std::string out;
  for (int attempt = 0; attempt < 50; ++attempt) {
    if (client.instanceState(name, seconds(10)).status_code == 103) break;
    client.startInstance(name, seconds(30));
  }
  CHECK(client.exec(
            name, echo, seconds(30), [&](const char* d, size_t n) { out.append(d, n); }, nullptr) ==
        0);
  CHECK(out == "back\n");
}
