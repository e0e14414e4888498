// SPDX-License-Identifier: Apache-2.0
// The fake host lets a plugin be tested alone: these tests drive small plugins through
// their real C entry points and check what reached the "daemon".
#include <catch2/catch.hpp>

#include "lxdrunner/sdk.hpp"
#include "lxdrunner/sdk/fake_host.hpp"

namespace {

using namespace lxdrunner::sdk;

class MotdProvisioner : public Provisioner {
 public:
  static constexpr const char* kName = "motd";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "writes /etc/motd";
  using Provisioner::Provisioner;

  void provision(const ProvisionRequest& r, std::string& log) override {
    std::string text(10000, 'x');  // larger than one read, so streaming is exercised
    text = host().config("motd.text", "welcome") + text;
    FilePush f = FilePush::fromContent("/etc/motd", text, 0644);
    host().pushFile(r.instance, f);
    ExecResult res = host().exec(r.instance, ExecRequest{{"id", "-u"}, {}, 1000, "", "", 0});
    if (res.exit_code != 0) throw Error(LXDR_ERR_TRANSIENT, "id failed: " + res.err);
    log += "uid=" + res.out;
    host().info("motd written to " + r.instance.name);
  }
};

class HookSource : public EventSource {
 public:
  static constexpr const char* kName = "hook";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "HTTP route that emits a job per POST";
  using EventSource::EventSource;

  void start() override { host().registerRoute("/hook", 16, &HookSource::handle, this); }
  void stop() override {}

 private:
  static lxdr_status handle(void* ctx, const lxdr_http_request* req,
                            const lxdr_http_response* resp) {
    auto* self = static_cast<HookSource*>(ctx);
    HttpResponse out(resp);
    if (view(req->method) != "POST") {
      out.status(405);
      return LXDR_OK;
    }
    JobEvent e;
    e.job_id = std::stoull(std::string(view(req->body)));
    e.labels = {"self-hosted"};
    self->host().emit(e);
    out.status(202);
    out.header("Content-Type", "text/plain");
    out.body("queued");
    return LXDR_OK;
  }
};

}  // namespace

TEST_CASE("a provisioner runs against the fake host", "[sdk][fake_host]") {
  FakeHost host;
  host.setConfig("motd.text", "hello ");
  host.onExec = [](const InstanceRef& i, const ExecRequest& r) {
    CHECK(i.name == "lxdrunner-abc");
    CHECK(r.uid == 1000);
    return ExecResult{0, "1000\n", ""};
  };
  auto p = host.create<MotdProvisioner>();

  ProvisionRequest req;
  req.instance = InstanceRef{"lxdrunner-abc", "main", "lxd-container"};
  lxdr_provision_request c{};
  c.struct_size = sizeof(c);
  c.instance = req.instance.toC();
  std::string log;
  lxdr_sink sink = stringSink(log);
  REQUIRE(p.ops<lxdr_provisioner_ops>().provision(p.handle(), &c, &sink) == LXDR_OK);

  auto files = host.files();
  REQUIRE(files.count("/etc/motd") == 1);
  CHECK(files["/etc/motd"].content.size() == 6 + 10000);
  CHECK(files["/etc/motd"].content.rfind("hello ", 0) == 0);
  CHECK(files["/etc/motd"].mode == 0644);
  CHECK(log == "uid=1000\n");
  CHECK(host.logged("motd written to lxdrunner-abc"));
}

TEST_CASE("a failing host service surfaces as the plugin's error", "[sdk][fake_host]") {
  FakeHost host;  // onExec not set: the service fails
  auto p = host.create<MotdProvisioner>();
  InstanceRef ref{"i", "main", "lxd-container"};
  lxdr_provision_request c{};
  c.struct_size = sizeof(c);
  c.instance = ref.toC();
  REQUIRE(p.ops<lxdr_provisioner_ops>().provision(p.handle(), &c, nullptr) == LXDR_ERR_UNSUPPORTED);
  CHECK(p.lastError() == "FakeHost: onExec is not set");
}

TEST_CASE("an event source registers a route and emits events", "[sdk][fake_host]") {
  FakeHost host;
  auto p = host.create<HookSource>();
  REQUIRE(p.ops<lxdr_event_source_ops>().start(p.handle()) == LXDR_OK);
  CHECK(host.routes() == std::vector<std::string>{"/hook"});

  auto ok = host.http("/hook", "POST", {{"Content-Type", "text/plain"}}, "9007199254740993");
  CHECK(ok.status == 202);
  CHECK(ok.body == "queued");
  CHECK(ok.headers["Content-Type"] == "text/plain");
  REQUIRE(host.events().size() == 1);
  CHECK(host.events()[0].job_id == 9007199254740993ULL);

  CHECK(host.http("/hook", "GET", {}, "").status == 405);
  CHECK(host.http("/hook", "POST", {}, std::string(17, '1')).status == 413);
  CHECK(host.events().size() == 1);

  // Registering the same path twice is refused.
  CHECK(p.ops<lxdr_event_source_ops>().start(p.handle()) == LXDR_ERR_ALREADY_EXISTS);
}
