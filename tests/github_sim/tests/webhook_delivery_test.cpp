// SPDX-License-Identifier: Apache-2.0
// Webhook deliveries: real headers, valid signatures, the fixtures' payload shape, exact 64-bit
// ids, and a delivery log that supports redelivery.
#include <catch2/catch.hpp>

#include <Poco/URI.h>

#include <algorithm>
#include <regex>
#include <set>

#include "payload_shape.hpp"
#include "sim/digests.hpp"
#include "sim_test_support.hpp"

using namespace lxdrunner::github_sim;
using namespace lxdrunner::github_sim::testing;

namespace {

void checkSignedHeaders(const ReceivedWebhook& webhook, const std::string& event,
                        const std::string& secret) {
  CHECK(webhook.header("x-github-event") == event);
  CHECK(std::regex_match(webhook.header("x-github-delivery"),
                         std::regex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                    "[0-9a-f]{12}")));
  CHECK(webhook.header("x-hub-signature-256") == webhookSignature256(secret, webhook.body));
  CHECK_THAT(webhook.header("user-agent"), Catch::StartsWith("GitHub-Hookshot/"));
  CHECK(webhook.header("content-type") == "application/json");
  CHECK_FALSE(webhook.header("x-github-hook-id").empty());
}

}  // namespace

TEST_CASE("github_sim: a queued delivery is signed and shaped like GitHub's",
          "[github_sim][webhook]") {
  SimulatorOptions options = testOptions();
  options.installationId = 3456996;
  SimWithReceiver sim(options);
  const HttpResult job = sim.client.post(
      "/_sim/jobs", R"({"repo":"Codertocat/Hello-World","labels":["self-hosted","linux"],)"
                    R"("job_id":9007199254740993,"run_id":9007199254740995})");
  REQUIRE(job.status == 201);
  CHECK(job.json()->getValue<std::int64_t>("job_id") == 9007199254740993);

  const auto received = sim.receiver.waitFor(1);
  REQUIRE(received.size() == 1);
  const ReceivedWebhook& webhook = received[0];
  checkSignedHeaders(webhook, "workflow_job", kWebhookSecret);
  CHECK(webhook.header("x-github-hook-id") == "1");

  // Ids above 2^53 are written as exact integers: check the raw text, not a parsed double.
  CHECK_THAT(webhook.body, Catch::Contains(R"("id":9007199254740993,"run_id":9007199254740995,)"));
  JsonObject payload = parseObject(webhook.body);
  CHECK(payload->getValue<std::string>("action") == "queued");
  JsonObject workflowJob = payload->getObject("workflow_job");
  CHECK(workflowJob->getValue<std::int64_t>("id") == 9007199254740993);
  CHECK(workflowJob->getValue<std::string>("status") == "queued");
  CHECK(workflowJob->isNull("runner_id"));
  CHECK(payload->getObject("installation")->getValue<std::int64_t>("id") == 3456996);
  CHECK(payload->getObject("repository")->getValue<std::string>("full_name") ==
        "Codertocat/Hello-World");
  CHECK_FALSE(payload->has("organization"));

  const auto differences =
      shapeDifferences(readFixture("workflow_job.queued.payload.json"), webhook.body);
  INFO(Catch::Detail::stringify(differences));
  CHECK(differences.empty());
}

TEST_CASE("github_sim: organisation jobs carry the organization block", "[github_sim][webhook]") {
  SimWithReceiver sim;
  const HttpResult job =
      sim.client.post("/_sim/jobs", R"({"repo":"octo-org/app","org":true,"labels":["linux"]})");
  REQUIRE(job.status == 201);
  const std::string id = std::to_string(job.json()->getValue<std::int64_t>("job_id"));
  REQUIRE(sim.client.post("/_sim/jobs/" + id + "/cancel", "").status == 200);
  const auto received = sim.receiver.waitFor(2);
  REQUIRE(received.size() == 2);
  JsonObject completed = parseObject(received[1].body);
  CHECK(completed->getValue<std::string>("action") == "completed");
  CHECK(completed->getObject("workflow_job")->getValue<std::string>("conclusion") == "cancelled");
  CHECK(completed->getObject("organization")->getValue<std::string>("login") == "octo-org");
  CHECK_FALSE(completed->has("installation"));
  const auto differences =
      shapeDifferences(readFixture("workflow_job.completed.success.with-organization.payload.json"),
                       received[1].body);
  INFO(Catch::Detail::stringify(differences));
  CHECK(differences.empty());
}

TEST_CASE("github_sim: repository hooks are pinged, logged and can redeliver",
          "[github_sim][webhook]") {
  GithubSimulator simulator(testOptions());
  simulator.start();
  SimHttpClient client(simulator.url());
  WebhookReceiver receiver;

  const HttpResult hook = client.post(
      "/repos/octo/app/hooks",
      R"({"name":"web","events":["workflow_job"],"active":true,"config":{"url":")" +
          receiver.url() + R"(","content_type":"json","secret":"s3cret","insecure_ssl":"0"}})",
      kPat);
  REQUIRE(hook.status == 201);
  const std::string hookId = std::to_string(hook.json()->getValue<std::int64_t>("id"));
  CHECK(hook.json()->getValue<std::string>("type") == "Repository");
  CHECK(hook.json()->getObject("config")->getValue<std::string>("secret") == "********");
  CHECK(
      client.post("/repos/octo/app/hooks", R"({"config":{"url":")" + receiver.url() + "\"}}", kPat)
          .status == 422);
  const auto pinged = receiver.waitFor(1);
  REQUIRE(pinged.size() == 1);
  checkSignedHeaders(pinged[0], "ping", "s3cret");
  CHECK(parseObject(pinged[0].body)->getValue<std::int64_t>("hook_id") ==
        hook.json()->getValue<std::int64_t>("id"));
  // The fixture's hook had no secret; with one, GitHub shows config.secret as "********".
  auto pingDifferences = shapeDifferences(readFixture("ping.payload.json"), pinged[0].body);
  pingDifferences.erase(
      std::remove(pingDifferences.begin(), pingDifferences.end(), "extra hook.config.secret"),
      pingDifferences.end());
  INFO(Catch::Detail::stringify(pingDifferences));
  CHECK(pingDifferences.empty());

  receiver.answerWith(500);
  REQUIRE(client.post("/_sim/jobs", R"({"repo":"octo/app","labels":["linux"]})").status == 201);
  // A job in another repository does not reach this hook.
  REQUIRE(client.post("/_sim/jobs", R"({"repo":"octo/other","labels":["linux"]})").status == 201);
  REQUIRE(simulator.flushWebhooks());
  REQUIRE(receiver.received().size() == 2);

  const std::string deliveries = "/repos/octo/app/hooks/" + hookId + "/deliveries";
  const HttpResult log = client.get(deliveries, kPat);
  REQUIRE(log.status == 200);
  JsonArray items = log.jsonArray();
  REQUIRE(items->size() == 2);
  JsonObject failed = items->getObject(0);  // newest first
  CHECK(failed->getValue<std::string>("event") == "workflow_job");
  CHECK(failed->getValue<std::string>("action") == "queued");
  CHECK(failed->getValue<int>("status_code") == 500);
  CHECK(failed->getValue<std::string>("status") == "Invalid HTTP Response: 500");
  CHECK(items->getObject(1)->getValue<std::string>("event") == "ping");
  CHECK(items->getObject(1)->getValue<int>("status_code") == 200);
  const HttpResult paged = client.get(deliveries + "?per_page=1", kPat);
  CHECK_THAT(paged.header("link"),
             Catch::Contains("cursor=v1_") && Catch::Contains("rel=\"next\""));

  receiver.answerWith(200);
  const std::string failedId = std::to_string(failed->getValue<std::int64_t>("id"));
  CHECK(client.post(deliveries + "/" + failedId + "/attempts", "", kPat).status == 202);
  REQUIRE(simulator.flushWebhooks());
  const auto all = receiver.received();
  REQUIRE(all.size() == 3);
  CHECK(all[2].header("x-github-delivery") == all[1].header("x-github-delivery"));
  CHECK(all[2].body == all[1].body);
  JsonObject redelivered = client.get(deliveries, kPat).jsonArray()->getObject(0);
  CHECK(redelivered->getValue<bool>("redelivery"));
  CHECK(redelivered->getValue<int>("status_code") == 200);
  CHECK(redelivered->getValue<std::string>("guid") == all[1].header("x-github-delivery"));
  const HttpResult detail = client.get(deliveries + "/" + failedId, kPat);
  CHECK(detail.json()->getObject("request")->getObject("payload")->getValue<std::string>(
            "action") == "queued");
}

TEST_CASE("github_sim: form hooks get payload= bodies, signed as sent", "[github_sim][webhook]") {
  GithubSimulator simulator(testOptions());
  simulator.start();
  SimHttpClient client(simulator.url());
  WebhookReceiver receiver;
  REQUIRE(client
              .post("/orgs/octo-org/hooks",
                    R"({"events":["*"],"config":{"url":")" + receiver.url() +
                        R"(","content_type":"form","secret":"f"}})",
                    kPat)
              .status == 201);
  const auto received = receiver.waitFor(1);
  REQUIRE(received.size() == 1);
  CHECK(received[0].header("content-type") == "application/x-www-form-urlencoded");
  CHECK_THAT(received[0].body, Catch::StartsWith("payload=%7B%22zen%22"));
  CHECK(received[0].header("x-hub-signature-256") == webhookSignature256("f", received[0].body));
  CHECK(parseObject(
            Poco::URI(simulator.url() + "/?" + received[0].body).getQueryParameters().at(0).second)
            ->getObject("hook")
            ->getValue<std::string>("type") == "Organization");
}

TEST_CASE("github_sim: count queues a burst of jobs, one queued webhook each",
          "[github_sim][webhook]") {
  SimWithReceiver sim;
  const HttpResult burst =
      sim.client.post("/_sim/jobs", R"({"repo":"octo/app","labels":["linux"],"count":3})");
  REQUIRE(burst.status == 201);
  const auto ids = burst.json()->getArray("job_ids");
  REQUIRE(ids->size() == 3);
  CHECK(burst.json()->getValue<std::int64_t>("job_id") == ids->getElement<std::int64_t>(0));
  std::set<std::int64_t> distinct;
  for (unsigned i = 0; i < ids->size(); ++i) distinct.insert(ids->getElement<std::int64_t>(i));
  CHECK(distinct.size() == 3);

  const auto received = sim.receiver.waitFor(3);
  REQUIRE(received.size() == 3);
  std::set<std::int64_t> delivered;
  std::set<std::int64_t> runs;
  for (const ReceivedWebhook& webhook : received) {
    JsonObject payload = parseObject(webhook.body);
    CHECK(payload->getValue<std::string>("action") == "queued");
    delivered.insert(payload->getObject("workflow_job")->getValue<std::int64_t>("id"));
    runs.insert(payload->getObject("workflow_job")->getValue<std::int64_t>("run_id"));
  }
  CHECK(delivered == distinct);
  CHECK(runs.size() == 3);  // each job in a run of its own

  CHECK(sim.client.post("/_sim/jobs", R"({"repo":"octo/app","labels":["x"],"count":0})").status ==
        422);
  CHECK(sim.client.post("/_sim/jobs", R"({"repo":"octo/app","labels":["x"],"count":101})").status ==
        422);
  CHECK(sim.client.post("/_sim/jobs", R"({"repo":"octo/app","labels":["x"],"count":2,"job_id":77})")
            .status == 422);
}
