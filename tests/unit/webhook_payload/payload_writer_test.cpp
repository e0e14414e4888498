// SPDX-License-Identifier: Apache-2.0
// The writer is the inverse of the parser on the fields we extract (the fuzz round trip
// relies on it) and always produces valid JSON.
#include <catch2/catch.hpp>
#include <string>

#include "lxdrunner/webhook/json_scanner.hpp"
#include "lxdrunner/webhook/payload_writer.hpp"
#include "lxdrunner/webhook/ping_parser.hpp"
#include "lxdrunner/webhook/workflow_job_parser.hpp"
#include "test_support.hpp"

using namespace lxdrunner::webhook;
using namespace lxdrunner::webhook::test;

TEST_CASE("appendJsonString escapes what JSON requires", "[writer]") {
  std::string out;
  appendJsonString(out, std::string("a\"b\\c\n\x01\x1f\x7f\xC3\xA9\0", 12));
  CHECK(out == "\"a\\\"b\\\\c\\u000a\\u0001\\u001f\x7f\xC3\xA9\\u0000\"");
  CHECK_FALSE(validateJson(out).has_value());
}

TEST_CASE("parse, write, parse gives the same fields for every fixture", "[writer]") {
  for (const auto& name : workflowJobFixtures()) {
    INFO(name);
    const auto first = parseWorkflowJob(readFixture(name));
    REQUIRE(first.ok());
    const std::string written = writeWorkflowJob(first.value());
    const auto second = parseWorkflowJob(written);
    INFO(written);
    REQUIRE(second.ok());
    CHECK(second.value() == first.value());
  }
  const auto ping = parsePing(readFixture(kPingFixture));
  REQUIRE(ping.ok());
  const auto again = parsePing(writePing(ping.value()));
  REQUIRE(again.ok());
  CHECK(again.value().zen == ping.value().zen);
  CHECK(again.value().hook_id == ping.value().hook_id);
}

TEST_CASE("the writer round-trips awkward values", "[writer]") {
  WorkflowJobPayload job;
  job.action = LXDR_JOB_WAITING;
  job.job_id = UINT64_MAX;
  job.run_id = 9007199254740993ull;
  job.run_attempt = UINT32_MAX;
  job.labels = {"", "with \"quotes\"", std::string("nul\0inside", 10), "\xF0\x9F\x98\x80"};
  job.repository = "o/r";
  job.organization = "org\\name";
  job.installation_id = 1;
  const auto parsed = parseWorkflowJob(writeWorkflowJob(job));
  REQUIRE(parsed.ok());
  CHECK(parsed.value() == job);
}
