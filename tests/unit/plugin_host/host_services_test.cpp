// SPDX-License-Identifier: Apache-2.0
// Host services as real plugins see them: a provisioner reaches an instance only through the
// host, which routes to the owning backend; events land in the inbox.
#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <thread>

#include <Poco/JSON/Parser.h>

#include "events/inbox.hpp"
#include "lxdrunner/sdk/strings.hpp"
#include "plugin_host/plugin_host.hpp"
#include "test_plugins.hpp"

using lxdrunner::plugin_host::hostApi;
using lxdrunner::plugin_host::HostContext;
using lxdrunner::plugin_host::PluginHost;
using lxdrunner::sdk::slice;
using lxdrunner::test::testPlugin;

namespace {

struct Loaded {
  PluginHost host;
  Loaded() { host.registry().loadFile(testPlugin("test_good")); }
};

}  // namespace

TEST_CASE("provisioner → host → backend routing", "[host_services]") {
  Loaded l;
  std::string error;
  auto* backend = l.host.instantiate("test-backend", LXDR_KIND_BACKEND, "{}", error);
  REQUIRE(backend != nullptr);
  auto* provisioner = l.host.instantiate("test-provisioner", LXDR_KIND_PROVISIONER,
                                         R"({"greeting":"hi there"})", error);
  REQUIRE(provisioner != nullptr);

  lxdr_launch_request launch{};
  launch.struct_size = sizeof(launch);
  launch.instance_name = slice("lxdrunner-t1");
  std::string remote;
  REQUIRE(backend->launch(launch, remote).ok());
  CHECK(remote == "main");

  lxdr_provision_request req{};
  req.struct_size = sizeof(req);
  req.instance = {slice("lxdrunner-t1"), slice("main"), slice("test-backend")};
  req.job_id = 5;
  std::string log;
  auto r = provisioner->provision(req, log);
  REQUIRE(r.ok());
  CHECK(log == "hi there job 5");

  SECTION("an instance of a backend that is not running") {
    req.instance.backend = slice("lxd-nowhere");
    auto failed = provisioner->provision(req, log);
    CHECK(failed.status == LXDR_ERR_NOT_FOUND);
    CHECK(failed.error ==
          "plugin 'test-provisioner': provision: instance lxdrunner-t1 names "
          "backend 'lxd-nowhere', which is not running in this daemon");
  }
  SECTION("the backend's own not-found comes through") {
    req.instance.name = slice("lxdrunner-gone");
    auto failed = provisioner->provision(req, log);
    CHECK(failed.status == LXDR_ERR_NOT_FOUND);
    CHECK(failed.error.find("instance lxdrunner-gone not found") != std::string::npos);
  }
  SECTION("launching a duplicate name is ALREADY_EXISTS with the backend's message") {
    auto dup = backend->launch(launch, remote);
    CHECK(dup.status == LXDR_ERR_ALREADY_EXISTS);
    CHECK(dup.error == "plugin 'test-backend': launch: instance lxdrunner-t1 exists");
  }
}

TEST_CASE("an event source's events reach the inbox intact", "[host_services]") {
  Loaded l;
  lxdrunner::events::Inbox inbox;
  std::string error;
  auto* source = l.host.instantiate("test-source", LXDR_KIND_EVENT_SOURCE, "{}", error);
  REQUIRE(source != nullptr);

  SECTION("without an inbox the service says what is missing") {
    auto r = source->start();
    CHECK(r.status == LXDR_ERR_UNSUPPORTED);
    CHECK(r.error.find("the job inbox is not running") != std::string::npos);
  }
  SECTION("with an inbox: emit returns once the consumer recorded the event") {
    l.host.services().inbox = &inbox;
    std::optional<lxdrunner::events::InboxEvent> got;
    std::thread consumer([&] {
      auto item = inbox.pop(std::chrono::seconds(30));
      if (!item) return;
      got = *item;
      item->settle(true);
    });
    const auto started = source->start();
    consumer.join();
    CHECK(started.ok());
    REQUIRE(got.has_value());
    CHECK(got->source == "test-source");
    CHECK(got->event.job_id == 9007199254740993ULL);
    CHECK(got->event.labels == std::vector<std::string>{"self-hosted", "linux"});
    CHECK(got->event.repository == "octo/repo");
    l.host.services().inbox = nullptr;
  }
  SECTION("the store could not record it: emit fails as transient, naming the cause") {
    l.host.services().inbox = &inbox;
    std::thread consumer([&] {
      if (auto item = inbox.pop(std::chrono::seconds(30))) item->settle(false, "disk I/O error");
    });
    const auto started = source->start();
    consumer.join();
    CHECK(started.status == LXDR_ERR_TRANSIENT);
    CHECK(started.error.find("could not record the event (disk I/O error)") != std::string::npos);
    l.host.services().inbox = nullptr;
  }
  SECTION("nobody records it in time: transient, not OK") {
    l.host.services().inbox = &inbox;
    l.host.services().durable_wait = std::chrono::milliseconds(20);
    const auto started = source->start();
    CHECK(started.status == LXDR_ERR_TRANSIENT);
    CHECK(started.error.find("did not record the event within 20 ms") != std::string::npos);
    l.host.services().inbox = nullptr;
  }
}

TEST_CASE("host services called directly", "[host_services]") {
  lxdrunner::plugin_host::HostServices services;
  HostContext ctx;
  ctx.plugin_name = "direct";
  ctx.services = &services;
  Poco::JSON::Parser parser;
  ctx.config = parser.parse(R"({"a":{"b":[10,{"c":"deep"}]},"n":3,"flag":true})")
                   .extract<Poco::JSON::Object::Ptr>();
  const lxdr_host_api* api = hostApi();
  REQUIRE(api->struct_size == sizeof(lxdr_host_api));

  auto get = [&](const std::string& key, std::string& out) {
    lxdr_sink sink = lxdrunner::sdk::stringSink(out);
    return api->config_get(&ctx, slice(key), &sink);
  };
  std::string v;
  CHECK(get("a.b[1].c", v) == LXDR_OK);
  CHECK(v == "deep");
  v.clear();
  CHECK(get("n", v) == LXDR_OK);
  CHECK(v == "3");
  v.clear();
  CHECK(get("a.b", v) == LXDR_OK);
  CHECK(v == R"([10,{"c":"deep"}])");
  CHECK(get("missing.key", v) == LXDR_ERR_NOT_FOUND);
  CHECK(std::string(api->last_error(&ctx)) == "configuration has no key missing.key");

  lxdr_github_request req{};
  req.struct_size = sizeof(req);
  lxdr_github_response res{};
  res.struct_size = sizeof(res);
  CHECK(api->github_request(&ctx, &req, &res) == LXDR_ERR_UNSUPPORTED);
  CHECK(std::string(api->last_error(&ctx)) ==
        "host service github_request is unavailable: the GitHub client is not running in this "
        "daemon");

  CHECK(api->shutting_down(&ctx) == 0);
  services.shutting_down = true;
  CHECK(api->shutting_down(&ctx) == 1);

  int64_t t0 = api->now_ms(&ctx);
  CHECK(api->now_ms(&ctx) >= t0);
}

TEST_CASE("config_get answers the discovered repositories under the reserved key",
          "[host_services][discovery]") {
  lxdrunner::plugin_host::HostServices services;
  HostContext ctx;
  ctx.plugin_name = "poll";
  ctx.services = &services;
  Poco::JSON::Parser parser;
  // A plugin's own settings cannot shadow the key.
  ctx.config = parser.parse(R"({"repositories":"auto","lxdrunner:repositories":"mine"})")
                   .extract<Poco::JSON::Object::Ptr>();
  const lxdr_host_api* api = hostApi();
  auto get = [&](std::string& out) {
    lxdr_sink sink = lxdrunner::sdk::stringSink(out);
    return api->config_get(&ctx, slice(lxdrunner::plugin_host::kDiscoveredRepositoriesKey), &sink);
  };
  std::string v;
  CHECK(get(v) == LXDR_ERR_NOT_FOUND);
  CHECK(std::string(api->last_error(&ctx)) == "repository discovery is not running in this daemon");

  int asked = 0;
  services.discovered_repositories = [&] {
    ++asked;
    return std::vector<std::string>{"octo/a", "octo/b\"quoted"};
  };
  CHECK(get(v) == LXDR_OK);
  auto list = parser.parse(v).extract<Poco::JSON::Array::Ptr>();
  REQUIRE(list->size() == 2);
  CHECK(list->getElement<std::string>(0) == "octo/a");
  CHECK(list->getElement<std::string>(1) == "octo/b\"quoted");
  v.clear();
  CHECK(get(v) == LXDR_OK);
  CHECK(asked == 2);  // asked each time: the list may change
}

TEST_CASE("instance_exec writes no further into the caller's result than its struct_size",
          "[host_services]") {
  Loaded l;
  std::string error;
  auto* backend = l.host.instantiate("test-backend", LXDR_KIND_BACKEND, "{}", error);
  REQUIRE(backend != nullptr);
  lxdr_launch_request launch{};
  launch.struct_size = sizeof(launch);
  launch.instance_name = slice("lxdrunner-x1");
  std::string remote;
  REQUIRE(backend->launch(launch, remote).ok());
  HostContext ctx;
  ctx.plugin_name = "old-provisioner";
  ctx.services = &l.host.services();
  const lxdr_host_api* api = hostApi();

  const lxdr_str argv[] = {slice("echo"), slice("hi")};
  lxdr_exec_request request{};
  request.struct_size = sizeof(request);
  request.argc = 2;
  request.argv = argv;
  const lxdr_instance_ref ref{slice("lxdrunner-x1"), slice("main"), slice("test-backend")};
  // A result as a plugin with a shorter struct passes it: its struct ends after exit_code, and
  // what follows is the caller's own memory, which must stay untouched.
  std::string beyond;
  lxdr_exec_result result{};
  result.struct_size = static_cast<uint32_t>(offsetof(lxdr_exec_result, out));
  result.exit_code = -1;
  result.out = lxdrunner::sdk::stringSink(beyond);
  result.err = lxdrunner::sdk::stringSink(beyond);
  REQUIRE(api->instance_exec(&ctx, &ref, &request, &result) == LXDR_OK);
  CHECK(result.exit_code == 0);
  CHECK(beyond.empty());

  result.struct_size = 4;  // not even exit_code
  CHECK(api->instance_exec(&ctx, &ref, &request, &result) == LXDR_ERR_INVALID_ARGUMENT);
  CHECK(std::string(api->last_error(&ctx)) ==
        "instance_exec: the result struct is 4 bytes, too small to hold exit_code (8)");
}
