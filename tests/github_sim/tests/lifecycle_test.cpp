// SPDX-License-Identifier: Apache-2.0
// A job's whole life as the daemon and the stand-in runner will drive it: queued, a runner
// registers and takes it, finishes it; three signed webhooks in order; no runner left behind.
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdio>
#include <future>
#include <thread>

#include "sim/digests.hpp"
#include "sim_test_support.hpp"

using namespace lxdrunner::github_sim;
using namespace lxdrunner::github_sim::testing;

namespace {

std::string jitFor(const SimHttpClient& client, const std::string& name, const std::string& labels,
                   std::int64_t& runnerId) {
  const HttpResult created = client.post(
      "/repos/octo/app/actions/runners/generate-jitconfig",
      R"({"name":")" + name + R"(","runner_group_id":1,"labels":)" + labels + "}", kPat);
  REQUIRE(created.status == 201);
  runnerId = created.json()->getObject("runner")->getValue<std::int64_t>("id");
  return created.json()->getValue<std::string>("encoded_jit_config");
}

std::int64_t queueJob(const SimHttpClient& client, const std::string& labels) {
  const HttpResult job =
      client.post("/_sim/jobs", R"({"repo":"octo/app","labels":)" + labels + "}");
  REQUIRE(job.status == 201);
  return job.json()->getValue<std::int64_t>("job_id");
}

std::int64_t totalCount(const HttpResult& result) {
  return result.json()->getValue<std::int64_t>("total_count");
}

}  // namespace

TEST_CASE("github_sim: queued, session, acquire, complete: three webhooks and no runner left",
          "[github_sim][lifecycle]") {
  SimWithReceiver sim;
  SimHttpClient& client = sim.client;
  const std::int64_t jobId = queueJob(client, R"(["self-hosted","linux"])");
  CHECK(totalCount(client.get("/repos/octo/app/actions/runs?status=queued", kPat)) == 1);

  std::int64_t runnerId = 0;
  const std::string jit = jitFor(client, "lxd-abc", R"(["self-hosted","Linux","X64"])", runnerId);
  REQUIRE(client.post("/_sim/runner/session", R"({"jitconfig":")" + jit + R"("})").status == 200);
  const HttpResult online = client.get("/repos/octo/app/actions/runners", kPat);
  CHECK(online.json()->getArray("runners")->getObject(0)->getValue<std::string>("status") ==
        "online");

  const std::string runner = R"({"runner_id":)" + std::to_string(runnerId);
  const HttpResult acquired = client.post("/_sim/runner/acquire", runner + "}");
  REQUIRE(acquired.status == 200);
  CHECK(acquired.json()->getObject("job")->getValue<std::int64_t>("id") == jobId);
  CHECK(client.get("/repos/octo/app/actions/runners/" + std::to_string(runnerId), kPat)
            .json()
            ->getValue<bool>("busy"));
  CHECK(totalCount(client.get("/repos/octo/app/actions/runs?status=in_progress", kPat)) == 1);
  // A busy runner cannot be deleted, as on GitHub.
  CHECK(client
            .request("DELETE", "/repos/octo/app/actions/runners/" + std::to_string(runnerId), "",
                     kPat)
            .status == 422);

  const HttpResult completed =
      client.post("/_sim/runner/complete",
                  runner + R"(,"job_id":)" + std::to_string(jobId) + R"(,"conclusion":"success"})");
  REQUIRE(completed.status == 200);
  CHECK(completed.json()->getValue<bool>("runner_removed"));

  const auto received = sim.receiver.waitFor(3);
  REQUIRE(received.size() == 3);
  const char* const actions[] = {"queued", "in_progress", "completed"};
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(received[i].header("x-hub-signature-256") ==
          webhookSignature256(kWebhookSecret, received[i].body));
    JsonObject payload = parseObject(received[i].body);
    CHECK(payload->getValue<std::string>("action") == actions[i]);
    CHECK(payload->getObject("workflow_job")->getValue<std::int64_t>("id") == jobId);
  }
  JsonObject inProgress = parseObject(received[1].body)->getObject("workflow_job");
  CHECK(inProgress->getValue<std::int64_t>("runner_id") == runnerId);
  CHECK(inProgress->getValue<std::string>("runner_name") == "lxd-abc");
  CHECK(inProgress->getValue<std::string>("status") == "in_progress");
  JsonObject done = parseObject(received[2].body)->getObject("workflow_job");
  CHECK(done->getValue<std::string>("conclusion") == "success");
  CHECK(received[0].header("x-github-delivery") != received[2].header("x-github-delivery"));

  CHECK(totalCount(client.get("/repos/octo/app/actions/runners", kPat)) == 0);
  CHECK(totalCount(client.get("/repos/octo/app/actions/runs?status=queued", kPat)) == 0);
  const HttpResult state = client.get("/_sim/state");
  JsonObject dump = state.json();
  CHECK(dump->getArray("runners")->size() == 0);
  CHECK(dump->getArray("jobs")->getObject(0)->getValue<std::string>("status") == "completed");
  CHECK(dump->getArray("deliveries")->size() == 3);
  JsonObject counts = dump->getObject("request_counts");
  CHECK(counts->getValue<std::int64_t>("POST /_sim/runner/acquire") == 1);
  CHECK(counts->getValue<std::int64_t>(
            "POST /repos/{owner}/{repo}/actions/runners/generate-jitconfig") == 1);
  CHECK(dump->getObject("api_versions")->getValue<std::int64_t>("2022-11-28") >= 4);
}

TEST_CASE("github_sim: runners only get jobs whose labels they all have",
          "[github_sim][lifecycle]") {
  SimWithReceiver sim;
  std::int64_t runnerId = 0;
  const std::string jit = jitFor(sim.client, "small", R"(["self-hosted","linux"])", runnerId);
  REQUIRE(sim.client.post("/_sim/runner/session", R"({"jitconfig":")" + jit + R"("})").status ==
          200);
  queueJob(sim.client, R"(["self-hosted","linux","gpu"])");
  const std::string body = R"({"runner_id":)" + std::to_string(runnerId) + "}";
  CHECK(sim.client.post("/_sim/runner/acquire", body).status == 204);
  const std::int64_t fits = queueJob(sim.client, R"(["LINUX"])");
  const HttpResult acquired = sim.client.post("/_sim/runner/acquire", body);
  REQUIRE(acquired.status == 200);
  CHECK(acquired.json()->getObject("job")->getValue<std::int64_t>("id") == fits);
}

TEST_CASE("github_sim: a long-polling runner gets a job queued after it asked",
          "[github_sim][lifecycle]") {
  SimWithReceiver sim;
  std::int64_t runnerId = 0;
  const std::string jit = jitFor(sim.client, "waiter", R"(["self-hosted"])", runnerId);
  REQUIRE(sim.client.post("/_sim/runner/session", R"({"jitconfig":")" + jit + R"("})").status ==
          200);
  const auto started = std::chrono::steady_clock::now();
  auto waiting = std::async(std::launch::async, [&] {
    return sim.client.post("/_sim/runner/acquire", R"({"runner_id":)" + std::to_string(runnerId) +
                                                       R"(,"wait_seconds":20})");
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  const std::int64_t jobId = queueJob(sim.client, R"(["self-hosted"])");
  const HttpResult acquired = waiting.get();
  CHECK(acquired.status == 200);
  CHECK(acquired.json()->getObject("job")->getValue<std::int64_t>("id") == jobId);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}

TEST_CASE("github_sim: config.sh-style registration with a registration token",
          "[github_sim][lifecycle]") {
  SimWithReceiver sim;
  const HttpResult token =
      sim.client.post("/repos/octo/app/actions/runners/registration-token", "", kPat);
  REQUIRE(token.status == 201);
  const std::string value = token.json()->getValue<std::string>("token");
  const std::string url = sim.simulator.url() + "/octo/app";
  const HttpResult session = sim.client.post(
      "/_sim/runner/session", R"({"token":")" + value + R"(","url":")" + url +
                                  R"(","name":"cfg-1","labels":["big"],"ephemeral":true})");
  REQUIRE(session.status == 200);
  JsonObject runner = session.json()->getObject("runner");
  CHECK(runner->getValue<std::string>("status") == "online");
  CHECK(runner->getArray("labels")->size() == 4);  // self-hosted, Linux, X64, big
  CHECK(sim.client.post("/_sim/runner/session", R"({"token":"WRONG","name":"x"})").status == 401);
  CHECK(sim.client
            .post("/_sim/runner/session", R"({"token":")" + value + R"(","url":")" +
                                              sim.simulator.url() +
                                              R"(/elsewhere/repo","name":"x"})")
            .status == 404);

  const std::int64_t jobId = queueJob(sim.client, R"(["self-hosted","big"])");
  const std::string who = R"({"runner":"cfg-1")";
  REQUIRE(sim.client.post("/_sim/runner/acquire", who + "}").status == 200);
  const HttpResult done =
      sim.client.post("/_sim/runner/complete", who + R"(,"job_id":)" + std::to_string(jobId) +
                                                   R"(,"conclusion":"failure"})");
  REQUIRE(done.status == 200);
  CHECK(done.json()->getValue<bool>("runner_removed"));
  const auto received = sim.receiver.waitFor(3);
  REQUIRE(received.size() == 3);
  CHECK(parseObject(received[2].body)
            ->getObject("workflow_job")
            ->getValue<std::string>("conclusion") == "failure");
}

TEST_CASE("github_sim: state survives a restart through the state file",
          "[github_sim][lifecycle]") {
  const std::string path = std::string(LXDRUNNER_BINARY_DIR) + "/github-sim-state-test.json";
  std::remove(path.c_str());
  SimulatorOptions options = testOptions();
  options.stateFile = path;
  std::int64_t jobId = 0;
  {
    GithubSimulator sim(options);
    sim.start();
    SimHttpClient client(sim.url());
    jobId = queueJob(client, R"(["linux"])");
    std::int64_t runnerId = 0;
    jitFor(client, "kept", R"(["linux"])", runnerId);
  }
  GithubSimulator sim(options);
  sim.start();
  SimHttpClient client(sim.url());
  CHECK(totalCount(client.get("/repos/octo/app/actions/runners?name=kept", kPat)) == 1);
  const HttpResult job = client.get("/_sim/jobs/" + std::to_string(jobId));
  CHECK(job.status == 200);
  CHECK(job.json()->getValue<std::string>("status") == "queued");
  // Ids continue instead of being reused.
  CHECK(queueJob(client, R"(["linux"])") != jobId);
  sim.stop();
  std::remove(path.c_str());
}
