// SPDX-License-Identifier: Apache-2.0
// Ids are 64-bit and exact: GitHub's run ids already exceed 2^31, and a parser that goes
// through double silently changes anything above 2^53.
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "lxdrunner/webhook/workflow_job_parser.hpp"
#include "test_support.hpp"

using namespace lxdrunner::webhook;
using namespace lxdrunner::webhook::test;

namespace {

ParseResult<WorkflowJobPayload> withJobId(const std::string& literal) {
  return parseWorkflowJob(minimalJobWith("\"id\":1", "\"id\":" + literal));
}

}  // namespace

TEST_CASE("ids above 2^53 are exact", "[ids]") {
  const auto result = withJobId("9007199254740993");  // 2^53 + 1: not a double
  REQUIRE(result.ok());
  CHECK(result.value().job_id == 9007199254740993ull);
}

TEST_CASE("ids above 2^63 up to 2^64 - 1 are exact", "[ids]") {
  for (const auto& [literal, value] :
       {std::pair<std::string, std::uint64_t>{"9223372036854775807", INT64_MAX},
        {"9223372036854775808", 9223372036854775808ull},
        {"18446744073709551614", UINT64_MAX - 1},
        {"18446744073709551615", UINT64_MAX},
        {"0", 0}}) {
    INFO(literal);
    const auto result = withJobId(literal);
    REQUIRE(result.ok());
    CHECK(result.value().job_id == value);
  }
}

TEST_CASE("every extracted id field is 64-bit", "[ids]") {
  std::string body = kMinimalJob;
  body = replaceOnce(body, "\"run_id\":2", "\"run_id\":18446744073709551615");
  body = replaceOnce(body, "\"runner_id\":null", "\"runner_id\":18446744073709551614");
  body = replaceOnce(body, "}}", "},\"installation\":{\"id\":18446744073709551613}}");
  const auto result = parseWorkflowJob(body);
  REQUIRE(result.ok());
  CHECK(result.value().run_id == UINT64_MAX);
  CHECK(result.value().runner_id == UINT64_MAX - 1);
  CHECK(result.value().installation_id == UINT64_MAX - 2);
}

TEST_CASE("ids that are not unsigned 64-bit integers are refused", "[ids]") {
  for (const char* literal :
       {"18446744073709551616", "18446744073709551620", "99999999999999999999999", "-1", "-0",
        "1.0", "1.5", "1e3", "1E0", "0e0", "289782451.0"}) {
    INFO(literal);
    const auto result = withJobId(literal);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error().kind == ParseErrorKind::kOutOfRange);
    CHECK(result.error().message ==
          "workflow_job.id: expected an integer from 0 to 18446744073709551615");
    CHECK(result.error().position == std::string(kMinimalJob).find("\"id\":1") + 5);
  }
}

TEST_CASE("run_attempt must fit 32 bits; null or absent reads as 0", "[ids]") {
  const auto max =
      parseWorkflowJob(minimalJobWith("\"run_attempt\":1", "\"run_attempt\":4294967295"));
  REQUIRE(max.ok());
  CHECK(max.value().run_attempt == 4294967295u);

  const auto over =
      parseWorkflowJob(minimalJobWith("\"run_attempt\":1", "\"run_attempt\":4294967296"));
  REQUIRE_FALSE(over.ok());
  CHECK(over.error().kind == ParseErrorKind::kOutOfRange);

  const auto null = parseWorkflowJob(minimalJobWith("\"run_attempt\":1", "\"run_attempt\":null"));
  REQUIRE(null.ok());
  CHECK(null.value().run_attempt == 0u);

  const auto absent = parseWorkflowJob(minimalJobWith("\"run_attempt\":1,", ""));
  REQUIRE(absent.ok());
  CHECK(absent.value().run_attempt == 0u);
}

TEST_CASE("numbers we do not extract may be anything JSON allows", "[ids]") {
  const auto result = parseWorkflowJob(minimalJobWith(
      "\"status\"", "\"big\":-1.5e+308,\"huge\":123456789012345678901234567890,\"status\""));
  REQUIRE(result.ok());
}
