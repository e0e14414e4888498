// SPDX-License-Identifier: Apache-2.0
// The operator API's handlers against a real job store (temp dir) and the dispatcher over
// the fake LXD and GitHub of tests/dispatch.
#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "harness.hpp"
#include "operator_api/operator_api.hpp"

namespace lxdrunner::operator_api {
namespace {

using dispatch::test::Harness;
using dispatch::test::makeEntry;
using dispatch::test::waitFor;
using jobs::JobState;
using Poco::JSON::Object;

const std::vector<std::string> kLinux{"self-hosted", "linux"};
const std::string kToken = "test-token-0123456789";

struct ApiFixture {
  Harness h{{makeEntry("linux", kLinux, 5), makeEntry("gpu runner", {"gpu"}, 1)}};
  OperatorApi api{[this] {
    OperatorApiContext c;
    c.config = &h.config;
    c.store = h.store.get();
    c.dispatcher = h.dispatcher.get();
    c.reconciler = h.reconciler.get();
    c.executor = &h.executor;
    c.runners = &h.github;
    c.token = kToken;
    c.version = "9.8.7";
    c.started_at_ms = dispatch::test::wallMs() - 5000;
    return c;
  }()};

  ApiResponse call(const std::string& method, const std::string& target,
                   const std::string& token = kToken) {
    ApiRequest r;
    r.method = method;
    const auto q = target.find('?');
    r.path = target.substr(0, q);
    r.query = q == std::string::npos ? "" : target.substr(q + 1);
    r.authorization = "Bearer " + token;
    return api.handle(r);
  }
  Object::Ptr json(const ApiResponse& r) {
    Poco::JSON::Parser parser;
    return parser.parse(r.body).extract<Object::Ptr>();
  }
  // Queues job `id` and waits until it is running on a fake instance.
  void runJob(uint64_t id, const std::string& repository = "octo/repo",
              const std::string& organization = "") {
    h.dispatcher->handle(h.github.queue(id, kLinux, repository, organization));
    REQUIRE(waitFor([&] { return h.state(id) == JobState::Running; }));
    // The job is Running once the runner starts, a moment before its launch thread lets go
    // of the instance; DELETE answers 409 in that moment, so wait for the launch to end too.
    REQUIRE(waitFor([&] { return !h.dispatcher->isLaunching(h.store->get(id)->instance); }));
  }
};

TEST_CASE_METHOD(ApiFixture, "no or wrong bearer token: 401 with a JSON error, for every path") {
  for (const auto& target : {"/api/v1/status", "/api/v1/jobs/1", "/api/v1/nothing"}) {
    INFO(target);
    const auto wrong = call("GET", target, "guess");
    CHECK(wrong.status == 401);
    CHECK_THAT(json(wrong)->getValue<std::string>("error"), Catch::Contains("bearer token"));
    CHECK_THAT(wrong.body, !Catch::Contains(kToken));
    ApiRequest none;
    none.method = "GET";
    none.path = target;
    CHECK(api.handle(none).status == 401);
  }
}

TEST_CASE_METHOD(ApiFixture, "unknown endpoints are 404 and wrong methods 405 with Allow") {
  CHECK(call("GET", "/api/v1/frobnicate").status == 404);
  CHECK(call("GET", "/api/v2/status").status == 404);
  const auto r = call("POST", "/api/v1/status");
  CHECK(r.status == 405);
  REQUIRE(r.headers.size() == 1);
  CHECK(r.headers[0] == std::make_pair(std::string("Allow"), std::string("GET")));
  CHECK(call("GET", "/api/v1/entries/linux/drain").status == 405);
}

TEST_CASE_METHOD(ApiFixture, "status: version, uptime, entries and counters") {
  h.dispatcher->start();
  runJob(1);
  const auto r = call("GET", "/api/v1/status");
  REQUIRE(r.status == 200);
  const auto s = json(r);
  CHECK(s->getValue<std::string>("version") == "9.8.7");
  CHECK(s->getValue<int>("uptime_s") >= 5);
  CHECK(s->getValue<int>("slots_used") == 1);
  const auto entries = s->getArray("entries");
  REQUIRE(entries->size() == 2);
  const auto linux = entries->getObject(0);
  CHECK(linux->getValue<std::string>("name") == "linux");
  CHECK(linux->getValue<int>("slots_used") == 1);
  CHECK(linux->getValue<int>("max_workers") == 5);
  CHECK_FALSE(linux->getValue<bool>("drained"));
  CHECK(s->getObject("jobs")->getValue<int>("running") == 1);
  CHECK(s->getObject("counters")->getValue<int>("launches_succeeded") == 1);
}

TEST_CASE_METHOD(ApiFixture, "drain keeps an entry's jobs queued until resume") {
  h.dispatcher->start();
  const auto drained = call("POST", "/api/v1/entries/linux/drain");
  REQUIRE(drained.status == 200);
  CHECK(json(drained)->getValue<bool>("drained"));
  CHECK(h.dispatcher->isDrained("linux"));
  h.dispatcher->handle(h.github.queue(7, kLinux));
  h.dispatcher->wake();
  auto status = json(call("GET", "/api/v1/status"));
  CHECK(status->getArray("entries")->getObject(0)->getValue<bool>("drained"));
  CHECK(status->getArray("entries")->getObject(0)->getValue<int>("queued") == 1);
  CHECK(h.state(7) == JobState::Queued);
  // Entry names travel URL-encoded.
  CHECK(call("POST", "/api/v1/entries/gpu%20runner/drain").status == 200);
  CHECK(h.dispatcher->isDrained("gpu runner"));
  CHECK(call("POST", "/api/v1/entries/nope/drain").status == 404);

  const auto resumed = call("POST", "/api/v1/entries/linux/resume");
  REQUIRE(resumed.status == 200);
  CHECK_FALSE(json(resumed)->getValue<bool>("drained"));
  CHECK(waitFor([&] { return h.state(7) == JobState::Running; }));
}

TEST_CASE_METHOD(ApiFixture, "job detail: record, phase timestamps, durations and the log") {
  h.dispatcher->start();
  runJob(42);
  const auto r = call("GET", "/api/v1/jobs/42");
  REQUIRE(r.status == 200);
  const auto job = json(r);
  CHECK(job->getValue<Poco::UInt64>("job_id") == 42);
  CHECK(job->getValue<std::string>("state") == "running");
  CHECK(job->getValue<std::string>("entry") == "linux");
  CHECK(job->getValue<std::string>("repository") == "octo/repo");
  CHECK(job->getValue<bool>("instance_live"));
  const auto instance = job->getValue<std::string>("instance");
  CHECK_THAT(job->getValue<std::string>("log"), Catch::Contains("provisioned " + instance));
  const auto stamps = job->getObject("timestamps");
  for (const auto& phase : {"queued", "launching", "provisioning", "running"}) {
    INFO(phase);
    CHECK(stamps->getObject(phase)->getValue<Poco::Int64>("unix_ms") > 0);
    CHECK_THAT(stamps->getObject(phase)->getValue<std::string>("time"), Catch::EndsWith("Z"));
  }
  CHECK(stamps->getObject("finished")->getValue<Poco::Int64>("unix_ms") == 0);
  CHECK(job->getObject("phase_seconds")->has("provisioning_to_running"));
  CHECK_FALSE(job->getObject("phase_seconds")->has("running_to_finished"));

  CHECK(call("GET", "/api/v1/jobs/43").status == 404);
  CHECK(call("GET", "/api/v1/jobs/abc").status == 400);
  CHECK(call("GET", "/api/v1/jobs/-1").status == 400);
}

TEST_CASE_METHOD(ApiFixture, "job ids above 2^53 come back exactly") {
  h.dispatcher->start();
  runJob(9007199254740993ULL);
  const auto r = call("GET", "/api/v1/jobs/9007199254740993");
  REQUIRE(r.status == 200);
  CHECK_THAT(r.body, Catch::Contains("\"job_id\":9007199254740993"));
}

TEST_CASE_METHOD(ApiFixture, "jobs: unfinished by default, by state when asked") {
  h.dispatcher->start();
  runJob(1);
  h.dispatcher->drain("linux");
  h.dispatcher->handle(h.github.queue(2, kLinux));
  auto all = json(call("GET", "/api/v1/jobs"));
  CHECK(all->getValue<std::string>("state") == "unfinished");
  CHECK(all->getArray("jobs")->size() == 2);
  auto queued = json(call("GET", "/api/v1/jobs?state=queued"));
  REQUIRE(queued->getArray("jobs")->size() == 1);
  CHECK(queued->getArray("jobs")->getObject(0)->getValue<int>("job_id") == 2);
  auto limited = json(call("GET", "/api/v1/jobs?limit=1"));
  CHECK(limited->getValue<int>("total") == 2);
  CHECK(limited->getArray("jobs")->size() == 1);
  const auto bad = call("GET", "/api/v1/jobs?state=sleeping");
  CHECK(bad.status == 400);
  CHECK_THAT(json(bad)->getValue<std::string>("error"), Catch::Contains("unknown state"));
  CHECK(call("GET", "/api/v1/jobs?limit=0").status == 400);
}

TEST_CASE_METHOD(ApiFixture, "instances: the store's live instances joined with the backend") {
  h.dispatcher->start();
  runJob(1);
  h.executor.addForeign("lxdrunner-stray", dispatch::test::wallMs());
  const auto list = json(call("GET", "/api/v1/instances"));
  const auto instances = list->getArray("instances");
  REQUIRE(instances->size() == 2);
  const auto ours = instances->getObject(0);
  CHECK(ours->getValue<std::string>("name") == h.store->get(1)->instance);
  CHECK(ours->getValue<int>("job_id") == 1);
  CHECK(ours->getValue<std::string>("job_state") == "running");
  CHECK(ours->getValue<std::string>("backend_status") == "running");
  const auto stray = instances->getObject(1);
  CHECK(stray->getValue<std::string>("name") == "lxdrunner-stray");
  CHECK(stray->getValue<bool>("orphan"));
  CHECK(list->getArray("errors")->size() == 0);
}

TEST_CASE_METHOD(ApiFixture, "DELETE an instance removes it through the dispatcher") {
  h.dispatcher->start();
  runJob(1);
  const std::string name = h.store->get(1)->instance;
  const auto r = call("DELETE", "/api/v1/instances/" + name);
  REQUIRE(r.status == 202);
  CHECK(json(r)->getValue<std::string>("status") == "deleting");
  CHECK(waitFor([&] { return !h.executor.isLive(name) && h.store->countSlotsAll() == 0; }));
  CHECK(call("DELETE", "/api/v1/instances/" + name).status == 404);
}

TEST_CASE_METHOD(ApiFixture, "runners: ours on GitHub for recent repositories") {
  h.dispatcher->start();
  runJob(1);
  h.github.registerRunner("someone-elses-runner", kLinux, "octo/repo");
  const auto list = json(call("GET", "/api/v1/runners"));
  const auto runners = list->getArray("runners");
  REQUIRE(runners->size() == 1);
  CHECK(runners->getObject(0)->getValue<std::string>("name") == h.store->get(1)->instance);
  CHECK(runners->getObject(0)->getValue<std::string>("repository") == "octo/repo");
  CHECK(runners->getObject(0)->getValue<std::string>("scope") == "repos/octo/repo");
  CHECK(runners->getObject(0)->getValue<std::string>("status") == "online");
}

TEST_CASE_METHOD(ApiFixture, "runners: an organisation's runners, once for all its repositories") {
  h.dispatcher->start();
  runJob(1, "acme/app", "acme");
  runJob(2, "acme/web", "acme");
  const auto listingsOf = [this] {
    const auto all = h.github.listings();
    auto it = all.find("orgs/acme");
    return it == all.end() ? 0 : it->second;
  };
  const int before = listingsOf();
  const auto list = json(call("GET", "/api/v1/runners"));
  const auto runners = list->getArray("runners");
  REQUIRE(runners->size() == 2);
  for (unsigned i = 0; i < 2; ++i) {
    CHECK(runners->getObject(i)->getValue<std::string>("scope") == "orgs/acme");
    CHECK(runners->getObject(i)->getValue<std::string>("repository").empty());
  }
  CHECK(listingsOf() == before + 1);
}

TEST_CASE_METHOD(ApiFixture, "reconcile is triggered, 202") {
  const auto r = call("POST", "/api/v1/reconcile");
  CHECK(r.status == 202);
  CHECK(json(r)->getValue<std::string>("status") == "triggered");
}

TEST_CASE_METHOD(ApiFixture, "devices: every pool item, free or held by an instance and its job") {
  config::DevicePool pool;
  pool.name = "ttys";
  pool.type = config::DevicePoolType::UnixChar;
  for (const char* source : {"/dev/zero", "/dev/full"}) {
    config::DevicePoolItem item;
    item.settings = {{"source", source}};
    pool.items.push_back(item);
  }
  h.config.device_pools = {pool};
  h.config.runnermap[0].device_pools = {{"tty", "ttys"}};
  h.dispatcher->start();
  runJob(1);
  const auto items = json(call("GET", "/api/v1/devices"))->getArray("items");
  REQUIRE(items->size() == 2);
  const auto held = items->getObject(0);
  CHECK(held->getValue<std::string>("pool") == "ttys");
  CHECK(held->getValue<std::string>("item") == "source=/dev/zero");
  CHECK(held->getValue<std::string>("state") == "held");
  CHECK(held->getValue<std::string>("instance") == h.store->get(1)->instance);
  CHECK(held->getValue<std::string>("device") == "tty");
  CHECK(held->getValue<int>("job_id") == 1);
  const auto free = items->getObject(1);
  CHECK(free->getValue<std::string>("item") == "source=/dev/full");
  CHECK(free->getValue<std::string>("state") == "free");
  CHECK(call("POST", "/api/v1/devices").status == 405);
}

}  // namespace
}  // namespace lxdrunner::operator_api
