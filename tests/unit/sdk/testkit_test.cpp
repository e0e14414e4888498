// SPDX-License-Identifier: Apache-2.0
// The plugin author's test kit (lxdrunner/testkit.hpp): a plugin loaded from its .so through
// the daemon's checks, faults in any host service, a settable clock, a shutdown during a
// call, operation helpers with a job context, and concurrent provisioning.
#include <catch2/catch.hpp>

#include <atomic>
#include <set>
#include <string>

#include "lxdrunner/sdk.hpp"
#include "lxdrunner/testkit.hpp"

namespace {

using namespace lxdrunner::sdk;
using lxdrunner::testkit::PluginFile;
using lxdrunner::testkit::ProvisionerCalls;

std::string testPlugin(const std::string& name) {
  return std::string(LXDRUNNER_TEST_PLUGIN_DIR) + "/" + name + ".so";
}

// Pushes a file, runs a command, and waits on the host's clock for a marker: each host
// service the test kit can fail or cut is on its path.
class Waiter : public Provisioner {
 public:
  static constexpr const char* kName = "waiter";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "pushes, execs, then waits on the clock";
  using Provisioner::Provisioner;

  void provision(const ProvisionRequest& r, std::string& log) override {
    FilePush job = FilePush::fromContent("/etc/job", r.job ? r.job->repository : "-");
    host().pushFile(r.instance, job);
    ExecResult res = host().exec(r.instance, ExecRequest{{"true"}, {}, 0, "", "", r.deadline_ms});
    log += "exit " + std::to_string(res.exit_code) + "\n";
    const int64_t until = host().nowMs() + 1000;
    while (host().nowMs() < until) {
      host().checkpoint(r.deadline_ms, "waiting for the marker");
      if (host().shuttingDown()) throw Error(LXDR_ERR_CANCELLED, "stopping");
    }
    ++provisioned;
  }

  static inline std::atomic<int> provisioned{0};
};

// Logs what each phase was given.
class Phased : public PhasedProvisioner {
 public:
  static constexpr const char* kName = "phased";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kDescription = "logs what each phase gets";
  using PhasedProvisioner::PhasedProvisioner;

  void provision(const ProvisionRequest& r, std::string& log) override {
    note("provision", r, log);
  }
  void prepare(const ProvisionRequest& r, std::string& log) override { note("prepare", r, log); }
  void start(const ProvisionRequest& r, std::string& log) override { note("start", r, log); }

 private:
  static void note(const char* phase, const ProvisionRequest& r, std::string& log) {
    log += std::string(phase) + ": job_id=" + std::to_string(r.job_id) + " scope=" + r.scope +
           " job=" + (r.job ? r.job->repository : "none") + "\n";
  }
};

ExecResult ok(const InstanceRef&, const ExecRequest&) {
  return ExecResult{0, "", ""};
}

}  // namespace

TEST_CASE("a plugin file is loaded through the daemon's checks and driven by its operations",
          "[testkit]") {
  const PluginFile file = PluginFile::load(testPlugin("test_step"));
  REQUIRE(file.errors().empty());
  const lxdr_plugin_descriptor* d = file.descriptor("test-step");
  REQUIRE(d != nullptr);
  CHECK(file.plugin("test-step")->kind == LXDR_KIND_PROVISIONER);
  CHECK(file.descriptor("no-such-plugin") == nullptr);

  FakeHost host;
  host.onExec = ok;
  auto plugin = host.create(d);
  const ProvisionerCalls calls(plugin);
  CHECK(calls.isStep());
  const auto result = calls.provision(lxdrunner::testkit::sampleProvisionRequest());
  CHECK(result.ok());
}

TEST_CASE("a file that is not a plugin is refused in one line naming it", "[testkit]") {
  const PluginFile missing = PluginFile::load("/nonexistent/plugin.so");
  REQUIRE(missing.errors().size() == 1);
  CHECK(missing.errors()[0].rfind("plugin /nonexistent/plugin.so: cannot be loaded: ", 0) == 0);

  const PluginFile no_entry = PluginFile::load(testPlugin("test_no_entry"));
  REQUIRE(no_entry.errors().size() == 1);
  CHECK(no_entry.errors()[0] == "plugin " + testPlugin("test_no_entry") +
                                    ": not an lxdrunner plugin (no lxdrunner_plugin_entry "
                                    "symbol): build it with lxdrunner_add_plugin() and "
                                    "LXDRUNNER_PLUGINS()");
  CHECK(no_entry.plugins().empty());
}

TEST_CASE("a fault injected into a host service fails the plugin's call with its text",
          "[testkit]") {
  FakeHost host;
  host.onExec = ok;
  auto plugin = host.create<Waiter>();
  const ProvisionerCalls calls(plugin);
  host.setClock(0, 100);  // every read of the clock moves it 100 ms on

  host.fail(HostService::instance_exec, LXDR_ERR_TRANSIENT, "LXD is restarting");
  auto failed = calls.provision(lxdrunner::testkit::sampleProvisionRequest());
  CHECK(failed.status == LXDR_ERR_TRANSIENT);
  CHECK(failed.error.find("LXD is restarting") != std::string::npos);
  CHECK(host.calls(HostService::instance_push_file) == 1);
  CHECK(host.calls(HostService::instance_exec) == 1);

  // A fault for one call only: the next call goes through.
  auto passed = calls.provision(lxdrunner::testkit::sampleProvisionRequest());
  CHECK(passed.ok());
  CHECK(host.files().at("/etc/job").content == "octo-org/hello-world");

  // Every call, until cleared; each service fails on its own.
  host.fail(HostService::instance_push_file, LXDR_ERR_NOT_FOUND, "no such instance", -1);
  CHECK(calls.provision(lxdrunner::testkit::sampleProvisionRequest()).status == LXDR_ERR_NOT_FOUND);
  CHECK(calls.provision(lxdrunner::testkit::sampleProvisionRequest()).status == LXDR_ERR_NOT_FOUND);
  host.clearFaults();
  CHECK(calls.provision(lxdrunner::testkit::sampleProvisionRequest()).ok());
}

TEST_CASE("every host service that can fail can be made to fail", "[testkit]") {
  FakeHost host;
  for (HostService s : lxdrunner::sdk::kAllHostServices) host.fail(s, LXDR_ERR_INTERNAL, "boom");
  Host h = host.host();
  const InstanceRef instance{"i", "main", "lxd-container"};
  CHECK_THROWS_WITH(h.config("key", ""), Catch::Contains("boom"));
  CHECK_THROWS_WITH(h.exec(instance, ExecRequest{{"true"}, {}, 0, "", "", 0}),
                    Catch::Contains("boom"));
  FilePush f = FilePush::fromContent("/x", "y");
  CHECK_THROWS_WITH(h.pushFile(instance, f), Catch::Contains("boom"));
  CHECK_THROWS_WITH(h.count("seen"), Catch::Contains("boom"));
  for (HostService s : {HostService::config_get, HostService::instance_exec,
                        HostService::instance_push_file, HostService::counter_add}) {
    CHECK(host.calls(s) == 1);
  }
}

TEST_CASE("the settable clock drives a plugin's deadline", "[testkit]") {
  FakeHost host;
  host.onExec = ok;
  auto plugin = host.create<Waiter>();
  const ProvisionerCalls calls(plugin);
  host.setClock(50000, 10);
  auto request = lxdrunner::testkit::sampleProvisionRequest();
  request.deadline_ms = 50500;  // half of the 1 s the plugin waits
  auto r = calls.provision(request);
  CHECK(r.status == LXDR_ERR_TIMEOUT);
  CHECK(r.error.find("deadline passed") != std::string::npos);

  host.setClock(60000, 10);
  request.deadline_ms = 0;  // none
  const int before = Waiter::provisioned;
  CHECK(calls.provision(request).ok());
  CHECK(Waiter::provisioned == before + 1);
}

TEST_CASE("a shutdown that begins during a call ends it", "[testkit]") {
  FakeHost host;
  host.onExec = ok;
  auto plugin = host.create<Waiter>();
  const ProvisionerCalls calls(plugin);
  host.shutDownDuring({HostService::instance_exec});
  auto r = calls.provision(lxdrunner::testkit::sampleProvisionRequest());
  CHECK(r.status == LXDR_ERR_CANCELLED);
  CHECK(host.host().shuttingDown());
  CHECK(host.calls(HostService::instance_push_file) == 1);  // it came before the cut
}

TEST_CASE("prepare() gets no job, start() the job context", "[testkit]") {
  FakeHost host;
  auto plugin = host.create<Phased>();
  const ProvisionerCalls calls(plugin);
  REQUIRE(calls.hasPhases());
  CHECK_FALSE(calls.isStep());
  const auto request = lxdrunner::testkit::sampleProvisionRequest();
  auto prepared = calls.prepare(request);
  CHECK(prepared.ok());
  CHECK(prepared.log == "prepare: job_id=0 scope= job=none\n");
  auto started = calls.start(request);
  CHECK(started.ok());
  CHECK(started.log ==
        "start: job_id=4242 scope=repos/octo-org/hello-world job=octo-org/hello-world\n");
}

TEST_CASE("provisionConcurrently calls one plugin instance from many threads at once",
          "[testkit]") {
  FakeHost host;
  host.onExec = ok;
  std::mutex mu;
  std::set<std::string> instances;
  host.onExec = [&](const InstanceRef& i, const ExecRequest&) {
    std::lock_guard<std::mutex> lock(mu);
    instances.insert(i.name);
    return ExecResult{0, "", ""};
  };
  host.setClock(0, 50);
  auto plugin = host.create<Waiter>();
  const ProvisionerCalls calls(plugin);
  const auto requests = lxdrunner::testkit::sampleProvisionRequests(8);
  const auto results = lxdrunner::testkit::provisionConcurrently(calls, requests);
  REQUIRE(results.size() == 8);
  for (const auto& r : results) CHECK(r.ok());
  CHECK(instances.size() == 8);
  CHECK(host.files().size() == 1);  // one path, written by each
}
