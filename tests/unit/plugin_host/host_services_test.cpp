// SPDX-License-Identifier: Apache-2.0
// Host services as real plugins see them: a provisioner reaches an instance only through the
// host, which routes to the owning backend; events land in the inbox.
#include <catch2/catch.hpp>

#include <chrono>

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
  SECTION("with an inbox") {
    l.host.services().inbox = &inbox;
    REQUIRE(source->start().ok());
    auto e = inbox.pop(std::chrono::milliseconds(100));
    REQUIRE(e.has_value());
    CHECK(e->source == "test-source");
    CHECK(e->event.job_id == 9007199254740993ULL);
    CHECK(e->event.labels == std::vector<std::string>{"self-hosted", "linux"});
    CHECK(e->event.repository == "octo/repo");
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
