// SPDX-License-Identifier: Apache-2.0
// The C++ SDK's registration layer: descriptors it emits, and that every way a plugin can
// fail comes back as a status plus last_error() instead of an exception.
#include <catch2/catch.hpp>

#include <cstddef>
#include <cstring>
#include <stdexcept>

#include "lxdrunner/sdk.hpp"
#include "lxdrunner/sdk/fake_host.hpp"

namespace {

using namespace lxdrunner::sdk;

// Fails in the way its config says, to exercise the catch-all.
class FailingProvisioner : public Provisioner {
 public:
  static constexpr const char* kName = "failing";
  static constexpr const char* kVersion = "0.0.1";
  static constexpr const char* kDescription = "fails on request";
  FailingProvisioner(Host h, std::string config) : Provisioner(std::move(h), std::move(config)) {
    if (configJson() == "refuse") throw Error(LXDR_ERR_INVALID_ARGUMENT, "config says refuse");
  }
  void provision(const ProvisionRequest& r, std::string& log) override {
    log += "started;";
    if (r.scope == "not-found") throw Error(LXDR_ERR_NOT_FOUND, "no such image: ghost");
    if (r.scope == "std") throw std::runtime_error("plain std exception");
    if (r.scope == "int") throw 42;
    if (r.scope == "ok-error") throw Error(LXDR_OK, "status OK in an error");
  }
};

lxdr_status provisionWithScope(FakeHost::Instance& p, const std::string& scope, std::string& log) {
  lxdr_provision_request req{};
  req.struct_size = sizeof(req);
  req.scope = slice(scope);
  lxdr_sink sink = stringSink(log);
  return p.ops<lxdr_provisioner_ops>().provision(p.handle(), &req, &sink);
}

}  // namespace

TEST_CASE("registration emits a complete descriptor", "[sdk]") {
  const lxdr_plugin_descriptor* d = detail::Adapter<FailingProvisioner>::descriptor();
  CHECK(d->struct_size == sizeof(lxdr_plugin_descriptor));
  CHECK(d->abi_major == LXDR_ABI_MAJOR);
  CHECK(d->abi_minor == LXDR_ABI_MINOR);
  CHECK(d->kind == LXDR_KIND_PROVISIONER);
  CHECK(std::strcmp(d->name, "failing") == 0);
  CHECK(std::strcmp(d->version, "0.0.1") == 0);
  CHECK(d->config_schema == nullptr);
  const auto* ops = static_cast<const lxdr_provisioner_ops*>(d->ops);
  CHECK(ops->struct_size == sizeof(lxdr_provisioner_ops));
  CHECK(ops->provision != nullptr);
}

TEST_CASE("a plugin's exceptions become statuses with its message", "[sdk]") {
  FakeHost host;
  auto p = host.create<FailingProvisioner>("{}");
  std::string log;

  SECTION("sdk::Error keeps its status") {
    CHECK(provisionWithScope(p, "not-found", log) == LXDR_ERR_NOT_FOUND);
    CHECK(p.lastError() == "no such image: ghost");
    CHECK(log == "started;");  // the log written before the failure is still delivered
  }
  SECTION("a std::exception is an internal error") {
    CHECK(provisionWithScope(p, "std", log) == LXDR_ERR_INTERNAL);
    CHECK(p.lastError() == "plain std exception");
  }
  SECTION("anything else thrown is an internal error") {
    CHECK(provisionWithScope(p, "int", log) == LXDR_ERR_INTERNAL);
    CHECK(p.lastError() == "unknown exception");
  }
  SECTION("an Error carrying LXDR_OK still fails") {
    CHECK(provisionWithScope(p, "ok-error", log) == LXDR_ERR_INTERNAL);
  }
  SECTION("success") {
    CHECK(provisionWithScope(p, "fine", log) == LXDR_OK);
  }
}

TEST_CASE("create() failure reports the constructor's message", "[sdk]") {
  FakeHost host;
  try {
    host.create<FailingProvisioner>("refuse");
    FAIL("create should have failed");
  } catch (const Error& e) {
    CHECK(e.status() == LXDR_ERR_INVALID_ARGUMENT);
    CHECK(std::string(e.what()) == "config says refuse");
  }
}

TEST_CASE("readVersioned zero-fills fields an older peer did not know", "[sdk][abi]") {
  lxdr_job_event full{};
  full.struct_size = sizeof(full);
  full.job_id = 7;
  full.runner_id = 99;
  std::string conclusion = "success";
  full.conclusion = slice(conclusion);

  SECTION("an older, shorter struct") {
    lxdr_job_event older = full;
    older.struct_size = static_cast<uint32_t>(offsetof(lxdr_job_event, runner_id));
    JobEvent e = JobEvent::fromC(&older);
    CHECK(e.job_id == 7);
    CHECK(e.runner_id == 0);
    CHECK(e.conclusion.empty());
  }
  SECTION("the current struct") {
    JobEvent e = JobEvent::fromC(&full);
    CHECK(e.runner_id == 99);
    CHECK(e.conclusion == "success");
  }
}

TEST_CASE("a host without a newer service is reported, not called", "[sdk][abi]") {
  FakeHost fake;
  lxdr_host_api older = *fake.api();
  // A host from before instance_exec existed.
  older.struct_size = static_cast<uint32_t>(offsetof(lxdr_host_api, instance_exec));
  Host host(&older, fake.context());
  try {
    host.exec(InstanceRef{"i", "main", "b"}, ExecRequest{{"true"}, {}, 0, "", "", 0});
    FAIL("exec should have thrown");
  } catch (const Error& e) {
    CHECK(e.status() == LXDR_ERR_UNSUPPORTED);
    CHECK(std::string(e.what()).find("instance_exec") != std::string::npos);
  }
}

TEST_CASE("a runner request carries its runner group; a 1.0 request has none", "[sdk][abi]") {
  FakeHost fake;
  RunnerRequest seen;
  fake.onJitConfig = [&seen](const RunnerRequest& r) {
    seen = r;
    return std::string("jit");
  };
  Host host(fake.api(), fake.context());

  SECTION("through the SDK: the group named") {
    RunnerRequest ask;
    ask.runner_name = "r1";
    ask.scope = "orgs/acme";
    ask.runner_group = "gpu";
    CHECK(host.jitConfig(ask) == "jit");
    CHECK(seen.scope == "orgs/acme");
    CHECK(seen.runner_group == "gpu");
  }
  SECTION("a 1.0-sized request, written before runner_group existed") {
    const std::string name = "r2";
    const std::string scope = "orgs/acme";
    const std::string group = "beyond the struct";
    lxdr_runner_request c{};
    c.struct_size = static_cast<uint32_t>(offsetof(lxdr_runner_request, runner_group));
    c.runner_name = slice(name);
    c.scope = slice(scope);
    c.runner_group = slice(group);  // past struct_size: must not be read
    std::string out;
    lxdr_sink sink = stringSink(out);
    REQUIRE(fake.api()->runner_jit_config(fake.context(), &c, &sink) == LXDR_OK);
    CHECK(seen.runner_name == "r2");
    CHECK(seen.runner_group.empty());
  }
}
