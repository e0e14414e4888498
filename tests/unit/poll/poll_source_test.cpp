// SPDX-License-Identifier: Apache-2.0
// The poll source against a scripted GitHub: pagination, only queued jobs, each job once,
// the rate-limit share, and redelivery of failed webhook deliveries.
#include <catch2/catch.hpp>

#include <map>
#include <mutex>

#include "lxdrunner/sdk/fake_host.hpp"
#include "poll_source.hpp"

using lxdrunner::poll::PollSource;
using lxdrunner::sdk::FakeHost;
using lxdrunner::sdk::GithubResponse;

namespace {

// A tiny scripted GitHub: exact path → answer; records every call.
struct ScriptedGithub {
  std::map<std::string, GithubResponse> answers;
  std::vector<std::string> calls;
  std::mutex mu;
  GithubResponse operator()(const std::string& method, const std::string& path,
                            const std::string&) {
    std::lock_guard<std::mutex> lock(mu);
    calls.push_back(method + " " + path);
    auto it = answers.find(method + " " + path);
    if (it == answers.end())
      return GithubResponse{404, R"({"message":"Not Found"})", "", -1, -1, -1};
    return it->second;
  }
  void set(const std::string& key, std::string body, std::string next = "", int64_t limit = -1,
           int64_t remaining = -1, int status = 200) {
    answers[key] = GithubResponse{status, std::move(body), std::move(next), limit, remaining, -1};
  }
};

PollSource& plugin(FakeHost::Instance& i) {
  return *static_cast<PollSource*>(reinterpret_cast<lxdrunner::sdk::PluginBase*>(i.handle()));
}

const std::string kRuns = "GET /repos/o/r/actions/runs?status=queued&per_page=100";

}  // namespace

TEST_CASE("queued jobs across pages are emitted once", "[poll]") {
  FakeHost host;
  ScriptedGithub gh;
  gh.set(kRuns, R"({"total_count":3,"workflow_runs":[{"id":1},{"id":2}]})",
         "/repos/o/r/actions/runs?status=queued&per_page=100&page=2");
  gh.set("GET /repos/o/r/actions/runs?status=queued&per_page=100&page=2",
         R"({"total_count":3,"workflow_runs":[{"id":3}]})");
  gh.set(
      "GET /repos/o/r/actions/runs/1/jobs?filter=latest&per_page=100",
      R"({"jobs":[{"id":9007199254740993,"run_id":1,"run_attempt":2,"status":"queued","labels":["self-hosted","linux"]},
                     {"id":11,"run_id":1,"status":"in_progress","labels":["self-hosted"]}]})");
  gh.set("GET /repos/o/r/actions/runs/2/jobs?filter=latest&per_page=100",
         R"({"jobs":[{"id":21,"run_id":2,"status":"queued","labels":["gpu"]}]})");
  gh.set("GET /repos/o/r/actions/runs/3/jobs?filter=latest&per_page=100", R"({"jobs":[]})");
  host.onGithub = [&](const std::string& m, const std::string& p, const std::string& b) {
    return gh(m, p, b);
  };

  auto instance = host.create<PollSource>(R"({"repositories":["o/r"],"interval":60})");
  CHECK(plugin(instance).pollOnce() == 2);
  auto events = host.events();
  REQUIRE(events.size() == 2);
  CHECK(events[0].job_id == 9007199254740993ULL);
  CHECK(events[0].run_id == 1);
  CHECK(events[0].run_attempt == 2);
  CHECK(events[0].repository == "o/r");
  CHECK(events[0].labels == std::vector<std::string>{"self-hosted", "linux"});
  CHECK(events[0].delivery_id == "poll:9007199254740993");
  CHECK(events[1].job_id == 21);

  // The same jobs still queued next round: nothing new.
  CHECK(plugin(instance).pollOnce() == 0);
  CHECK(host.events().size() == 2);
}

TEST_CASE("a round stops early to stay within its share of the rate limit", "[poll]") {
  FakeHost host;
  ScriptedGithub gh;
  // limit 5000, share 0.5: keep 2500 back; remaining 2400 is already below.
  gh.set(kRuns, R"({"workflow_runs":[{"id":1}]})", "", 5000, 2400);
  gh.set("GET /repos/o/r/actions/runs/1/jobs?filter=latest&per_page=100",
         R"({"jobs":[{"id":5,"status":"queued","labels":["x"]}]})", "", 5000, 2399);
  host.onGithub = [&](const std::string& m, const std::string& p, const std::string& b) {
    return gh(m, p, b);
  };
  auto instance = host.create<PollSource>(R"({"repositories":["o/r","o/other"]})");
  CHECK(plugin(instance).pollOnce() == 0);
  CHECK(gh.calls == std::vector<std::string>{kRuns});
  CHECK(host.logged("to stay within 50% of the GitHub rate limit"));
}

TEST_CASE("failed workflow_job deliveries are redelivered once", "[poll]") {
  FakeHost host;
  ScriptedGithub gh;
  gh.set(kRuns, R"({"workflow_runs":[]})");
  gh.set("GET /app/hook/deliveries?per_page=100",
         R"([{"id":1,"guid":"a","event":"workflow_job","status_code":502,"redelivery":false},
             {"id":2,"guid":"b","event":"workflow_job","status_code":200,"redelivery":false},
             {"id":3,"guid":"c","event":"push","status_code":500,"redelivery":false},
             {"id":4,"guid":"d","event":"workflow_job","status_code":500,"redelivery":true}])");
  gh.set("POST /app/hook/deliveries/1/attempts", "{}", "", -1, -1, 202);
  host.onGithub = [&](const std::string& m, const std::string& p, const std::string& b) {
    return gh(m, p, b);
  };
  auto instance = host.create<PollSource>(
      R"({"repositories":["o/r"],"redeliver_failed":true,"hook":"app/hook"})");
  plugin(instance).pollOnce();
  plugin(instance).pollOnce();
  int attempts = 0;
  for (const auto& c : gh.calls) attempts += c.find("/attempts") != std::string::npos ? 1 : 0;
  CHECK(attempts == 1);
  CHECK(host.logged("asked GitHub to redeliver failed delivery a"));
}

TEST_CASE("GitHub errors fail the round with the status", "[poll]") {
  FakeHost host;
  ScriptedGithub gh;
  gh.set(kRuns, R"({"message":"Bad credentials"})", "", -1, -1, 401);
  host.onGithub = [&](const std::string& m, const std::string& p, const std::string& b) {
    return gh(m, p, b);
  };
  auto instance = host.create<PollSource>(R"({"repositories":["o/r"]})");
  CHECK_THROWS_WITH(plugin(instance).pollOnce(),
                    Catch::Contains("HTTP 401") && Catch::Contains("Bad credentials"));
}

TEST_CASE("settings are validated at create()", "[poll]") {
  FakeHost host;
  CHECK_THROWS_WITH(host.create<PollSource>(R"({"repositories":[]})"),
                    Catch::Contains("list at least one OWNER/NAME"));
  CHECK_THROWS_WITH(host.create<PollSource>(R"({"repositories":"all"})"),
                    Catch::Contains("a list of OWNER/NAME, or auto"));
  CHECK_THROWS_WITH(host.create<PollSource>(R"({"repositories":["nope"]})"),
                    Catch::Contains("'nope' is not OWNER/NAME"));
  CHECK_THROWS_WITH(host.create<PollSource>(R"({"repositories":["o/r"],"interval":1})"),
                    Catch::Contains("interval: at least 5 seconds"));
  CHECK_THROWS_WITH(host.create<PollSource>(R"({"repositories":["o/r"],"redeliver_failed":true})"),
                    Catch::Contains("redeliver_failed needs the hook"));
}

TEST_CASE("start and stop run and end the polling thread promptly", "[poll]") {
  FakeHost host;
  ScriptedGithub gh;
  gh.set(kRuns, R"({"workflow_runs":[]})");
  host.onGithub = [&](const std::string& m, const std::string& p, const std::string& b) {
    return gh(m, p, b);
  };
  auto instance = host.create<PollSource>(R"({"repositories":["o/r"],"interval":3600})");
  REQUIRE(instance.ops<lxdr_event_source_ops>().start(instance.handle()) == LXDR_OK);
  for (int i = 0; i < 200; ++i) {
    {
      std::lock_guard<std::mutex> lock(gh.mu);
      if (!gh.calls.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto t0 = std::chrono::steady_clock::now();
  REQUIRE(instance.ops<lxdr_event_source_ops>().stop(instance.handle()) == LXDR_OK);
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(5));
  std::lock_guard<std::mutex> lock(gh.mu);
  CHECK(gh.calls.size() == 1);
}

TEST_CASE("repositories: auto (or none given) polls the discovered repositories each round",
          "[poll][discovery]") {
  for (const char* settings : {R"({"repositories":"auto"})", "{}", R"({"repositories":null})"}) {
    FakeHost host;
    ScriptedGithub gh;
    gh.set(kRuns, R"({"workflow_runs":[{"id":1}]})");
    gh.set("GET /repos/o/r/actions/runs/1/jobs?filter=latest&per_page=100",
           R"({"jobs":[{"id":7,"run_id":1,"status":"queued","labels":["x"]}]})");
    gh.set("GET /repos/o/second/actions/runs?status=queued&per_page=100",
           R"({"workflow_runs":[{"id":2}]})");
    gh.set("GET /repos/o/second/actions/runs/2/jobs?filter=latest&per_page=100",
           R"({"jobs":[{"id":8,"run_id":2,"status":"queued","labels":["x"]}]})");
    host.onGithub = [&](const std::string& m, const std::string& p, const std::string& b) {
      return gh(m, p, b);
    };
    host.setConfig("lxdrunner:repositories", R"(["o/r"])");
    auto instance = host.create<PollSource>(settings);
    CHECK(plugin(instance).pollOnce() == 1);
    CHECK(host.logged("poll: watching 1 discovered repository"));
    // The daemon's list changed (a repository was added to the installation).
    host.setConfig("lxdrunner:repositories", R"(["o/r","o/second"])");
    CHECK(plugin(instance).pollOnce() == 1);
    auto events = host.events();
    REQUIRE(events.size() == 2);
    CHECK(events[1].repository == "o/second");
    CHECK(events[1].job_id == 8);
    CHECK(host.logged("poll: watching 2 discovered repositories"));
  }
}

TEST_CASE("a discovered repository GitHub refuses does not stop the round", "[poll][discovery]") {
  FakeHost host;
  ScriptedGithub gh;
  gh.set("GET /repos/o/a/actions/runs?status=queued&per_page=100", R"({"message":"Not Found"})", "",
         -1, -1, 404);
  gh.set("GET /repos/o/b/actions/runs?status=queued&per_page=100",
         R"({"workflow_runs":[{"id":2}]})");
  gh.set("GET /repos/o/b/actions/runs/2/jobs?filter=latest&per_page=100",
         R"({"jobs":[{"id":9,"run_id":2,"status":"queued","labels":["x"]}]})");
  host.onGithub = [&](const std::string& m, const std::string& p, const std::string& b) {
    return gh(m, p, b);
  };
  host.setConfig("lxdrunner:repositories", R"(["o/a","o/b"])");
  auto instance = host.create<PollSource>("{}");
  CHECK(plugin(instance).pollOnce() == 1);
  CHECK(host.logged("1 discovered repository could not be polled this round (o/a: GET"));
}

TEST_CASE("repositories: auto on a host without discovery says what to do", "[poll][discovery]") {
  FakeHost host;
  auto instance = host.create<PollSource>(R"({"repositories":"auto"})");
  CHECK_THROWS_WITH(plugin(instance).pollOnce(),
                    Catch::Contains("needs an lxdrunner that discovers repositories") &&
                        Catch::Contains("list event_sources.poll.repositories instead"));
}
