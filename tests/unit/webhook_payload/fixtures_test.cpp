// SPDX-License-Identifier: Apache-2.0
// Every real payload parses, with the values GitHub put in it (including its quirks).
#include <catch2/catch.hpp>
#include <string>

#include "lxdrunner/webhook/ping_parser.hpp"
#include "lxdrunner/webhook/workflow_job_parser.hpp"
#include "padded_delivery.hpp"
#include "test_support.hpp"

using namespace lxdrunner::webhook;
using namespace lxdrunner::webhook::test;

namespace {

WorkflowJobPayload parsedFixture(const std::string& name) {
  const auto result = parseWorkflowJob(readFixture(name));
  INFO(name << ": " << (result ? std::string("ok") : result.error().describe()));
  REQUIRE(result.ok());
  return result.value();
}

}  // namespace

TEST_CASE("queued fixture: action wins over status, runner fields set", "[fixtures]") {
  const auto job = parsedFixture("workflow_job.queued.payload.json");
  CHECK(job.action == LXDR_JOB_QUEUED);
  CHECK(job.status == "queued");
  CHECK(job.job_id == 289782451u);
  CHECK(job.run_id == 2202229078u);  // above 2^31: must not pass through int
  CHECK(job.run_attempt == 1u);
  CHECK(job.labels == std::vector<std::string>{"ubuntu-latest"});
  CHECK(job.conclusion.empty());  // null
  // Quirk: runner fields are usually null while queued, but this real one has a runner.
  CHECK(job.runner_id == 5u);
  CHECK(job.runner_name == "GitHub Actions 5");
  CHECK(job.repository == "Codertocat/Hello-World");
  CHECK(job.organization.empty());  // user repository: no organization object
  CHECK(job.installation_id == 3456996u);
  CHECK(job.workflow_name == "CodeQL");
  CHECK(job.job_name == "update");  // workflow_job.name, not a step's name
  CHECK(job.head_branch == "main");
}

TEST_CASE("in_progress fixture", "[fixtures]") {
  const auto job = parsedFixture("workflow_job.in_progress.payload.json");
  CHECK(job.action == LXDR_JOB_IN_PROGRESS);
  CHECK(job.status == "in_progress");
  CHECK(job.job_id == 289782451u);
  CHECK(job.run_id == 2202229078u);
  CHECK(job.labels == std::vector<std::string>{"ubuntu-latest"});
  CHECK(job.conclusion.empty());
  CHECK(job.runner_id == 5u);
  CHECK(job.runner_name == "GitHub Actions 5");
  CHECK(job.organization.empty());
  CHECK(job.installation_id == 1u);
}

TEST_CASE("completed fixture with organization, without installation", "[fixtures]") {
  const auto job = parsedFixture("workflow_job.completed.success.with-organization.payload.json");
  CHECK(job.action == LXDR_JOB_COMPLETED);
  CHECK(job.status == "completed");
  CHECK(job.conclusion == "success");
  CHECK(job.job_id == 289782451u);
  CHECK(job.run_id == 2202229078u);
  CHECK(job.run_attempt == 1u);
  CHECK(job.runner_id == 5u);
  CHECK(job.repository == "Codertocat/Hello-World");
  CHECK(job.organization == "Octocoders");
  CHECK(job.installation_id == 0u);  // no GitHub App
  // Its steps have names too; only workflow_job's own counts.
  CHECK(job.job_name == "linters");
  CHECK(job.workflow_name == "CodeQL");
}

TEST_CASE("ping fixture", "[fixtures]") {
  const auto result = parsePing(readFixture(kPingFixture));
  INFO((result ? std::string("ok") : result.error().describe()));
  REQUIRE(result.ok());
  CHECK(result.value().zen == "Anything added dilutes everything else.");
  CHECK(result.value().hook_id == 109948940u);
}

TEST_CASE("a ping is not a workflow_job and the other way round", "[fixtures]") {
  const auto as_job = parseWorkflowJob(readFixture(kPingFixture));
  REQUIRE_FALSE(as_job.ok());
  CHECK(as_job.error().kind == ParseErrorKind::kMissingField);
  CHECK(as_job.error().describe() == "missing action");

  const auto as_ping = parsePing(readFixture("workflow_job.queued.payload.json"));
  REQUIRE_FALSE(as_ping.ok());
  CHECK(as_ping.error().describe() == "missing hook_id");
}

TEST_CASE("fixtures padded to a real delivery's size parse to the same fields", "[fixtures]") {
  for (const auto& name : workflowJobFixtures()) {
    const std::string body = readFixture(name);
    for (const std::string& padded :
         {padDelivery(body, kRealDeliverySize), padDelivery(minify(body), kRealDeliverySize)}) {
      INFO(name);
      CHECK(padded.size() >= kRealDeliverySize);
      const auto result = parseWorkflowJob(padded);
      REQUIRE(result.ok());
      CHECK(result.value() == parsedFixture(name));
    }
  }
}

TEST_CASE("line endings and indentation do not matter", "[fixtures]") {
  for (const auto& name : workflowJobFixtures()) {
    const std::string body = readFixture(name);
    std::string crlf;
    for (const char c : body) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
    INFO(name);
    const auto expected = parsedFixture(name);
    const auto from_crlf = parseWorkflowJob(crlf);
    const auto from_compact = parseWorkflowJob(minify(body));
    REQUIRE(from_crlf.ok());
    REQUIRE(from_compact.ok());
    CHECK(from_crlf.value() == expected);
    CHECK(from_compact.value() == expected);
    CHECK(minify(body).size() < body.size());
  }
}

TEST_CASE("toJobEvent hands every field to the core", "[fixtures]") {
  const auto job = parsedFixture("workflow_job.completed.success.with-organization.payload.json");
  const auto event = toJobEvent(job, "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  CHECK(event.action == LXDR_JOB_COMPLETED);
  CHECK(event.job_id == job.job_id);
  CHECK(event.run_id == job.run_id);
  CHECK(event.run_attempt == job.run_attempt);
  CHECK(event.labels == job.labels);
  CHECK(event.repository == "Codertocat/Hello-World");
  CHECK(event.organization == "Octocoders");
  CHECK(event.installation_id == 0u);
  CHECK(event.delivery_id == "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  CHECK(event.runner_id == 5u);
  CHECK(event.runner_name == "GitHub Actions 5");
  CHECK(event.conclusion == "success");
  CHECK(event.workflow_name == "CodeQL");
  CHECK(event.job_name == "linters");
  CHECK(event.head_branch == "main");
}
