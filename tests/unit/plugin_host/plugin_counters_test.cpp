// SPDX-License-Identifier: Apache-2.0
// counter_add (ABI 1.1): names are checked, each plugin's names are capped, plugins are kept
// apart, and the service answers a plugin through the real host vtable.
#include <catch2/catch.hpp>

#include <string>
#include <thread>
#include <vector>

#include "lxdrunner/sdk/strings.hpp"
#include "plugin_host/host_services.hpp"
#include "plugin_host/plugin_counters.hpp"

using lxdrunner::plugin_host::hostApi;
using lxdrunner::plugin_host::HostContext;
using lxdrunner::plugin_host::HostServices;
using lxdrunner::plugin_host::PluginCounters;
using lxdrunner::sdk::slice;

TEST_CASE("plugin counters: add, snapshot, plugins apart", "[counters]") {
  PluginCounters c;
  CHECK(c.add("webhook", "bad_signature", 1).empty());
  CHECK(c.add("webhook", "bad_signature", 2).empty());
  CHECK(c.add("poll", "bad_signature", 5).empty());
  const auto all = c.snapshot();
  REQUIRE(all.size() == 2);
  CHECK(all[0].plugin == "poll");
  CHECK(all[0].value == 5);
  CHECK(all[1].plugin == "webhook");
  CHECK(all[1].name == "bad_signature");
  CHECK(all[1].value == 3);
}

TEST_CASE("plugin counters: bad names and one name too many count nothing", "[counters]") {
  PluginCounters c;
  for (const char* bad : {"", "Bad", "with space", "dash-ed", "a{b}", "quote\""}) {
    INFO(bad);
    CHECK_FALSE(c.add("p", bad, 1).empty());
  }
  CHECK_FALSE(c.add("p", std::string(65, 'a'), 1).empty());
  CHECK(c.add("p", std::string(64, 'a'), 1).empty());
  for (size_t i = 1; i < PluginCounters::kMaxNamesPerPlugin; ++i) {
    REQUIRE(c.add("p", "n" + std::to_string(i), 1).empty());
  }
  const std::string refused = c.add("p", "one_too_many", 1);
  CHECK_THAT(refused, Catch::Contains("64 counters"));
  CHECK(c.add("p", "n1", 1).empty());        // a known name still counts
  CHECK(c.add("other", "fine", 1).empty());  // the cap is per plugin
  CHECK(c.snapshot().size() == PluginCounters::kMaxNamesPerPlugin + 1);
}

TEST_CASE("plugin counters: concurrent adds are all counted", "[counters]") {
  PluginCounters c;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) c.add("p", "hits", 1);
    });
  }
  for (auto& t : threads) t.join();
  REQUIRE(c.snapshot().size() == 1);
  CHECK(c.snapshot()[0].value == 4000);
}

TEST_CASE("counter_add through the host vtable, under the calling plugin's name", "[counters]") {
  HostServices services;
  HostContext ctx;
  ctx.plugin_name = "webhook";
  ctx.services = &services;
  const lxdr_host_api* api = hostApi();
  REQUIRE(api->counter_add != nullptr);
  CHECK(api->counter_add(&ctx, slice("accepted"), 3) == LXDR_OK);
  CHECK(api->counter_add(&ctx, slice("Not OK"), 1) == LXDR_ERR_INVALID_ARGUMENT);
  CHECK_THAT(std::string(api->last_error(&ctx)), Catch::Contains("[a-z0-9_]"));
  const auto all = services.plugin_counters.snapshot();
  REQUIRE(all.size() == 1);
  CHECK(all[0].plugin == "webhook");
  CHECK(all[0].value == 3);
}
